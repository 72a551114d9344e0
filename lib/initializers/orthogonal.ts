/**
 * The Orthogonal initializer (keras/src/initializers/random_initializers.py): the Q factor of the
 * QR decomposition of a normal matrix, made unique by the signs of R's diagonal.
 */

import { Messages, ValueError } from '../errors';
import { checkKwargs, numberArg } from '../keras-object';
import { checkShape } from './initializer';
import { RandomInitializer } from './random-initializer';

/**
 * Reduced Householder QR of the m×n row-major matrix `a` (m ≥ n), in float64. Returns Q (m×n,
 * row-major) with each column multiplied by sign(R[j][j]) — Keras' "make Q uniform" step, which
 * also makes the result independent of the reflector sign convention (LAPACK's or ours).
 */
export function signFixedQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const reflectors: (Float64Array | null)[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    if (norm === 0) {
      reflectors.push(null);
      diag[k] = 0;
      continue;
    }
    // Reflect onto −sign(r_kk)·‖x‖·e₁ so v = x − αe₁ never cancels.
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * r[(k + i) * n + j];
      const f = (2 * s) / vv;
      for (let i = 0; i < v.length; i++) r[(k + i) * n + j] -= f * v[i];
    }
    reflectors.push(vv === 0 ? null : v);
    diag[k] = alpha;
  }
  // Q = H₀H₁…H₍ₙ₋₁₎ applied to the first n columns of the identity, innermost reflector first.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k];
    if (!v) continue;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < v.length; i++) s += v[i] * q[(k + i) * n + j];
      const f = (2 * s) / vv;
      for (let i = 0; i < v.length; i++) q[(k + i) * n + j] -= f * v[i];
    }
  }
  for (let j = 0; j < n; j++) {
    const s = Math.sign(diag[j]);
    for (let i = 0; i < m; i++) q[i * n + j] *= s;
  }
  return q;
}

/** Config of {@link Orthogonal}. */
export interface OrthogonalConfig {
  /** Multiplier of the orthogonal matrix. Default 1. */
  gain?: number;
  /** Integer seed; `null` draws one at construction. Default null. */
  seed?: number | null;
}

/**
 * An orthogonal matrix, reshaped: the shape is flattened to `(prod(shape[:-1]), shape[-1])`; a
 * `max × min` normal matrix is drawn (row-major from the generator), its sign-fixed Q is taken,
 * transposed when there are fewer rows than columns, times `gain`. Rows (if rows ≤ cols) or
 * columns are orthonormal. Names: `Orthogonal`, `orthogonal`, `OrthogonalInitializer`.
 */
export class Orthogonal extends RandomInitializer {
  readonly gain: number;

  constructor(config: OrthogonalConfig = {}) {
    checkKwargs('Orthogonal', config, ['gain', 'seed']);
    super(config.seed);
    this.gain = numberArg('Orthogonal', 'gain', config.gain ?? 1);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    if (shape.length < 2) throw new ValueError(Messages.orthogonalRank(shape));
    const cols = shape[shape.length - 1];
    const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const out = new Float32Array(rows * cols);
    if (n === 0) return out;
    const rng = this.rng();
    const a = new Float64Array(m * n);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal();
    const q = signFixedQ(a, m, n);
    if (rows >= cols) {
      for (let i = 0; i < q.length; i++) out[i] = this.gain * q[i];
    } else {
      // q is cols×rows; the weight is its transpose.
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) out[i * cols + j] = this.gain * q[j * rows + i];
      }
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), gain: this.gain };
  }

  override get className(): string {
    return 'Orthogonal';
  }
}
