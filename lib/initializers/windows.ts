/**
 * The parameter-free windows of `scipy.signal.get_window` (SciPy 1.17), which Keras' STFT
 * initializer calls by name. Same names and aliases, same `_symmetric`/`_periodic` suffixes,
 * same formulas; a periodic window is the symmetric one of length M+1 without its last sample.
 */

import { Messages, NotImplementedError, ValueError } from '../errors';

type WindowFn = (m: number) => number[];

function linspace(a: number, b: number, m: number): number[] {
  if (m === 1) return [a];
  return Array.from({ length: m }, (_, i) => a + ((b - a) * i) / (m - 1));
}

/** Σₖ aₖ cos(k·t) over t = linspace(−π, π, M). */
function generalCosine(coefficients: readonly number[]): WindowFn {
  return (m) => linspace(-Math.PI, Math.PI, m).map((t) => coefficients.reduce((s, a, k) => s + a * Math.cos(k * t), 0));
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

const triang: WindowFn = (m) => {
  const half = Array.from({ length: Math.floor((m + 1) / 2) }, (_, i) => i + 1);
  if (m % 2 === 0) {
    const w = half.map((n) => (2 * n - 1) / m);
    return [...w, ...[...w].reverse()];
  }
  const w = half.map((n) => (2 * n) / (m + 1));
  return [...w, ...w.slice(0, -1).reverse()];
};

const bartlett: WindowFn = (m) =>
  Array.from({ length: m }, (_, n) => (n <= (m - 1) / 2 ? (2 * n) / (m - 1) : 2 - (2 * n) / (m - 1)));

const bohman: WindowFn = (m) => {
  const inner = linspace(-1, 1, m)
    .slice(1, -1)
    .map((x) => {
      const f = Math.abs(x);
      return (1 - f) * Math.cos(Math.PI * f) + Math.sin(Math.PI * f) / Math.PI;
    });
  return [0, ...inner, 0];
};

const barthann: WindowFn = (m) =>
  Array.from({ length: m }, (_, n) => {
    const f = Math.abs(n / (m - 1) - 0.5);
    return 0.62 - 0.48 * f + 0.38 * Math.cos(2 * Math.PI * f);
  });

const cosine: WindowFn = (m) => Array.from({ length: m }, (_, n) => Math.sin((Math.PI / m) * (n + 0.5)));

const parzen: WindowFn = (m) => {
  const ns = Array.from({ length: m }, (_, i) => -(m - 1) / 2 + i);
  const outer = ns.filter((n) => n < -(m - 1) / 4).map((n) => 2 * (1 - Math.abs(n) / (m / 2)) ** 3);
  const inner = ns
    .filter((n) => Math.abs(n) <= (m - 1) / 4)
    .map((n) => {
      const r = Math.abs(n) / (m / 2);
      return 1 - 6 * r * r + 6 * r * r * r;
    });
  return [...outer, ...inner, ...[...outer].reverse()];
};

const lanczos: WindowFn = (m) => {
  const right = (from: number): number[] =>
    Array.from({ length: Math.max(0, Math.ceil(m - from)) }, (_, i) => sinc((2 * (from + i)) / (m - 1) - 1));
  if (m % 2 === 0) {
    const wh = right(m / 2);
    return [...[...wh].reverse(), ...wh];
  }
  const wh = right((m + 1) / 2);
  return [...[...wh].reverse(), 1, ...wh];
};

/** Tukey with SciPy's default alpha = 0.5. */
const tukey: WindowFn = (m) => {
  const alpha = 0.5;
  const width = Math.floor((alpha * (m - 1)) / 2);
  return Array.from({ length: m }, (_, n) => {
    if (n <= width) return 0.5 * (1 + Math.cos(Math.PI * (-1 + (2 * n) / alpha / (m - 1))));
    if (n >= m - width - 1) return 0.5 * (1 + Math.cos(Math.PI * (-2 / alpha + 1 + (2 * n) / alpha / (m - 1))));
    return 1;
  });
};

/** Exponential (Poisson) with SciPy's defaults: centre (M−1)/2, tau 1. */
const exponential: WindowFn = (m) => Array.from({ length: m }, (_, n) => Math.exp(-Math.abs(n - (m - 1) / 2)));

const WINDOWS: readonly [readonly string[], WindowFn][] = [
  [['barthann', 'brthan', 'bth'], barthann],
  [['bartlett', 'bart', 'brt'], bartlett],
  [['blackman', 'black', 'blk'], generalCosine([0.42, 0.5, 0.08])],
  [['blackmanharris', 'blackharr', 'bkh'], generalCosine([0.35875, 0.48829, 0.14128, 0.01168])],
  [['bohman', 'bman', 'bmn'], bohman],
  [['boxcar', 'box', 'ones', 'rect', 'rectangular'], (m) => new Array<number>(m).fill(1)],
  [['cosine', 'halfcosine'], cosine],
  [['exponential', 'poisson'], exponential],
  [['flattop', 'flat', 'flt'], generalCosine([0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368])],
  [['hamming', 'hamm', 'ham'], generalCosine([0.54, 0.46])],
  [['hann', 'han'], generalCosine([0.5, 0.5])],
  [['lanczos', 'sinc'], lanczos],
  [['nuttall', 'nutl', 'nut'], generalCosine([0.3635819, 0.4891775, 0.1365995, 0.0106411])],
  [['parzen', 'parz', 'par'], parzen],
  [['triangle', 'triang', 'tri'], triang],
  [['tukey', 'tuk'], tukey],
];

/** Windows SciPy only builds with explicit parameters (a bare name is an error there too). */
const NEEDS_PARAMETERS = [
  'chebwin', 'cheb', 'dpss', 'gaussian', 'gauss', 'gss', 'general cosine', 'general_cosine',
  'general gaussian', 'general_gaussian', 'general gauss', 'general_gauss', 'ggs', 'general hamming',
  'general_hamming', 'kaiser', 'ksr', 'kaiser bessel derived', 'kaiser_bessel_derived', 'kbd',
];

/** Known to SciPy but not reproduced here. */
const NOT_PORTED = ['taylor', 'taylorwin'];

function lookup(window: string): { name: string; fn: WindowFn | null; sym: boolean | null } {
  let name = window;
  let sym: boolean | null = null;
  if (name.endsWith('_symmetric')) {
    sym = true;
    name = name.slice(0, -10);
  } else if (name.endsWith('_periodic')) {
    sym = false;
    name = name.slice(0, -9);
  }
  const entry = WINDOWS.find(([names]) => names.includes(name));
  if (entry) return { name, fn: entry[1], sym };
  if (NEEDS_PARAMETERS.includes(name)) throw new ValueError(Messages.windowParams(name, window));
  if (NOT_PORTED.includes(name)) throw new NotImplementedError(Messages.windowNotPorted(name));
  throw new ValueError(Messages.windowName(name, window));
}

/** Throws SciPy's error if `window` is not a window name it accepts without parameters. */
export function checkWindowName(window: string): void {
  lookup(window);
}

/**
 * `scipy.signal.get_window(window, length, fftbins)`: `fftbins = true` gives the periodic window
 * (a name suffix `_symmetric`/`_periodic` overrides it).
 */
export function getWindow(window: string, length: number, fftbins: boolean): Float64Array {
  const { fn, sym: forced } = lookup(window);
  const sym = forced ?? !fftbins;
  if (length <= 1) return new Float64Array(length).fill(1);
  const values = (fn as WindowFn)(sym ? length : length + 1);
  return Float64Array.from(sym ? values : values.slice(0, length));
}
