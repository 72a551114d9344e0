/**
 * Axis arguments as NumPy reads them: an int or a list of ints, negative counting from the end.
 */

import { Messages, ValueError } from './errors';

/** One axis or several; negative values count from the last axis (-1 is the last). */
export type AxisArg = number | readonly number[];

/** True for an int or an array of ints. */
export function isAxisArg(v: unknown): v is AxisArg {
  if (typeof v === 'number') return Number.isInteger(v);
  return Array.isArray(v) && v.every((a) => typeof a === 'number' && Number.isInteger(a));
}

/**
 * Resolves an axis argument against a rank: sorted, non-negative, checked like NumPy
 * (out of range → `axis 4 is out of bounds for array of dimension 4`; repeated → duplicate error).
 */
export function normalizeAxes(axis: AxisArg, rank: number): number[] {
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out: number[] = [];
  for (const a of list) {
    if (a < -rank || a >= rank) throw new ValueError(Messages.axisOutOfBounds(a, rank));
    const r = a < 0 ? a + rank : a;
    if (out.includes(r)) throw new ValueError(Messages.duplicateAxis());
    out.push(r);
  }
  return out.sort((x, y) => x - y);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * For a reduction over `axes` with keepdims: maps each flat element index to the flat index of
 * its group in the reduced tensor (whose shape has 1 on every reduced axis).
 */
export function groupIndex(shape: readonly number[], axes: readonly number[]): { index: Int32Array; groups: number } {
  const reducedShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const reducedStrides = stridesOf(reducedShape);
  const size = shape.reduce((a, b) => a * b, 1);
  const index = new Int32Array(size);
  const coord = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let g = 0;
    for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) g += coord[i] * reducedStrides[i];
    index[flat] = g;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++coord[i] < shape[i]) break;
      coord[i] = 0;
    }
  }
  return { index, groups: reducedShape.reduce((a, b) => a * b, 1) };
}
