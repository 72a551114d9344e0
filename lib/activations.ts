/**
 * Keras 3 activations (spec section 6): lookup by name, the JS reference computation of each,
 * and which of them the native kernel can fuse into its epilogue.
 *
 * Every formula runs in float64 on the float32 inputs and is rounded once to float32 on store,
 * so results are the correctly computed float64 value rounded — at least as accurate as Keras'
 * own float32 backends.
 */

import { erfc } from './erf';
import { invalidArgument, Messages, ValueError } from './errors';
import { customObject, isPlainObject, isTensorLike, asTensor, KerasObjectConfig } from './keras-object';
import { Tensor, TensorLike } from './tensor';

/** Every name `keras.activations.get` accepts (case-sensitive): the 30 functions and 2 aliases. */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'leaky_relu'
  | 'elu'
  | 'selu'
  | 'celu'
  | 'gelu'
  | 'glu'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'sparse_sigmoid'
  | 'log_sigmoid'
  | 'silu'
  | 'hard_silu'
  | 'tanh'
  | 'tanh_shrink'
  | 'hard_tanh'
  | 'softplus'
  | 'softsign'
  | 'squareplus'
  | 'sparse_plus'
  | 'soft_shrink'
  | 'hard_shrink'
  | 'threshold'
  | 'exponential'
  | 'mish'
  | 'softmax'
  | 'log_softmax'
  | 'sparsemax'
  /** Alias of `silu`; serializes as `'silu'`. */
  | 'swish'
  /** Alias of `hard_silu`; serializes as `'hard_silu'`. */
  | 'hard_swish';

/** An activation as a tensor function (any rank). */
export type ActivationFn = (x: Tensor) => Tensor;

/** The parameters of an element-wise activation the native kernel applies in its epilogue. */
export interface FusedActivation {
  /** The canonical Keras name (`'silu'` for `'swish'`). */
  readonly name: string;
  /** Slope for `leaky_relu` (0.2), scale of the negative part for `elu` (1). */
  readonly alpha?: number;
}

/** A resolved activation. */
export interface Activation {
  /** The serialized name: the canonical Keras name, or a custom function's `.name`. */
  readonly name: string;
  /**
   * The full computation in JS: float64 math, float32 result. Element-wise activations apply to any
   * rank; `softmax`, `log_softmax`, `sparsemax` and `glu` work on the last axis.
   */
  readonly apply: ActivationFn;
  /** Set for element-wise activations the native kernel can fuse (see {@link FusedActivation}). */
  readonly fused?: FusedActivation;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT1_2 = Math.SQRT1_2;

// ---- element-wise formulas (float64) -------------------------------------------------------

function sigmoid(x: number): number {
  // Split by sign so exp never overflows and the small tail keeps its relative precision.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + eˣ) as NumPy's logaddexp(x, 0): no overflow for large x, no log(1) rounding for small. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function hardSigmoid(x: number): number {
  const y = x / 6 + 0.5;
  return y <= 0 ? 0 : y >= 1 ? 1 : y;
}

function tanhShrink(x: number): number {
  // x − tanh x loses every digit for small x; the Taylor series does not.
  if (Math.abs(x) < 0.05) {
    const x2 = x * x;
    return x * x2 * (1 / 3 + x2 * (-2 / 15 + x2 * (17 / 315 + x2 * (-62 / 2835))));
  }
  return x - Math.tanh(x);
}

function squareplus(x: number): number {
  const r = Math.sqrt(x * x + 4);
  // (x + r)/2 cancels for large negative x; multiply through by (r − x) instead.
  return x >= 0 ? (x + r) / 2 : 2 / (r - x);
}

/** Exact gelu, x·Φ(x) = x·erfc(−x/√2)/2 (the erfc form keeps precision in the negative tail). */
function gelu(x: number): number {
  return 0.5 * x * erfc(-x * SQRT1_2);
}

const ELEMENTWISE: Record<string, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : x === x ? 0 : x),
  relu6: (x) => (x > 6 ? 6 : x > 0 ? x : x === x ? 0 : x),
  leaky_relu: (x) => Math.max(x, 0.2 * x),
  elu: (x) => (x >= 0 ? x : Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x >= 0 ? x : SELU_ALPHA * Math.expm1(x)),
  celu: (x) => Math.max(x, 0) + Math.expm1(Math.min(x, 0)),
  gelu,
  sigmoid,
  hard_sigmoid: hardSigmoid,
  sparse_sigmoid: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : 0.5 * (x + 1)),
  log_sigmoid: (x) => -softplus(-x),
  silu: (x) => x * sigmoid(x),
  hard_silu: (x) => x * hardSigmoid(x),
  tanh: Math.tanh,
  tanh_shrink: tanhShrink,
  hard_tanh: (x) => (x < -1 ? -1 : x > 1 ? 1 : x),
  softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  squareplus,
  sparse_plus: (x) => (x <= -1 ? 0 : x >= 1 ? x : 0.25 * (x + 1) * (x + 1)),
  soft_shrink: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : x === x ? 0 : x),
  hard_shrink: (x) => (Math.abs(x) > 0.5 ? x : x === x ? 0 : x),
  exponential: Math.exp,
  mish: (x) => x * Math.tanh(softplus(x)),
};

