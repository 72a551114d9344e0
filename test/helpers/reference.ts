/**
 * An independent float64 reference for Keras 3 Conv2D (spec §4–§6), with a per-element error bound.
 *
 * Written from the spec only (never from native/): a direct cross-correlation loop in float64 over
 * the *same float32 inputs* the product sees. Products of two float32 values are exact in float64,
 * and the float64 sums are ~2^29 times more accurate than the float32 result they check, so `ref`
 * is the exact answer for all practical purposes.
 *
 * ── Tolerance (per output element) ─────────────────────────────────────────────────────────────
 * Let K = kh·kw·(C_in/groups) (the dot-product length), S = Σ|w·x| + |b| over that output's taps,
 * u = 2^-24 (float32 unit roundoff) and y = the exact pre-activation value. Then
 *
 *     preBound = 4·√K·u·S + 4·u·|y|
 *
 * Why: conv-design §6.1 — any summation order of a length-K float32 dot product has worst-case error
 * γ_K·S ≈ K·u·S and typical error ~√K·u·S; the measured max for sequential/FMA accumulation is
 * 0.04–0.19·√K·u·S. The acceptance bar (§6.3, this project's brief) is 4·√K·u·S, i.e. ≥ 20× the
 * measured error of a correct direct/igemm kernel, while still catching indexing errors (which
 * produce O(|w·x|) errors, i.e. ratios of ~10^5 and more) and F(4,3)/F(6,3) Winograd-level errors.
 * For K ≤ 16, 4·√K ≥ K, so the bound also covers the deterministic worst case. The 4·u·|y| term
 * covers the final rounding to float32 (½ ulp) and the order of the bias addition (~1 ulp, §3.7).
 * S (not |y|) scales the main term, so outputs that cancel to ~0 get no spurious failures.
 *
 * After an activation f, the bound is (conv-design §6.3 point 3):
 *
 *     bound = prop + approx
 *     prop   = max(|f(y+preBound) − f(y)|, |f(y−preBound) − f(y)|, |f′(y)|·preBound)
 *              (the conv error propagated through f, exactly over the interval, which is also
 *              right at kinks such as relu's 0 where |f′(y)|·bound alone would be wrong)
 *     approx = 4·ulp32(|f(y)|) + 4·u·A_f(y) + 4·2^-126
 *
 *  - 4·ulp32(|f(y)|): the activation's own approximation error, the brief's "4 ulp".
 *  - 4·u·A_f(y): for the formulas whose Keras definition (spec §6) subtracts or adds quantities
 *    larger than the result, this is the rounding error that Keras' *own* float32 formula
 *    commits, so an implementation that follows Keras exactly must get it:
 *      elu      x<0: α·(eˣ − 1)          → eˣ ≤ 1 is rounded first:            A = 1
 *      selu     x<0: λ·α·(eˣ − 1)        →                                       A = λ·α
 *      gelu     x<0: x·(1 + erf(x/√2))/2 → erf ≈ −1 is rounded first:          A = |x|/2
 *      hard_sigmoid inside (0,1): x/6 + 0.5 → both terms rounded:              A = 0.5 + |x|/6
 *    and 0 for every other activation (relu, relu6, leaky_relu, linear are exact up to the
 *    float32 rounding of the slope; sigmoid, tanh, silu and softplus (= logaddexp(x, 0)) are
 *    relatively well conditioned formulas).
 *  - 4·2^-126: allows flush-to-zero of denormal results (e.g. sigmoid(−90)); irrelevant otherwise.
 *  - softmax (axis −1): s_i = e^{y_i−m}/Σ_j e^{y_j−m}. Its first-order sensitivity gives
 *      prop_i = s_i·(b_i + Σ_j s_j·b_j)·e^{2·max b}
 *    and a float32 evaluation (L exps of ≤ 2 ulp, the subtraction y_j − m, a sum of L terms and a
 *    division) gives approx_i = 4·ulp32(s_i) + u·s_i·(L + 4 + 2·(m − min_j y_j)) + 4·2^-126.
 *
 * `strictBound` is the brief's literal formula (prop + 4·ulp32(|f(y)|)), kept for reporting: the
 * tests assert `bound` and print the worst |y − ref| / strictBound too, so a kernel that needs the
 * A_f or softmax terms is visible.
 */

export type DataFormat = 'channels_last' | 'channels_first';
export type Pair = [number, number];

export const U = 2 ** -24;
const FLT_MIN = 2 ** -126;

