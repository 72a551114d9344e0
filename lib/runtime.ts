/** What the native module runs with, and its thread count. */
import { native, type NativeInfo } from './binding';

/** ISA, available ISAs, OpenMP, threads, Node-API and package version of the loaded native module. */
export function info(): NativeInfo {
  return native().info();
}

/** The instruction set the kernels run with (e.g. 'scalar', 'avx2'). `SIMD_CONV2D_ISA` forces one. */
export function getIsa(): string {
  return native().getIsa();
}

/**
 * Switches the instruction set for all layers from their next call (`''` restores the automatic
 * choice), e.g. to compare paths. Throws when this build or CPU cannot run it; `info().availableIsas`
 * lists what can.
 */
export function setIsa(name: string): void {
  if (typeof name !== 'string') {
    throw new TypeError(`setIsa: expected an ISA name such as 'avx2' (or '' for automatic), received ${typeof name}`);
  }
  native().setIsa(name);
}

/** Sets the number of threads a convolution may use (an integer ≥ 1). */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`setNumThreads: expected an integer >= 1, received ${String(n)}`);
  }
  native().setNumThreads(n);
}

/** The number of threads a convolution may use. */
export function getNumThreads(): number {
  return native().info().numThreads;
}
