/**
 * The tensor type the layer consumes and produces: a row-major float32 buffer and its shape.
 * Any `{ data: Float32Array, shape: number[] }` is accepted where a `TensorLike` is expected.
 */

import { describeValue } from './errors';
import { detachedError, isDetached } from './detached';

export interface TensorLike {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function assertShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${what}: expected an array of non-negative integers, received ${typeof shape}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new TypeError(`${what}: expected an array of non-negative integers, received [${shape.join(', ')}]`);
    }
  }
}

/** A dense float32 tensor. */
export class Tensor implements TensorLike {
  readonly data: Float32Array;
  readonly shape: number[];

  constructor(data: Float32Array, shape: readonly number[]) {
    assertShape(shape, 'shape');
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`data: expected a Float32Array, received ${describe(data)}`);
    }
    if (data.length === 0 && isDetached(data)) throw detachedError('data', data);
    const size = checkedSize(shape);
    if (data.length !== size) {
      throw new RangeError(
        `data: expected ${size} elements for shape [${shape.join(', ')}], received ${data.length}`,
      );
    }
    this.data = data;
    this.shape = [...shape];
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** Nested plain arrays, for printing and comparisons. */
  toArray(): unknown {
    const build = (axis: number, offset: number): unknown => {
      if (axis === this.shape.length) return this.data[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      const out: unknown[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }
}

/** The element count of a checked shape; a RangeError when it is not a safe integer (above 2^53 − 1). */
function checkedSize(shape: readonly number[]): number {
  const size = sizeOf(shape);
  if (!Number.isSafeInteger(size)) {
    throw new RangeError(`shape: the element count of [${shape.join(', ')}] overflows (more than 2^53 - 1 elements)`);
  }
  return size;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/** Nested arrays of numbers, as `Tensor.toArray()` returns them. */
export type NestedArray = number | NestedArray[];

function flattenNested(value: NestedArray): { data: Float32Array; shape: number[] } {
  const shape: number[] = [];
  for (let v: NestedArray = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const data = new Float32Array(sizeOf(shape));
  let at = 0;
  const walk = (v: NestedArray, axis: number, where: string): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') throw new TypeError(`data${where}: expected a number, received ${Array.isArray(v) ? 'an array' : describeValue(v)}`);
      data[at++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new TypeError(`data${where}: expected an array of length ${shape[axis]} (a ragged nested array has no shape)`);
    }
    // A for loop, not forEach: a hole in a sparse array is an error, not a silent 0.
    for (let i = 0; i < v.length; i++) walk(v[i], axis + 1, `${where}[${i}]`);
  };
  walk(value, 0, '');
  return { data, shape };
}

const TENSOR_DATA = 'a Float32Array, another numeric typed array, a (nested) array of numbers or a number';

/** `data` as float32 when it is a typed array (Float32Array used as is, others converted); null otherwise. */
function typedToFloat32(data: unknown): Float32Array | null {
  if (!ArrayBuffer.isView(data)) return null;
  if (data instanceof DataView || data instanceof BigInt64Array || data instanceof BigUint64Array) {
    throw new TypeError(`data: expected ${TENSOR_DATA}, received ${describeValue(data)}`);
  }
  if (isDetached(data)) throw detachedError('data', data);
  return data instanceof Float32Array ? data : Float32Array.from(data as unknown as ArrayLike<number>);
}

/**
 * Makes a tensor. `data` may be a Float32Array (used as is, not copied), another numeric typed
 * array or a flat array of numbers (converted to a new Float32Array), with its `shape`; or nested
 * arrays, whose shape is inferred when `shape` is omitted (with a `shape`, they are flattened in
 * row-major order and must hold as many numbers as it). Anything else (a DataView, a BigInt64Array,
 * strings, a detached buffer) is a TypeError naming `data`; a count that does not match `shape` is
 * a RangeError.
 */
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray, shape?: readonly number[]): Tensor {
  if (shape !== undefined) assertShape(shape, 'shape');
  const typed = typedToFloat32(data);
  if (typed) return new Tensor(typed, shape ?? [typed.length]);
  let values: unknown = data;
  if (!Array.isArray(values) && typeof values !== 'number') {
    const length = values !== null && typeof values === 'object' ? (values as { length?: unknown }).length : undefined;
    if (typeof length !== 'number') throw new TypeError(`data: expected ${TENSOR_DATA}, received ${describeValue(data)}`);
    values = Array.from(values as ArrayLike<unknown>); // another array-like, e.g. `arguments`
  }
  const { data: flat, shape: inferred } = flattenNested(values as NestedArray);
  return new Tensor(flat, shape ?? inferred);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  assertShape(shape, 'shape');
  const size = checkedSize(shape);
  let data: Float32Array;
  try {
    data = new Float32Array(size);
  } catch (err) {
    throw new RangeError(`shape: cannot allocate ${size} float32 elements for [${shape.join(', ')}] (${(err as Error).message})`);
  }
  return new Tensor(data, shape);
}
