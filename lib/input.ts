/**
 * Turns what a caller hands us into a checked float32 tensor: any `{ data, shape }` whose data
 * is a Float32Array (used in place), another typed array or a plain array of numbers (converted).
 * Every failure names the argument, what was expected and what was received.
 */
import { Tensor, sizeOf } from './tensor';
import { describeValue, invalidArgument } from './errors';

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

function toFloat32(data: unknown, name: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw invalidArgument(`${name}.data`, 'a Float32Array (or another numeric typed array or array of numbers)', data);
    }
    return Float32Array.from(data as unknown as ArrayLike<number>);
  }
  if (Array.isArray(data)) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof v !== 'number') {
        throw invalidArgument(`${name}.data[${i}]`, 'a number', v);
      }
      out[i] = v;
    }
    return out;
  }
  throw invalidArgument(`${name}.data`, 'a Float32Array (or another numeric typed array or array of numbers)', data);
}

/** A checked tensor from a tensor-like argument. */
export function readTensor(x: unknown, name: string): Tensor {
  if (x === null || typeof x !== 'object' || !('shape' in x) || !('data' in x)) {
    throw invalidArgument(name, 'a Tensor or an object { data: Float32Array, shape: number[] }', x);
  }
  const shape = readShape((x as { shape: unknown }).shape, `${name}.shape`);
  const data = toFloat32((x as { data: unknown }).data, name);
  const size = sizeOf(shape);
  if (!Number.isSafeInteger(size)) {
    throw new RangeError(`${name}.shape: the element count of [${shape.join(', ')}] overflows`);
  }
  if (data.length !== size) {
    throw new RangeError(
      `${name}.data: expected ${size} elements for shape [${shape.join(', ')}], received ${describeValue(data)}`,
    );
  }
  return x instanceof Tensor && x.data === data ? x : new Tensor(data, shape);
}
