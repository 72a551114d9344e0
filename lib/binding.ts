/**
 * The typed surface of the native module, and its loader. Nothing else in lib/ touches the
 * addon untyped. node-gyp-build finds `build/Release/simd_conv2d.node` (a local build) or
 * `prebuilds/<platform>-<arch>/…` (a shipped binary), from lib/ (tests) and dist/ alike.
 */
import * as path from 'node:path';

/** Opaque handle to weights packed for the active kernel (repacked whenever weights change). */
export interface NativePackedWeights {
  readonly __brand: 'NativePackedWeights';
}

export interface NativeWeightDims {
  kh: number;
  kw: number;
  cinPerGroup: number;
  filters: number;
  groups: number;
}

/** The plain parameter struct the driver receives; kernel sizes come from the packed weights. */
export interface NativeConvParams {
  batch: number;
  height: number;
  width: number;
  channels: number;
  channelsFirst: boolean;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padding: 'valid' | 'same';
  /** A name the native epilogue fuses (see `Activation.fused`), else 'linear'. */
  activation: string;
  alpha?: number;
}

export interface NativePlan {
  outH: number;
  outW: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
}

export interface NativeInfo {
  /** The instruction set the kernels run with, e.g. 'scalar'. */
  isa: string;
  availableIsas: string[];
  openmp: boolean;
  numThreads: number;
  /**
   * What the addon did to glibc's malloc at load (README, "Performance"): 'retain' (freed outputs
   * are reused in place), 'default' (SIMD_CONV2D_MALLOC=default), 'user' (your own
   * GLIBC_TUNABLES / MALLOC_*_ settings left alone) or 'unsupported' (not glibc).
   */
  malloc: 'retain' | 'default' | 'user' | 'unsupported';
  napiVersion: number;
  version: string;
}

export interface NativeBinding {
  packWeights(kernel: Float32Array, bias: Float32Array | null, dims: NativeWeightDims): NativePackedWeights;
  /** Frees the handle's packed data now (calls already queued keep theirs); using it again throws. */
  releasePackedWeights(packed: NativePackedWeights): void;
  /** `params` from `encodeConvParams`. */
  conv2d(packed: NativePackedWeights, input: Float32Array, output: Float32Array, params: Float64Array): void;
  /** Queues the call on the process-wide compute queue; `jobId` is for `cancelJob`. */
  conv2dAsync(packed: NativePackedWeights, input: Float32Array, output: Float32Array, params: Float64Array): Promise<void> & { jobId: number };
  /** Removes a queued call that has not started (its promise then rejects); false once it started. */
  cancelJob(jobId: number): boolean;
  computeStats(): { queued: number; running: number; completed: number; failed: number; cancelled: number };
  /** Canonical names of the fused activations, in the order of their native codes. */
  readonly fusedActivations: readonly string[];
  plan(params: NativeConvParams & { filters: number; kh: number; kw: number }): NativePlan;
  info(): NativeInfo;
  /** The kernel set new weights are packed for. */
  getIsa(): string;
  /** Switches the kernel set ('' = automatic); throws when this build or CPU cannot run it. */
  setIsa(name: string): void;
  setNumThreads(n: number): void;
}

const NAPI_VERSION_BUILT = 9;

let activationCodes: Map<string, number> | null = null;
const CONV_PARAM_SLOTS = 12;
let scratchParams: Float64Array | null = null;

/**
 * The conv call's params as the native side reads them: one Float64Array (native/addon/conv_call.h,
 * ConvParamSlot) instead of an object, whose dozen property lookups were about a third of a small
 * layer's call overhead. The native side checks every slot again.
 *
 * Returns one shared array, overwritten by the next call: pass it straight to conv2d / conv2dAsync,
 * which copy the values before they return (allocating an array per call cost another tenth).
 */
export function encodeConvParams(p: NativeConvParams): Float64Array {
  if (!activationCodes) activationCodes = new Map(native().fusedActivations.map((name, i) => [name, i]));
  const activation = activationCodes.get(p.activation);
  if (activation === undefined) throw new TypeError(`activation '${p.activation}' has no native epilogue`);
  const v = (scratchParams ??= new Float64Array(CONV_PARAM_SLOTS));
  v[0] = p.batch;
  v[1] = p.height;
  v[2] = p.width;
  v[3] = p.channels;
  v[4] = p.channelsFirst ? 1 : 0;
  v[5] = p.strideH;
  v[6] = p.strideW;
  v[7] = p.dilationH;
  v[8] = p.dilationW;
  v[9] = p.padding === 'same' ? 1 : 0;
  v[10] = activation;
  v[11] = p.alpha ?? NaN;
  return v;
}

function loadError(cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const napi = process.versions.napi ?? 'unknown';
  return new Error(
    [
      `simd-conv2d: could not load the native module for ${process.platform}-${process.arch} ` +
        `(Node.js ${process.version}, Node-API ${napi}; this package needs Node-API >= ${NAPI_VERSION_BUILT}).`,
      `Cause: ${reason.split('\n')[0]}`,
      'Possible fixes:',
      '  - Reinstall so a prebuilt binary or a local build is present: npm install simd-conv2d',
      '  - Build from source (needs python3, make and a C++17 compiler): npm install simd-conv2d --build-from-source',
      '  - In a clone of the repository: npm install && npm run build:all',
      `  - Use Node.js >= 20 (Node-API ${NAPI_VERSION_BUILT}); you run ${process.version}.`,
    ].join('\n'),
  );
}

let cached: NativeBinding | null = null;

/** The native module, loaded on first use; throws one clear error when no binary loads. */
export function native(): NativeBinding {
  if (cached) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => unknown;
    cached = load(path.join(__dirname, '..')) as NativeBinding;
  } catch (err) {
    // A refused SIMD_CONV2D_ISA / _NUM_THREADS is the user's setting, not a missing binary: say only that.
    if (err instanceof Error && err.message.includes('SIMD_CONV2D_')) throw err;
    throw loadError(err);
  }
  return cached;
}
