/**
 * Feature maps as one picture: each output channel a gray tile, tiles in a near-square grid with
 * 2-pixel gutters. Every tile is stretched to 0..255 by its own min and max, since channels of one
 * layer can differ in scale by orders of magnitude; a constant channel has no contrast to stretch
 * and is drawn mid-gray.
 *
 * "Constant" allows for float32 rounding: a Sobel y map of a vertical edge in an RGB image sums
 * luma-weighted taps that cancel only up to rounding, leaving values around 1e-7 where the exact
 * answer is 0, and stretching those would paint noise at full contrast. A channel whose spread is
 * at most 2^-20 (16 float32 units in the last place) of the largest magnitude in the whole output
 * counts as constant.
 */
import type { DataFormat } from '../args';
import type { Tensor } from '../tensor';

export const GUTTER_PX = 2;
/** A colour no gray tile can have, so tile edges stay visible whatever the maps look like. */
export const GUTTER_RGB = [40, 80, 140] as const;
const MID_GRAY = 128;
const ROUNDING_SPREAD = 2 ** -20;

export interface Mosaic {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major. */
  rgba: Uint8Array;
  cols: number;
  rows: number;
  /** One tile's size in pixels (after scaling). */
  tileWidth: number;
  tileHeight: number;
  channels: number;
}

/** Columns and rows of the most nearly square grid that holds `n` tiles (columns >= rows). */
export function gridFor(n: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

/** The largest finite magnitude in the output: the scale rounding noise is judged against. */
function largestMagnitude(data: Float32Array): number {
  let m = 0;
  for (const v of data) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/** One channel of a single-image output as 0..255 gray levels. */
function channelLevels(values: (i: number) => number, pixels: number, noise: number): Uint8Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels; i++) {
    const v = values(i);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const levels = new Uint8Array(pixels);
  const range = max - min;
  const constant = !(range > noise);
  for (let i = 0; i < pixels; i++) {
    const v = values(i);
    if (Number.isNaN(v)) levels[i] = 0;
    else if (v === Infinity) levels[i] = 255;
    else if (v === -Infinity) levels[i] = 0;
    else levels[i] = constant ? MID_GRAY : Math.round(((v - min) / range) * 255);
  }
  return levels;
}

/** The mosaic of a (1, H, W, F) or (1, F, H, W) output, each map upsampled `scale` times (nearest). */
export function featureMosaic(output: Tensor, dataFormat: DataFormat, scale = 1): Mosaic {
  const [, a, b, c] = output.shape;
  const [h, w, channels] = dataFormat === 'channels_last' ? [a, b, c] : [b, c, a];
  const pixels = h * w;
  const value =
    dataFormat === 'channels_last'
      ? (ch: number) => (i: number) => output.data[i * channels + ch]
      : (ch: number) => (i: number) => output.data[ch * pixels + i];
  const { cols, rows } = gridFor(channels);
  const tileWidth = w * scale;
  const tileHeight = h * scale;
  const width = cols * tileWidth + (cols - 1) * GUTTER_PX;
  const height = rows * tileHeight + (rows - 1) * GUTTER_PX;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(GUTTER_RGB, 4 * p);
    rgba[4 * p + 3] = 255;
  }
  const noise = ROUNDING_SPREAD * largestMagnitude(output.data);
  for (let ch = 0; ch < channels; ch++) {
    const levels = channelLevels(value(ch), pixels, noise);
    const x0 = (ch % cols) * (tileWidth + GUTTER_PX);
    const y0 = Math.floor(ch / cols) * (tileHeight + GUTTER_PX);
    for (let y = 0; y < tileHeight; y++) {
      const src = Math.floor(y / scale) * w;
      let q = 4 * ((y0 + y) * width + x0);
      for (let x = 0; x < tileWidth; x++, q += 4) {
        const g = levels[src + Math.floor(x / scale)];
        rgba[q] = g;
        rgba[q + 1] = g;
        rgba[q + 2] = g;
      }
    }
  }
  return { width, height, rgba, cols, rows, tileWidth, tileHeight, channels };
}