export interface TensorIn {
  data: Float32Array;
  shape: readonly number[];
}

export interface RefArgs {
  strides?: number | readonly number[];
  padding?: string;
  dataFormat?: DataFormat;
  dilationRate?: number | readonly number[];
  /** Default: derived from the shapes, C_in / kernel.shape[2] (as Keras' backends do). */
  groups?: number;
  /** A Keras activation name (see ACTIVATIONS) or null/'linear'. */
  activation?: string | null;
}

export interface RefResult {
  shape: number[];
  /** Exact pre-activation values (float64). */
  pre: Float64Array;
  /** Σ|w·x| + |b| per output. */
  S: Float64Array;
  /** Pre-activation bound 4·√K·u·S + 4·u·|pre|. */
  preBound: Float64Array;
  /** Final reference values (after the activation). */
  ref: Float64Array;
  /** The asserted bound (see header). */
  bound: Float64Array;
  /** The brief's literal formula, for reporting. */
  strictBound: Float64Array;
  K: number;
  groups: number;
  activation: string;
  pads: { top: number; bottom: number; left: number; right: number };
}

export function toPair(v: number | readonly number[] | undefined, dflt: number): Pair {
  if (v === undefined) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  return [v[0], v[1]];
}

/** Keras 'same' padding along one axis (spec §4): total P, before = floor(P/2), after = P − before. */
export function samePads(n: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(n / s);
  const keff = (k - 1) * d + 1;
  const total = Math.max((out - 1) * s + keff - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output length along one axis (spec §4). */
export function outLen(n: number, k: number, s: number, d: number, padding: 'valid' | 'same'): number {
  if (padding === 'same') return Math.ceil(n / s);
  return Math.floor((n - (k - 1) * d - 1) / s) + 1;
}

/** ulp of a float32 value of magnitude |v| (normal range); 2^-149 for denormals/zero. */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (!(a >= FLT_MIN)) return 2 ** -149;
  if (!Number.isFinite(a)) return Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  return 2 ** (e - 23);
}

// ── float64 special functions ─────────────────────────────────────────────────────────────────

const SQRT_PI = Math.sqrt(Math.PI);

/** erf for |z| < 3 via the all-positive series 2/√π·e^{−z²}·Σ (2z²)^n·z / (1·3·…·(2n+1)). */
function erfSeries(z: number): number {
  const z2 = 2 * z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 500; n++) {
    term *= z2 / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / SQRT_PI) * Math.exp(-z * z) * sum;
}

/** erfc(z) for z ≥ 3 via the continued fraction e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))). */
function erfcCF(z: number): number {
  let t = z;
  for (let k = 120; k >= 1; k--) t = z + k / 2 / t;
  return Math.exp(-z * z) / (SQRT_PI * t);
}

export function erfc(z: number): number {
  if (z >= 3) return erfcCF(z);
  if (z <= -3) return 2 - erfcCF(-z);
  return 1 - erfSeries(z);
}

export function erf(z: number): number {
  if (Math.abs(z) < 3) return erfSeries(z);
  return z > 0 ? 1 - erfcCF(z) : erfcCF(-z) - 1;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  // logaddexp(x, 0), accurate for every x.
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Standard normal CDF and PDF. */
function phiCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
function phiPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

interface ElementwiseActivation {
  f: (x: number) => number;
  df: (x: number) => number;
  /** Magnitude of intermediates in Keras' float32 formula (see header); 0 when well conditioned. */
  A: (x: number) => number;
}

/** Float64 activations (spec §6), written independently of lib/activations.ts. */
export const ACTIVATIONS: Record<string, ElementwiseActivation> = {
  linear: { f: (x) => x, df: () => 1, A: () => 0 },
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0), A: () => 0 },
  relu6: { f: (x) => Math.min(Math.max(x, 0), 6), df: (x) => (x > 0 && x < 6 ? 1 : 0), A: () => 0 },
  leaky_relu: { f: (x) => (x >= 0 ? x : 0.2 * x), df: (x) => (x >= 0 ? 1 : 0.2), A: () => 0 },
  elu: { f: (x) => (x > 0 ? x : Math.expm1(x)), df: (x) => (x > 0 ? 1 : Math.exp(x)), A: (x) => (x < 0 ? 1 : 0) },
  selu: {
    f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
    A: (x) => (x < 0 ? SELU_SCALE * SELU_ALPHA : 0),
  },
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)), A: () => 0 },
  tanh: { f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2, A: () => 0 },
  silu: {
    f: (x) => x * sigmoid(x),
    df: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))),
    A: () => 0,
  },
  gelu: {
    // Exact (erf) form: x·Φ(x), computed through erfc so the negative tail is accurate.
    f: (x) => x * phiCdf(x),
    df: (x) => phiCdf(x) + x * phiPdf(x),
    A: (x) => (x < 0 ? Math.abs(x) / 2 : 0),
  },
  hard_sigmoid: {
    f: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
    df: (x) => (x > -3 && x < 3 ? 1 / 6 : 0),
    A: (x) => (x > -3 && x < 3 ? 0.5 + Math.abs(x) / 6 : 0),
  },
  softplus: { f: softplus, df: sigmoid, A: () => 0 },
};

