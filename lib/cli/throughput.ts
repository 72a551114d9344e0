/** The numbers the CLI reports about a convolution: FLOPs, speed, and the output's range. */
import type { Conv2D } from '../conv2d';
import type { Tensor } from '../tensor';

/**
 * Multiply-adds of one call, counted as 2 FLOPs each over every output and kernel tap, padding
 * included: 2 * N * Ho * Wo * F * kh * kw * Cin / groups (the benchmark suite's definition).
 */
export function convFlops(layer: Conv2D, output: Tensor): number {
  const [kh, kw, cinPerGroup, filters] = layer.kernel.shape;
  const pixels = output.size / filters;
  return 2 * pixels * filters * kh * kw * cinPerGroup;
}

/** `N images in T s: X images/s, Y GFLOP/s`. */
export function throughputLine(images: number, seconds: number, flops: number): string {
  const t = Math.max(seconds, 1e-9);
  return `${images} image${images === 1 ? '' : 's'} in ${formatNumber(seconds)} s: ` +
    `${formatNumber(images / t)} images/s, ${formatNumber(flops / t / 1e9)} GFLOP/s`;
}

/** Four significant digits without exponent for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  /** Elements that are NaN or ±Infinity (left out of min, max and mean). */
  nonFinite: number;
}

/** min / max / mean over the finite elements, the mean summed in float64. */
export function tensorStats(t: Tensor): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nonFinite = 0;
  for (const v of t.data) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const finite = t.size - nonFinite;
  return finite === 0 ? { min: NaN, max: NaN, mean: NaN, nonFinite } : { min, max, mean: sum / finite, nonFinite };
}

/** Python's tuple repr of a shape, as the rest of the package prints shapes: `(4, 8, 8, 32)`. */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
