/**
 * Turns what a caller hands us into a checked float32 tensor: any `{ data, shape }` whose data
 * is a Float32Array (used in place), another typed array or a plain array of numbers (converted).
 * Every failure names the argument, what was expected and what was received.
 */
import { Tensor, sizeOf } from './tensor';
import { describeValue, invalidArgument } from './errors';
import { detachedError, isDetached } from './detached';

/** Reads a shape: an array of non-negative safe integers (nulls allowed only where `allowNull`). */
export function readShape(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape)) throw invalidArgument(name, 'an array of non-negative integers', shape);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw invalidArgument(name, 'an array of non-negative integers', shape);
    }
  }
  return shape as number[];
}

/** Reads a shape whose dims may be unknown (`null`/`undefined` → null), as Keras' build accepts. */
export function readPartialShape(shape: unknown, name: string): (number | null)[] {
  if (!Array.isArray(shape)) throw invalidArgument(name, 'an array of non-negative integers or null', shape);
  return shape.map((d) => {
    if (d === null || d === undefined) return null;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw invalidArgument(name, 'an array of non-negative integers or null', shape);
    }
    return d;
  });
}

const EXPECTED_DATA = 'a Float32Array (or another numeric typed array or array of numbers)';

/** Checks what `data` is, before anything is copied: a TypeError names the argument otherwise. */
function checkDataKind(data: unknown, name: string): void {
  if (data instanceof Float32Array) {
    // A detached array reads as length 0: only an empty one needs the (slower) check.
    if (data.length === 0 && isDetached(data)) throw detachedError(`${name}.data`, data);
    return;
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) throw invalidArgument(`${name}.data`, EXPECTED_DATA, data);
    if (isDetached(data)) throw detachedError(`${name}.data`, data);
    return;
  }
  if (!Array.isArray(data)) throw invalidArgument(`${name}.data`, EXPECTED_DATA, data);
}

/** `data` (already checked by checkDataKind, and of the right length) as float32: used in place or converted. */
function toFloat32(data: unknown, name: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (!Array.isArray(data)) return Float32Array.from(data as ArrayLike<number>);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number') {
      const hint = Array.isArray(v) ? ' (data is flat, in row-major order; tensor(nestedArray) converts nested arrays)' : '';
      throw invalidArgument(`${name}.data[${i}]`, `a number${hint}`, v);
    }
    out[i] = v;
  }
  return out;
}

/** A checked tensor from a tensor-like argument. */
export function readTensor(x: unknown, name: string): Tensor {
  if (x === null || typeof x !== 'object' || !('shape' in x) || !('data' in x)) {
    throw invalidArgument(name, 'a Tensor or an object { data: Float32Array, shape: number[] }', x);
  }
  const shape = readShape((x as { shape: unknown }).shape, `${name}.shape`);
  const raw = (x as { data: unknown }).data;
  checkDataKind(raw, name);
  const size = sizeOf(shape);
  if (!Number.isSafeInteger(size)) {
    throw new RangeError(`${name}.shape: the element count of [${shape.join(', ')}] overflows`);
  }
  // Checked before converting, so a wrong length never costs a copy of what the caller passed.
  const length = (raw as ArrayLike<number>).length;
  if (length !== size) {
    const received = Array.isArray(raw) ? `an array of length ${length}` : describeValue(raw);
    throw new RangeError(`${name}.data: expected ${size} elements for shape [${shape.join(', ')}], received ${received}`);
  }
  const data = toFloat32(raw, name);
  return x instanceof Tensor && x.data === data ? x : new Tensor(data, shape);
}