/** Element-wise activations the native epilogue implements, with the parameters it needs. */
const FUSABLE: Record<string, FusedActivation> = {
  linear: { name: 'linear' },
  relu: { name: 'relu' },
  relu6: { name: 'relu6' },
  leaky_relu: { name: 'leaky_relu', alpha: 0.2 },
  elu: { name: 'elu', alpha: 1 },
  selu: { name: 'selu' },
  sigmoid: { name: 'sigmoid' },
  tanh: { name: 'tanh' },
  silu: { name: 'silu' },
  gelu: { name: 'gelu' },
  hard_sigmoid: { name: 'hard_sigmoid' },
  hard_silu: { name: 'hard_silu' },
  softplus: { name: 'softplus' },
  softsign: { name: 'softsign' },
  exponential: { name: 'exponential' },
  mish: { name: 'mish' },
  log_sigmoid: { name: 'log_sigmoid' },
};

function mapTensor(x: Tensor, f: (v: number) => number): Tensor {
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new Tensor(out, x.shape);
}

// ---- last-axis activations -----------------------------------------------------------------

/** Runs `row` over every last-axis vector (a scalar counts as one vector of length 1). */
function mapRows(x: Tensor, row: (src: Float32Array, dst: Float32Array) => void): Tensor {
  const n = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
  const out = new Float32Array(x.data.length);
  if (n > 0) {
    for (let start = 0; start < x.data.length; start += n) {
      row(x.data.subarray(start, start + n), out.subarray(start, start + n));
    }
  }
  return new Tensor(out, x.shape);
}

function rowMax(src: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < src.length; i++) if (src[i] > m || src[i] !== src[i]) m = src[i];
  return m;
}

function softmaxRow(src: Float32Array, dst: Float32Array): void {
  const m = rowMax(src);
  const e = new Float64Array(src.length);
  let sum = 0;
  for (let i = 0; i < src.length; i++) sum += e[i] = Math.exp(src[i] - m);
  for (let i = 0; i < src.length; i++) dst[i] = e[i] / sum;
}

function logSoftmaxRow(src: Float32Array, dst: Float32Array): void {
  const m = rowMax(src);
  let sum = 0;
  for (let i = 0; i < src.length; i++) sum += Math.exp(src[i] - m);
  const lse = Math.log(sum);
  for (let i = 0; i < src.length; i++) dst[i] = src[i] - m - lse;
}

/** Euclidean projection onto the probability simplex (Martins & Astudillo 2016). */
function sparsemaxRow(src: Float32Array, dst: Float32Array): void {
  const z = Float64Array.from(src).sort().reverse();
  let cumsum = 0;
  let support = 0;
  let supportSum = 0;
  for (let k = 1; k <= z.length; k++) {
    cumsum += z[k - 1];
    if (1 + k * z[k - 1] > cumsum) {
      support = k;
      supportSum = cumsum;
    }
  }
  const tau = (supportSum - 1) / support;
  for (let i = 0; i < src.length; i++) dst[i] = Math.max(src[i] - tau, 0);
}

function glu(x: Tensor): Tensor {
  const rank = x.shape.length;
  const n = rank === 0 ? 1 : x.shape[rank - 1];
  if (rank === 0 || n % 2 !== 0) throw new ValueError(Messages.gluOddAxis(x.shape));
  const half = n / 2;
  const rows = n === 0 ? 0 : x.data.length / n;
  const out = new Float32Array(rows * half);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < half; i++) {
      out[r * half + i] = x.data[r * n + i] * sigmoid(x.data[r * n + half + i]);
    }
  }
  return new Tensor(out, [...x.shape.slice(0, -1), half]);
}

