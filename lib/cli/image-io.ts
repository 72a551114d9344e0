/**
 * PNG and JPEG in and out of float32 tensors. Pixels become values in [0, 1]; alpha is dropped
 * (not composited: a feature map should see the colours as stored).
 */
import * as fs from 'node:fs';

import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

import { CliMessages, FileFormatError } from '../errors';
import { Tensor } from '../tensor';
import { requireFile } from './required-file';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/**
 * ITU-R BT.601 luma weights, as PIL's convert('L') and most tools use for "grayscale". They sum to
 * one, so a gray pixel keeps its value.
 */
export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

const startsWith = (bytes: Uint8Array, signature: readonly number[]) =>
  bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

interface Rgba {
  width: number;
  height: number;
  /** 8-bit RGBA, row-major. */
  data: Uint8Array;
}

/** Decodes by content, not by file name, so a mislabelled file still reads or fails clearly. */
function decode(file: string, bytes: Buffer): Rgba {
  if (startsWith(bytes, PNG_SIGNATURE)) {
    try {
      return PNG.sync.read(bytes);
    } catch (err) {
      throw new FileFormatError(file, CliMessages.badImage('PNG', (err as Error).message));
    }
  }
  if (startsWith(bytes, JPEG_SIGNATURE)) {
    try {
      return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    } catch (err) {
      throw new FileFormatError(file, CliMessages.badImage('JPEG', (err as Error).message));
    }
  }
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'none (empty file)';
  throw new FileFormatError(file, CliMessages.notImage(head));
}

/** A PNG or JPEG file as a (1, H, W, C) float32 tensor in [0, 1]: C = 3 (RGB), or 1 (BT.601 luma) with `gray`. */
export function readImage(file: string, options: { gray?: boolean } = {}): Tensor {
  requireFile('--input', file);
  const img = decode(file, fs.readFileSync(file));
  const pixels = img.width * img.height;
  const channels = options.gray ? 1 : 3;
  const out = new Float32Array(pixels * channels);
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let p = 0; p < pixels; p++) {
    const r = img.data[4 * p] / 255;
    const g = img.data[4 * p + 1] / 255;
    const b = img.data[4 * p + 2] / 255;
    if (options.gray) {
      out[p] = wr * r + wg * g + wb * b;
    } else {
      out[3 * p] = r;
      out[3 * p + 1] = g;
      out[3 * p + 2] = b;
    }
  }
  return new Tensor(out, [1, img.height, img.width, channels]);
}

/** Writes 8-bit RGBA pixels as an RGB PNG (no alpha channel: the mosaic is opaque). */
export function writeRgbPng(file: string, width: number, height: number, rgba: Uint8Array): void {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  // zlib's default strategy: pngjs defaults to run-length only, which makes feature maps
  // (smooth gray levels, few exact runs) about 1.7 times larger.
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 2, deflateStrategy: 0 }));
}