/** Names the reference can check: the elementwise ones above plus softmax (axis −1). */
export const ACTIVATION_NAMES = [...Object.keys(ACTIVATIONS), 'softmax'];

// ── the convolution ───────────────────────────────────────────────────────────────────────────

/**
 * Direct float64 conv2d (cross-correlation), Keras semantics, plus bias and activation.
 * `x` is NHWC (channels_last) or NCHW (channels_first); `kernel` is (kh, kw, C_in/groups, filters)
 * for both; `bias` is (filters) or null.
 */
export function referenceConv2d(x: TensorIn, kernel: TensorIn, bias: TensorIn | null, args: RefArgs = {}): RefResult {
  const dataFormat = args.dataFormat ?? 'channels_last';
  const padding = (args.padding ?? 'valid').toLowerCase() as 'valid' | 'same';
  if (padding !== 'valid' && padding !== 'same') throw new Error(`reference: bad padding ${args.padding}`);
  const [sh, sw] = toPair(args.strides, 1);
  const [dh, dw] = toPair(args.dilationRate, 1);
  if (x.shape.length !== 4 || kernel.shape.length !== 4) throw new Error('reference: x and kernel must be 4-D');
  const [N, H, W, C] =
    dataFormat === 'channels_last'
      ? [x.shape[0], x.shape[1], x.shape[2], x.shape[3]]
      : [x.shape[0], x.shape[2], x.shape[3], x.shape[1]];
  const [kh, kw, Cg, F] = kernel.shape;
  const G = args.groups ?? C / Cg;
  if (!Number.isInteger(G) || G * Cg !== C || F % G !== 0) {
    throw new Error(`reference: inconsistent groups (C=${C}, kernel=${kernel.shape}, groups=${args.groups})`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== F)) throw new Error('reference: bad bias shape');
  const Fg = F / G;
  const OH = outLen(H, kh, sh, dh, padding);
  const OW = outLen(W, kw, sw, dw, padding);
  if (OH <= 0 || OW <= 0) throw new Error('reference: empty output for valid padding');
  const [top, bottom] = padding === 'same' ? samePads(H, kh, sh, dh) : [0, 0];
  const [left, right] = padding === 'same' ? samePads(W, kw, sw, dw) : [0, 0];

  // Element strides of x (no index closures: Math/closure calls are slow inside jest's vm context).
  const [xsN, xsH, xsW, xsC] = dataFormat === 'channels_last' ? [H * W * C, W * C, C, 1] : [C * H * W, W, 1, H * W];
  const outShape = dataFormat === 'channels_last' ? [N, OH, OW, F] : [N, F, OH, OW];
  const yIndex =
    dataFormat === 'channels_last'
      ? (n: number, i: number, j: number, f: number) => ((n * OH + i) * OW + j) * F + f
      : (n: number, i: number, j: number, f: number) => ((n * F + f) * OH + i) * OW + j;

  const size = N * OH * OW * F;
  const pre = new Float64Array(size);
  const S = new Float64Array(size);
  const xd = x.data;
  const kd = kernel.data;
  for (let n = 0; n < N; n++) {
    for (let oi = 0; oi < OH; oi++) {
      for (let oj = 0; oj < OW; oj++) {
        for (let f = 0; f < F; f++) {
          const g = (f / Fg) | 0;
          let acc = bias ? bias.data[f] : 0;
          let abs = acc < 0 ? -acc : acc;
          for (let a = 0; a < kh; a++) {
            const ii = oi * sh + a * dh - top;
            if (ii < 0 || ii >= H) continue;
            for (let b = 0; b < kw; b++) {
              const jj = oj * sw + b * dw - left;
              if (jj < 0 || jj >= W) continue;
              for (let q = 0; q < Cg; q++) {
                const p = xd[n * xsN + ii * xsH + jj * xsW + (g * Cg + q) * xsC] * kd[((a * kw + b) * Cg + q) * F + f];
                acc += p;
                abs += p < 0 ? -p : p;
              }
            }
          }
          const o = yIndex(n, oi, oj, f);
          pre[o] = acc;
          S[o] = abs;
        }
      }
    }
  }
  const K = kh * kw * Cg;
  const preBound = new Float64Array(size);
  for (let i = 0; i < size; i++) preBound[i] = 4 * Math.sqrt(K) * U * S[i] + 4 * U * Math.abs(pre[i]);

  const activation = args.activation ?? 'linear';
  const { ref, bound, strictBound } = applyActivation(activation, pre, preBound, outShape);
  return {
    shape: outShape, pre, S, preBound, ref, bound, strictBound, K, groups: G, activation,
    pads: { top, bottom, left, right },
  };
}

