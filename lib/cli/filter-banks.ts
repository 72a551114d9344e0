/**
 * Built-in filter banks for `simd-conv2d image --filter NAME`: real Conv2D kernels in Keras layout
 * (kh, kw, cin, filters), applied with 'valid' padding (zero padding would draw a false edge along
 * the border of every bright image) and no bias.
 *
 * The fixed banks (sobel, gaussian, laplacian) look at the image's luminance: for an RGB input each
 * input channel's taps are the 2-D filter times that channel's BT.601 luma weight, so by linearity
 * the result equals the 2-D filter applied to the `--gray` image. The random bank mixes the channels
 * freely, as a first trained layer would.
 */
import { Conv2D } from '../conv2d';
import { GlorotUniform } from '../initializers';
import { Tensor } from '../tensor';
import { LUMA_WEIGHTS } from './image-io';

export const FILTER_BANK_NAMES = ['sobel', 'gaussian', 'laplacian', 'random'] as const;
export type FilterBankName = (typeof FILTER_BANK_NAMES)[number];

export interface FilterBankOptions {
  /** Number of filters of the random bank (default 16). */
  filters?: number;
  /** Seed of the random bank (default: a fresh one each run). */
  seed?: number;
}

/** A 2-D filter, rows of taps: taps[i][j] weights the input at (y + i, x + j). */
type Taps2D = readonly (readonly number[])[];

/**
 * Sobel x derivative: right column minus left column, rows weighted 1-2-1 to smooth across the
 * derivative. Positive where the image gets brighter to the right.
 */
export const SOBEL_X: Taps2D = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

/** Sobel y derivative: bottom row minus top row. Positive where the image gets brighter downwards. */
export const SOBEL_Y: Taps2D = [
  [-1, -2, -1],
  [0, 0, 0],
  [1, 2, 1],
];

/** 4-neighbour Laplacian: the sum of the second derivatives; zero on flat areas and linear ramps. */
export const LAPLACIAN: Taps2D = [
  [0, 1, 0],
  [1, -4, 1],
  [0, 1, 0],
];

/**
 * 5x5 Gaussian blur, sigma 1 pixel: exp(-(dx² + dy²) / 2) sampled at the taps and normalised to
 * sum 1, so flat areas keep their brightness. 5 taps reach ±2 sigma (95 % of the mass per axis).
 */
export function gaussianTaps(size = 5, sigma = 1): Taps2D {
  const half = (size - 1) / 2;
  const rows = Array.from({ length: size }, (_, i) =>
    Array.from({ length: size }, (_, j) => Math.exp(-((i - half) ** 2 + (j - half) ** 2) / (2 * sigma * sigma))),
  );
  const total = rows.flat().reduce((a, b) => a + b, 0);
  return rows.map((r) => r.map((v) => v / total));
}

/** Per-input-channel weights that make a 2-D filter see the luminance (see the file header). */
function lumaWeights(channels: number): number[] {
  if (channels === 1) return [1];
  if (channels === 3) return [...LUMA_WEIGHTS];
  // Not an image the CLI decodes; an equal share keeps the filter meaningful anyway.
  return new Array<number>(channels).fill(1 / channels);
}

/** A kernel (kh, kw, channels, filters.length) from 2-D filters, each seeing the luminance. */
function luminanceKernel(filters: readonly Taps2D[], channels: number): Tensor {
  const kh = filters[0].length;
  const kw = filters[0][0].length;
  const f = filters.length;
  const weights = lumaWeights(channels);
  const data = new Float32Array(kh * kw * channels * f);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < channels; c++) {
        for (let k = 0; k < f; k++) data[((i * kw + j) * channels + c) * f + k] = filters[k][i][j] * weights[c];
      }
    }
  }
  return new Tensor(data, [kh, kw, channels, f]);
}

/** The bank's kernel for an input of `channels` channels. */
export function filterBankKernel(name: FilterBankName, channels: number, options: FilterBankOptions = {}): Tensor {
  switch (name) {
    case 'sobel':
      return luminanceKernel([SOBEL_X, SOBEL_Y], channels);
    case 'gaussian':
      return luminanceKernel([gaussianTaps()], channels);
    case 'laplacian':
      return luminanceKernel([LAPLACIAN], channels);
    case 'random': {
      // Glorot uniform, Keras' default kernel initializer: what an untrained Conv2D(filters, 3) holds.
      const shape = [3, 3, channels, options.filters ?? 16];
      return new Tensor(new GlorotUniform({ seed: options.seed ?? null }).call(shape), shape);
    }
  }
}

/** A Conv2D layer holding the bank, built for `channels` input channels (channels_last). */
export function filterBankLayer(name: FilterBankName, channels: number, options: FilterBankOptions = {}): Conv2D {
  const kernel = filterBankKernel(name, channels, options);
  const [kh, kw, , filters] = kernel.shape;
  // data_format spelled out: the default would follow ~/.keras/keras.json, and the image is NHWC.
  const layer = new Conv2D({
    filters, kernelSize: [kh, kw], padding: 'valid', dataFormat: 'channels_last', useBias: false, name: `${name}_bank`,
  });
  layer.build([null, null, null, channels]);
  layer.setWeights([kernel]);
  return layer;
}
