/**
 * Shared by the tests that run one layer configuration several ways (sync/async, with and without
 * `out`) and compare the results bit for bit: the configuration type, a layer built from it with
 * seeded random weights, and the bitwise comparison.
 */
import { Conv2D, tensor } from '../../lib';
import { Rng } from './random';
import type { DataFormat } from './reference';

export interface LayerCase {
  name: string;
  dataFormat: DataFormat;
  xShape: number[];
  filters: number;
  kernelSize: [number, number];
  strides?: [number, number];
  dilationRate?: [number, number];
  padding: 'valid' | 'same';
  groups: number;
  activation: string | null;
  /** Default true. */
  useBias?: boolean;
}

/** The layer of `c`, built, with kernel ~ U(±√(3/K)) and bias ~ N(0, 0.5²) from `seed`. */
export function makeCaseLayer(c: LayerCase, seed: number): { layer: Conv2D; kernel: Float32Array; bias: Float32Array | null } {
  const rng = new Rng(seed);
  const useBias = c.useBias ?? true;
  const layer = new Conv2D({
    filters: c.filters, kernelSize: c.kernelSize, strides: c.strides, dilationRate: c.dilationRate, padding: c.padding,
    dataFormat: c.dataFormat, groups: c.groups, activation: c.activation, useBias,
  });
  layer.build(c.xShape);
  const kShape = layer.kernel.shape;
  const K = kShape[0] * kShape[1] * kShape[2];
  const kernel = rng.uniformArray(kShape.reduce((a, b) => a * b, 1), -Math.sqrt(3 / K), Math.sqrt(3 / K));
  const bias = useBias ? rng.normalArray(c.filters, 0.5) : null;
  layer.setWeights(bias ? [tensor(kernel, kShape), tensor(bias, [c.filters])] : [tensor(kernel, kShape)]);
  return { layer, kernel, bias };
}

/** Bitwise equality of two float32 buffers, with the first differing element in the message. */
export function expectSameBits(
  a: { data: Float32Array; shape: readonly number[] },
  b: { data: Float32Array; shape: readonly number[] },
  label: string,
): void {
  expect(a.shape).toEqual(b.shape);
  const ua = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const ub = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  expect(ua.length).toBe(ub.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i]) {
      throw new Error(`${label}: element ${i} differs: ${a.data[i]} (0x${ua[i].toString(16)}) vs ${b.data[i]} (0x${ub[i].toString(16)})`);
    }
  }
}