/** Applies a float64 activation and propagates the bound (see header). */
export function applyActivation(
  name: string,
  pre: Float64Array,
  preBound: Float64Array,
  shape: readonly number[],
): { ref: Float64Array; bound: Float64Array; strictBound: Float64Array } {
  const size = pre.length;
  const ref = new Float64Array(size);
  const bound = new Float64Array(size);
  const strictBound = new Float64Array(size);
  if (name === 'softmax') {
    const L = shape[shape.length - 1];
    for (let r = 0; r < size; r += L) {
      let m = -Infinity;
      let mn = Infinity;
      let maxB = 0;
      for (let j = 0; j < L; j++) {
        m = Math.max(m, pre[r + j]);
        mn = Math.min(mn, pre[r + j]);
        maxB = Math.max(maxB, preBound[r + j]);
      }
      let denom = 0;
      for (let j = 0; j < L; j++) denom += Math.exp(pre[r + j] - m);
      let weighted = 0;
      for (let j = 0; j < L; j++) {
        ref[r + j] = Math.exp(pre[r + j] - m) / denom;
        weighted += ref[r + j] * preBound[r + j];
      }
      for (let j = 0; j < L; j++) {
        const s = ref[r + j];
        const prop = s * (preBound[r + j] + weighted) * Math.exp(2 * maxB);
        strictBound[r + j] = prop + 4 * ulp32(s);
        bound[r + j] = prop + 4 * ulp32(s) + U * s * (L + 4 + 2 * (m - mn)) + 4 * FLT_MIN;
      }
    }
    return { ref, bound, strictBound };
  }
  const act = ACTIVATIONS[name];
  if (!act) throw new Error(`reference: no float64 activation '${name}'`);
  for (let i = 0; i < size; i++) {
    const y = pre[i];
    const b = preBound[i];
    const fy = act.f(y);
    ref[i] = fy;
    const prop = Math.max(Math.abs(act.f(y + b) - fy), Math.abs(act.f(y - b) - fy), Math.abs(act.df(y)) * b);
    strictBound[i] = prop + 4 * ulp32(fy);
    bound[i] = prop + 4 * ulp32(fy) + 4 * U * act.A(y) + 4 * FLT_MIN;
  }
  return { ref, bound, strictBound };
}

// ── comparing ─────────────────────────────────────────────────────────────────────────────────

export interface CompareStats {
  /** max |y − ref| / bound (must be ≤ 1). */
  ratio: number;
  /** max |y − ref| / strictBound (reported only). */
  strictRatio: number;
  /** max |y − ref| / (√K·u·S) over all outputs: the measured error in units of the typical error. */
  sqrtKRatio: number;
  worstIndex: number;
  count: number;
}

function fmtIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let r = i;
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(r % shape[a]);
    r = Math.floor(r / shape[a]);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Checks y (float32, from the product) against the reference, element by element.
 * Throws an Error naming `label` (which should carry the seed/config), the worst element and its
 * numbers when any |y − ref| > bound (NaN counts as a failure) or the shapes differ.
 */
