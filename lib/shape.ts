/**
 * Output shapes and Keras' padding split, in plain JS so shapes with unknown (`null`) dims work
 * without the native module. The native driver computes the same plan and re-checks it.
 */
import { ValueError, Messages } from './errors';
import type { DataFormat, PaddingMode } from './args';

/** A shape whose batch and spatial dims may be unknown. */
export type PartialShape = readonly (number | null)[];

export interface ConvGeometry {
  filters: number;
  kernelSize: readonly [number, number];
  strides: readonly [number, number];
  dilationRate: readonly [number, number];
  padding: PaddingMode;
  dataFormat: DataFormat;
}

/** Output length along one axis (Keras' compute_conv_output_shape); null stays null. */
export function outputLength(n: number | null, k: number, s: number, d: number, padding: PaddingMode): number | null {
  if (n === null) return null;
  if (padding === 'same') return Math.floor((n - 1) / s) + 1;
  return Math.floor((n - (k - 1) * d - 1) / s) + 1;
}

/**
 * Keras' "same" padding along one axis: total P = max((out−1)·s + (k−1)·d + 1 − n, 0),
 * before = floor(P/2), after = P − before (the odd extra goes after: bottom/right).
 */
export function samePadding(n: number, k: number, s: number, d: number): [number, number] {
  const out = Math.floor((n - 1) / s) + 1;
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Index of the channel axis for a 4-D shape. */
export function channelAxis(dataFormat: DataFormat): number {
  return dataFormat === 'channels_last' ? 3 : 1;
}

/** Spatial dims [H, W] of a 4-D shape. */
export function spatialDims(shape: PartialShape, dataFormat: DataFormat): [number | null, number | null] {
  return dataFormat === 'channels_last' ? [shape[1], shape[2]] : [shape[2], shape[3]];
}

/**
 * The output shape, with Keras' build-time checks: rank 4 (rule 18) and, for 'valid',
 * a known spatial output size > 0 (rule 20).
 */
export function convOutputShape(inputShape: PartialShape, g: ConvGeometry): (number | null)[] {
  const channels = g.dataFormat === 'channels_last' ? inputShape[inputShape.length - 1] : inputShape[1];
  const kernelShape = [...g.kernelSize, channels ?? 0, g.filters];
  if (inputShape.length !== 4) {
    throw new ValueError(Messages.kernelRank(kernelShape, inputShape));
  }
  const [h, w] = spatialDims(inputShape, g.dataFormat);
  const oh = outputLength(h, g.kernelSize[0], g.strides[0], g.dilationRate[0], g.padding);
  const ow = outputLength(w, g.kernelSize[1], g.strides[1], g.dilationRate[1], g.padding);
  if (g.padding === 'valid' && ((oh !== null && oh <= 0) || (ow !== null && ow <= 0))) {
    throw new ValueError(Messages.outputSize(inputShape, kernelShape, g.dilationRate, g.strides));
  }
  const n = inputShape[0];
  return g.dataFormat === 'channels_last' ? [n, oh, ow, g.filters] : [n, g.filters, oh, ow];
}