// ---- the registry --------------------------------------------------------------------------

function builtin(name: string, apply: ActivationFn): Activation {
  const fused = FUSABLE[name];
  return Object.freeze(fused ? { name, apply, fused } : { name, apply });
}

const BUILTINS = new Map<string, Activation>();
BUILTINS.set('linear', builtin('linear', (x) => x));
for (const [name, f] of Object.entries(ELEMENTWISE)) BUILTINS.set(name, builtin(name, (x) => mapTensor(x, f)));
BUILTINS.set('softmax', builtin('softmax', (x) => mapRows(x, softmaxRow)));
BUILTINS.set('log_softmax', builtin('log_softmax', (x) => mapRows(x, logSoftmaxRow)));
BUILTINS.set('sparsemax', builtin('sparsemax', (x) => mapRows(x, sparsemaxRow)));
BUILTINS.set('glu', builtin('glu', glu));
BUILTINS.set(
  'threshold',
  // keras.activations.threshold(x, threshold, default_value) cannot be called with x alone.
  builtin('threshold', () => {
    throw new TypeError(Messages.thresholdActivation());
  }),
);

const CANONICAL = new Set<Activation>(BUILTINS.values());
const LOOKUP = new Map<string, Activation>(BUILTINS);
LOOKUP.set('swish', BUILTINS.get('silu') as Activation);
LOOKUP.set('hard_swish', BUILTINS.get('hard_silu') as Activation);

/** Every accepted name, canonical names first, then the two aliases. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze([...LOOKUP.keys()] as ActivationName[]);

function isActivation(v: unknown): v is Activation {
  if (v === null || typeof v !== 'object') return false;
  const o = v as { name?: unknown; apply?: unknown };
  return typeof o.name === 'string' && typeof o.apply === 'function';
}

function wrapFunction(fn: (x: Tensor) => TensorLike): Activation {
  const name = fn.name || 'lambda';
  return Object.freeze({
    name,
    apply: (x: Tensor): Tensor => {
      const y = fn(x);
      if (!isTensorLike(y)) {
        throw invalidArgument(`activation ${name} result`, 'a tensor {data: Float32Array, shape}', y);
      }
      return asTensor(y);
    },
  });
}

/** The activation name a Keras dict names: `{class_name: 'function', config: 'relu'}` or `{class_name: 'relu'}`. */
function nameInDict(d: Record<string, unknown>): string | undefined {
  if (d.class_name === 'function' && typeof d.config === 'string') return d.config;
  if (typeof d.class_name === 'string' && d.class_name !== 'function') return d.class_name;
  return undefined;
}

/**
 * Resolves an activation identifier as `keras.activations.get` does.
 *
 * - `null`/`undefined` → `linear`;
 * - a name (case-sensitive, see {@link ActivationName}); `'swish'`/`'hard_swish'` give `silu`/`hard_silu`;
 * - a serialized dict, `{class_name: 'function', config: 'relu', ...}` (or the legacy `{class_name: 'relu'}`);
 * - an {@link Activation}, returned as is;
 * - a function `(x: Tensor) => TensorLike`, wrapped (its `.name` becomes the activation's name).
 *
 * @throws ValueError `Could not interpret activation function identifier: ...` for anything else.
 */
export function getActivation(identifier: unknown): Activation {
  if (identifier === null || identifier === undefined) return LOOKUP.get('linear') as Activation;
  if (typeof identifier === 'string') {
    const found = LOOKUP.get(identifier);
    if (found) return found;
  } else if (typeof identifier === 'function') {
    return wrapFunction(identifier as (x: Tensor) => TensorLike);
  } else if (isActivation(identifier)) {
    return identifier;
  } else if (isPlainObject(identifier)) {
    const name = nameInDict(identifier);
    const found = name === undefined ? undefined : LOOKUP.get(name);
    if (found) return found;
  }
  throw new ValueError(Messages.activation(identifier));
}

/**
 * The value Keras writes for an activation in a layer config: the bare canonical name for a
 * built-in (`'silu'` for `'swish'`), or a `{class_name: 'function', config: name}` dict for a
 * custom function (which can only be resolved again by the code that defined it).
 */
export function serializeActivation(a: Activation): string | KerasObjectConfig {
  if (CANONICAL.has(a)) return a.name;
  return customObject('function', a.name);
}