export function assertWithinBound(
  y: { data: Float32Array; shape: readonly number[] },
  r: RefResult,
  label: string,
  boundScale = 1,
): CompareStats {
  if (y.shape.length !== r.shape.length || y.shape.some((d, i) => d !== r.shape[i])) {
    throw new Error(`${label}: output shape [${y.shape.join(', ')}] != reference shape [${r.shape.join(', ')}]`);
  }
  if (y.data.length !== r.ref.length) throw new Error(`${label}: output length ${y.data.length} != ${r.ref.length}`);
  let ratio = 0;
  let strictRatio = 0;
  let sqrtKRatio = 0;
  let worst = -1;
  let failures = 0;
  let firstFail = -1;
  const typical = Math.sqrt(r.K) * U;
  for (let i = 0; i < r.ref.length; i++) {
    const err = Math.abs(y.data[i] - r.ref[i]);
    const q = err / (boundScale * r.bound[i]);
    const ok = err <= boundScale * r.bound[i];
    if (!ok) {
      failures++;
      if (firstFail < 0) firstFail = i;
    }
    if (!ok && Number.isNaN(q)) {
      ratio = Infinity;
      worst = i;
    } else if (q > ratio) {
      ratio = q;
      worst = i;
    }
    const qs = err / (boundScale * r.strictBound[i]);
    if (qs > strictRatio) strictRatio = qs;
    if (r.activation === 'linear' && r.S[i] > 0) {
      const qk = Math.abs(y.data[i] - r.pre[i]) / (typical * r.S[i]);
      if (qk > sqrtKRatio) sqrtKRatio = qk;
    }
  }
  if (failures > 0) {
    const w = worst >= 0 ? worst : firstFail;
    throw new Error(
      `${label}: ${failures}/${r.ref.length} outputs outside the bound; worst at ${fmtIndex(w, r.shape)}: ` +
        `got ${y.data[w]}, ref ${r.ref[w]}, |err| ${Math.abs(y.data[w] - r.ref[w])}, bound ${boundScale * r.bound[w]} ` +
        `(ratio ${ratio.toPrecision(4)}; pre-activation ref ${r.pre[w]}, S ${r.S[w]}, K ${r.K})`,
    );
  }
  return { ratio, strictRatio, sqrtKRatio, worstIndex: worst, count: r.ref.length };
}

// ── layout helpers ────────────────────────────────────────────────────────────────────────────

/** NHWC → NCHW. */
export function nhwcToNchw(data: Float32Array, shape: readonly number[]): { data: Float32Array; shape: number[] } {
  const [N, H, W, C] = shape;
  const out = new Float32Array(data.length);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let w = 0; w < W; w++)
        for (let c = 0; c < C; c++) out[((n * C + c) * H + h) * W + w] = data[((n * H + h) * W + w) * C + c];
  return { data: out, shape: [N, C, H, W] };
}

/** NCHW → NHWC. */
export function nchwToNhwc(data: Float32Array, shape: readonly number[]): { data: Float32Array; shape: number[] } {
  const [N, C, H, W] = shape;
  const out = new Float32Array(data.length);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = data[((n * C + c) * H + h) * W + w];
  return { data: out, shape: [N, H, W, C] };
}

/** Running worst-case statistics, printed by a suite's afterAll. */
export class ErrorStats {
  private rows = new Map<string, { ratio: number; strict: number; sqrtK: number; cases: number; outputs: number; worstCase: string }>();

  add(key: string, s: CompareStats, caseLabel: string): void {
    const row = this.rows.get(key) ?? { ratio: 0, strict: 0, sqrtK: 0, cases: 0, outputs: 0, worstCase: '' };
    if (s.ratio >= row.ratio) {
      row.ratio = s.ratio;
      row.worstCase = caseLabel;
    }
    row.strict = Math.max(row.strict, s.strictRatio);
    row.sqrtK = Math.max(row.sqrtK, s.sqrtKRatio);
    row.cases++;
    row.outputs += s.count;
    this.rows.set(key, row);
  }

  report(title: string): string {
    const lines = [`${title}: worst |y−ref|/bound (≤ 1 required), |y−ref|/strictBound, |y−ref|/(√K·u·S) for linear`];
    let overall = 0;
    for (const [k, r] of [...this.rows.entries()].sort()) {
      overall = Math.max(overall, r.ratio);
      lines.push(
        `  ${k.padEnd(16)} cases ${String(r.cases).padStart(4)}  outputs ${String(r.outputs).padStart(7)}  ` +
          `ratio ${r.ratio.toExponential(2)}  strict ${r.strict.toExponential(2)}  ` +
          `err/(√K·u·S) ${r.sqrtK.toExponential(2)}  worst: ${r.worstCase}`,
      );
    }
    lines.push(`  overall worst ratio ${overall.toExponential(3)}`);
    return lines.join('\n');
  }
}
