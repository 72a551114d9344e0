/**
 * The optional `out` argument of `apply` / `applyAsync` / `conv2d`: a caller-owned float32 array
 * the result is written into, so a server loop allocates nothing per call and writes into memory
 * that is already warm in its caches. Every failure names `out`, what was expected and what was
 * received, before anything is computed or written.
 */
import { Tensor, sizeOf, type TensorLike } from './tensor';
import { ValueError, describeValue, invalidArgument } from './errors';
import { readShape } from './input';
import { detachedError, isDetached } from './detached';
import { uninitializedFloat32 } from './output-buffer';
import type { Activation } from './activations';

/** A tensor of the result's shape, or a bare Float32Array of the result's element count; null: none. */
export type OutArgument = TensorLike | Float32Array | null;

/** A checked `out`: its array, and its shape when it came as a tensor. */
export interface OutTarget {
  readonly data: Float32Array;
  readonly shape: readonly number[] | null;
  /** The caller's own Tensor, returned as the result so `apply(x, { out: y }) === y`. */
  readonly tensor: Tensor | null;
}

const EXPECTED = 'a Float32Array, or a Tensor / { data: Float32Array, shape } of the result\'s shape';

/** Reads `out` (undefined or null: none). The data must already be a Float32Array: it is written, not copied. */
export function readOut(value: unknown, name = 'out'): OutTarget | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Float32Array) {
    if (value.length === 0 && isDetached(value)) throw detachedError(name, value);
    return { data: value, shape: null, tensor: null };
  }
  if (value === null || typeof value !== 'object' || !('data' in value) || !('shape' in value)) {
    throw invalidArgument(name, EXPECTED, value);
  }
  const data = (value as { data: unknown }).data;
  if (!(data instanceof Float32Array)) {
    throw invalidArgument(`${name}.data`, 'a Float32Array (the result is written into it, so it cannot be converted)', data);
  }
  if (data.length === 0 && isDetached(data)) throw detachedError(`${name}.data`, data);
  const shape = readShape((value as { shape: unknown }).shape, `${name}.shape`);
  const size = sizeOf(shape);
  if (data.length !== size) {
    throw new RangeError(`${name}.data: expected ${size} elements for shape [${shape.join(', ')}], received ${describeValue(data)}`);
  }
  return { data, shape: [...shape], tensor: value instanceof Tensor && value.data === data ? value : null };
}

/** Throws unless `out` can hold a result of `shape`. */
function checkOutShape(out: OutTarget, shape: readonly number[], name = 'out'): void {
  if (out.shape !== null) {
    if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
      throw new ValueError(`${name}.shape: expected [${shape.join(', ')}] (the result's shape), received [${out.shape.join(', ')}]`);
    }
    return;
  }
  const size = sizeOf(shape);
  if (out.data.length !== size) {
    throw new RangeError(
      `${name}: expected a Float32Array of ${size} elements (the result's shape [${shape.join(', ')}]), received ${describeValue(out.data)}`,
    );
  }
}

/** Throws if `out` and the input share any byte: the kernels read the input while writing `out`. */
function checkOutDisjoint(out: OutTarget, input: Float32Array, inputName: string, name = 'out'): void {
  if (out.data.buffer !== input.buffer || out.data.length === 0 || input.length === 0) return;
  const a0 = out.data.byteOffset;
  const b0 = input.byteOffset;
  if (a0 < b0 + input.byteLength && b0 < a0 + out.data.byteLength) {
    throw new ValueError(`${name}: must not share memory with ${inputName} (the result is written while the input is read)`);
  }
}

/**
 * The tensor the kernel writes, of the conv's `shape`: `out`'s own array when the activation is fused
 * (it keeps that shape, checked here), else a fresh array whose activated result `finishOut` copies
 * into `out` (the activation decides that shape). Checks `out` against `input` either way.
 */
export function convOutput(
  out: OutTarget | null, shape: number[], activation: Activation, input: Float32Array, inputName: string, name = 'out',
): Tensor {
  if (out) {
    if (activation.fused) checkOutShape(out, shape, name);
    checkOutDisjoint(out, input, inputName, name);
  }
  return new Tensor(out && activation.fused ? out.data : uninitializedFloat32(sizeOf(shape)), shape);
}

/** The call's result from the kernel's `raw` output (see `convOutput`): activated, in `out` when given. */
export function finishOut(out: OutTarget | null, raw: Tensor, activation: Activation, name = 'out'): Tensor {
  if (!out) return activation.fused ? raw : activation.apply(raw);
  if (raw.data === out.data) return out.tensor ?? new Tensor(out.data, raw.shape);
  const result = activation.apply(raw);
  // After an async call, `out` may have been detached while the call ran (README, Memory ownership).
  if (out.data.length === 0 && result.data.length > 0 && isDetached(out.data)) {
    throw new TypeError(`${name}: its ArrayBuffer was detached (transferred) while the call was queued or running; the result was not written`);
  }
  checkOutShape(out, result.shape, name);
  out.data.set(result.data);
  return out.tensor ?? new Tensor(out.data, result.shape);
}

/** Reads the options object of `apply` / `applyAsync` / `call`: `{ out?, signal? }`, or undefined. */
export function readApplyOptions(value: unknown): { out: OutTarget | null; signal: AbortSignal | undefined } {
  if (value === undefined) return { out: null, signal: undefined };
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw invalidArgument('options', 'an object { out?, signal? } or undefined', value);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'out' && key !== 'signal') {
      throw new TypeError(`options: unknown option ${JSON.stringify(key)} (the options are 'out' and 'signal')`);
    }
  }
  const o = value as { out?: unknown; signal?: unknown };
  return { out: readOut(o.out), signal: readSignal(o.signal, 'options.signal') };
}

/** An optional AbortSignal argument. */
export function readSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw invalidArgument(name, 'an AbortSignal or undefined', value);
  return value;
}
