/**
 * The tensor type the layer consumes and produces: a row-major float32 buffer and its shape.
 * Any `{ data: Float32Array, shape: number[] }` is accepted where a `TensorLike` is expected.
 */

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
    const size = sizeOf(shape);
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
      if (typeof v !== 'number') throw new TypeError(`data${where}: expected a number, received ${Array.isArray(v) ? 'an array' : typeof v}`);
      data[at++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new TypeError(`data${where}: expected an array of length ${shape[axis]} (a ragged nested array has no shape)`);
    }
    v.forEach((child, i) => walk(child, axis + 1, `${where}[${i}]`));
  };
  walk(value, 0, '');
  return { data, shape };
}

/**
 * Makes a tensor. `data` may be a Float32Array (used as is, not copied) or any array-like of
 * numbers (copied into a new Float32Array), with its `shape`; or nested arrays, whose shape is
 * inferred when `shape` is omitted.
 */
export function tensor(data: Float32Array | ArrayLike<number> | NestedArray, shape?: readonly number[]): Tensor {
  if (shape === undefined) {
    if (data instanceof Float32Array || ArrayBuffer.isView(data)) {
      const flat = data instanceof Float32Array ? data : Float32Array.from(data as unknown as ArrayLike<number>);
      return new Tensor(flat, [flat.length]);
    }
    const { data: flat, shape: inferred } = flattenNested(data as NestedArray);
    return new Tensor(flat, inferred);
  }
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return new Tensor(f32, shape);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  assertShape(shape, 'shape');
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}
