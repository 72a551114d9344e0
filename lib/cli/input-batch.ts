/**
 * `--input`: one .npy (a batch, or a single image that gets a batch axis) or a directory of them,
 * read in name order and stacked along the batch axis.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { DataFormat } from '../args';
import { CliMessages, FileFormatError, ValueError } from '../errors';
import { readNpy } from '../io/npy';
import { Tensor } from '../tensor';

const LAYOUT: Record<DataFormat, string> = {
  channels_last: '(N, H, W, C)',
  channels_first: '(N, C, H, W)',
};

/** One file as a 4-D batch in the layer's layout (a 3-D image becomes a batch of one). */
function readBatchFile(file: string, dataFormat: DataFormat): Tensor {
  const t = readNpy(file);
  if (t.shape.length === 4) return t;
  if (t.shape.length === 3) return new Tensor(t.data, [1, ...t.shape]);
  throw new ValueError(CliMessages.inputRank(`--input ${file}`, LAYOUT[dataFormat], t.shape));
}

/** The .npy files of a directory, in code-point order of their names (as `LC_ALL=C ls` lists them). */
function npyFilesIn(dir: string): string[] {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isDirectory() && e.name.toLowerCase().endsWith('.npy'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new FileFormatError(dir, CliMessages.inputEmptyDir());
  return names.map((n) => path.join(dir, n));
}

/** Stacks batches that share everything but the batch size. */
function concatBatches(files: readonly string[], batches: readonly Tensor[]): Tensor {
  const imageShape = batches[0].shape.slice(1);
  batches.forEach((b, i) => {
    const shape = b.shape.slice(1);
    if (shape.some((d, j) => d !== imageShape[j])) {
      throw new ValueError(CliMessages.inputMismatch(files[i], shape, files[0], imageShape));
    }
  });
  if (batches.length === 1) return batches[0];
  const total = batches.reduce((n, b) => n + b.shape[0], 0);
  const data = new Float32Array(batches.reduce((n, b) => n + b.size, 0));
  let offset = 0;
  for (const b of batches) {
    data.set(b.data, offset);
    offset += b.size;
  }
  return new Tensor(data, [total, ...imageShape]);
}

export interface InputBatch {
  tensor: Tensor;
  /** The files read, in batch order. */
  files: string[];
}

/** Reads `--input` (a file or a directory) as one 4-D batch in the layer's data format. */
export function readInputBatch(input: string, dataFormat: DataFormat): InputBatch {
  if (!fs.existsSync(input)) throw new FileFormatError(input, CliMessages.notFound('--input'));
  const files = fs.statSync(input).isDirectory() ? npyFilesIn(input) : [input];
  const batches = files.map((f) => readBatchFile(f, dataFormat));
  return { tensor: concatBatches(files, batches), files };
}
