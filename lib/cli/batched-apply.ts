/**
 * Runs a layer over a batch in chunks of `--batch-size` images. Each chunk goes through applyAsync,
 * so the event loop stays free to redraw the progress bar, and writes straight into its slice of
 * one output array (no concatenation afterwards).
 */
import type { Conv2D } from '../conv2d';
import { Tensor } from '../tensor';
import { startProgress } from './progress-bar';

export interface BatchedResult {
  output: Tensor;
  /** Wall time of the convolutions alone (no file I/O). */
  seconds: number;
  chunks: number;
}

export async function applyInChunks(layer: Conv2D, x: Tensor, batchSize: number | undefined): Promise<BatchedResult> {
  const n = x.shape[0];
  const size = Math.max(1, Math.min(batchSize ?? n, n));
  const chunks = n === 0 ? 1 : Math.ceil(n / size);
  const imageSize = n === 0 ? 0 : x.size / n;
  const outShape = layer.computeOutputShape(x.shape) as number[];
  const output = new Tensor(new Float32Array(outShape.reduce((a, b) => a * b, 1)), outShape);
  const outImageSize = n === 0 ? 0 : output.size / n;

  const progress = startProgress(chunks, 'chunks');
  const t0 = process.hrtime.bigint();
  try {
    for (let c = 0; c < chunks; c++) {
      const first = c * size;
      const count = Math.min(size, n - first);
      const input = new Tensor(x.data.subarray(first * imageSize, (first + count) * imageSize), [count, ...x.shape.slice(1)]);
      const out = output.data.subarray(first * outImageSize, (first + count) * outImageSize);
      await layer.applyAsync(input, { out });
      progress.tick();
    }
  } finally {
    progress.stop();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { output, seconds, chunks };
}
