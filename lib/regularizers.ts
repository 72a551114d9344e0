/**
 * Keras 3 regularizers (spec section 8): L1, L2, L1L2, OrthogonalRegularizer, lookup and
 * serialization. A regularizer only computes the raw penalty of one tensor; dividing an activity
 * penalty by the batch size and collecting `layer.losses` is the layer's job.
 *
 * Penalties are summed in float64 and returned rounded to float32 (`Math.fround`): Keras returns a
 * float32 scalar, so rounding once at the end gives the value Keras would report, minus the
 * accumulation error its float32 reduction adds on large kernels.
 */

import { invalidArgument, Messages, NotImplementedError, ValueError } from './errors';
import {
  asTensor,
  checkKwargs,
  isPyNumber,
  isTensorLike,
  KerasObjectConfig,
} from './keras-object';
import { TensorLike } from './tensor';
import { KerasRegistry, type RegistryClass } from './keras-registry';

/** A weight or activity penalty: `call(x)` returns a non-negative scalar. */
export abstract class Regularizer {
  /** The penalty for tensor `x` (float32-rounded). */
  abstract call(x: TensorLike): number;

  /**
   * The constructor arguments with Keras' snake_case keys. The base class has none to report and,
   * as in Keras, cannot be serialized.
   */
  getConfig(): Record<string, unknown> {
    throw new NotImplementedError(Messages.noGetConfig(this.className));
  }

  /** The Keras class name written in serialized configs. */
  get className(): string {
    return this.constructor.name;
  }
}

/** Keras' `validate_float_arg`: a finite, non-negative number (booleans count, as in Python). */
function readFactor(name: string, value: unknown): number {
  if (!isPyNumber(value)) throw new ValueError(Messages.regularizerFactor(name, value));
  const v = Number(value);
  if (!Number.isFinite(v) || v < 0) throw new ValueError(Messages.regularizerFactor(name, value));
  return v;
}

function sumAbs(x: TensorLike): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += Math.abs(x.data[i]);
  return s;
}

function sumSquares(x: TensorLike): number {
  let s = 0;
  for (let i = 0; i < x.data.length; i++) s += x.data[i] * x.data[i];
  return s;
}

/** `regularizer`/`Regularizer`: the base class, a zero penalty that cannot be serialized. */
export class BaseRegularizer extends Regularizer {
  call(): number {
    return 0;
  }

  override get className(): string {
    return 'Regularizer';
  }
}

/** Config of {@link L1}. */
export interface L1Config {
  /** Non-negative factor; `null` means the default. Default 0.01. */
  l1?: number | null;
}

/**
 * `l1 · Σ|x|`. Keras keeps the factor as a float32 tensor, so the factor (and the config) is
 * float32-rounded: `l1 = 0.01` reports `0.009999999776482582`. Names: `L1`, `l1`.
 */
export class L1 extends Regularizer {
  readonly l1: number;

  constructor(config: L1Config = {}) {
    super();
    checkKwargs('L1', config, ['l1']);
    this.l1 = Math.fround(readFactor('l1', config.l1 ?? 0.01));
  }

  call(x: TensorLike): number {
    return Math.fround(this.l1 * sumAbs(x));
  }

  override getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }

  override get className(): string {
    return 'L1';
  }
}

/** Config of {@link L2}. */
export interface L2Config {
  /** Non-negative factor; `null` means the default. Default 0.01. */
  l2?: number | null;
}

/** `l2 · Σx²`. Names: `L2`, `l2`. */
export class L2 extends Regularizer {
  readonly l2: number;

  constructor(config: L2Config = {}) {
    super();
    checkKwargs('L2', config, ['l2']);
    this.l2 = readFactor('l2', config.l2 ?? 0.01);
  }

  call(x: TensorLike): number {
    return Math.fround(this.l2 * sumSquares(x));
  }

  override getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }

  override get className(): string {
    return 'L2';
  }
}

/** Config of {@link L1L2}. */
export interface L1L2Config {
  /** Non-negative L1 factor; `null` means 0. Default 0. */
  l1?: number | null;
  /** Non-negative L2 factor; `null` means 0. Default 0. */
  l2?: number | null;
}

/**
 * `l1 · Σ|x| + l2 · Σx²`, a zero factor's term skipped. Both default to 0, so the string `'l1l2'`
 * gives a zero penalty (and `'l1_l2'` is not a valid name, despite Keras' docstring).
 * Names: `L1L2`, `l1l2`.
 */
export class L1L2 extends Regularizer {
  readonly l1: number;
  readonly l2: number;

  constructor(config: L1L2Config = {}) {
    super();
    checkKwargs('L1L2', config, ['l1', 'l2']);
    this.l1 = readFactor('l1', config.l1 ?? 0);
    this.l2 = readFactor('l2', config.l2 ?? 0);
  }

  call(x: TensorLike): number {
    let penalty = 0;
    if (this.l1) penalty += this.l1 * sumAbs(x);
    if (this.l2) penalty += this.l2 * sumSquares(x);
    return Math.fround(penalty);
  }

  override getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }

  override get className(): string {
    return 'L1L2';
  }
}

/** Whether rows or columns are pushed towards orthogonality. */
export type OrthogonalMode = 'rows' | 'columns';

/** Config of {@link OrthogonalRegularizer}. */
export interface OrthogonalRegularizerConfig {
  /** Non-negative factor. Default 0.01. */
  factor?: number;
  /** Default `'rows'`. */
  mode?: OrthogonalMode;
}

/** Keras' `normalize` divides by max(‖v‖, ε) with the backend epsilon. */
const NORMALIZE_EPSILON = 1e-7;

/**
 * `factor ·` the mean of |cos| over all pairs of distinct rows (or columns) of a rank-2 input,
 * i.e. `factor · 0.5 · Σ_{i≠j} |v̂ᵢ·v̂ⱼ| / (n(n−1)/2)`. A Conv2D kernel (rank 4) is rejected as in
 * Keras. Names: `OrthogonalRegularizer`, `orthogonal_regularizer`.
 */
export class OrthogonalRegularizer extends Regularizer {
  readonly factor: number;
  readonly mode: OrthogonalMode;

  constructor(config: OrthogonalRegularizerConfig = {}) {
    super();
    checkKwargs('OrthogonalRegularizer', config, ['factor', 'mode']);
    this.factor = readFactor('factor', config.factor ?? 0.01);
    const mode = config.mode ?? 'rows';
    if (mode !== 'rows' && mode !== 'columns') throw new ValueError(Messages.regularizerMode(mode));
    this.mode = mode;
  }

  call(x: TensorLike): number {
    if (x.shape.length !== 2) throw new ValueError(Messages.orthogonalRegularizerRank(x.shape));
    const [rows, cols] = x.shape;
    const rowMode = this.mode === 'rows';
    const count = rowMode ? rows : cols;
    const length = rowMode ? cols : rows;
    const at = (v: number, k: number): number => (rowMode ? x.data[v * cols + k] : x.data[k * cols + v]);
    const vectors: Float64Array[] = [];
    for (let v = 0; v < count; v++) {
      const u = new Float64Array(length);
      let norm = 0;
      for (let k = 0; k < length; k++) norm += (u[k] = at(v, k)) ** 2;
      const scale = 1 / Math.max(Math.sqrt(norm), NORMALIZE_EPSILON);
      for (let k = 0; k < length; k++) u[k] *= scale;
      vectors.push(u);
    }
    // Each unordered pair once; Keras sums both halves of the symmetric matrix and halves it.
    let sum = 0;
    for (let i = 0; i < count; i++) {
      for (let j = i + 1; j < count; j++) {
        let dot = 0;
        for (let k = 0; k < length; k++) dot += vectors[i][k] * vectors[j][k];
        sum += Math.abs(dot);
      }
    }
    const pairs = (count * (count - 1)) / 2;
    return Math.fround((this.factor * sum) / pairs);
  }

  override getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }

  override get className(): string {
    return 'OrthogonalRegularizer';
  }
}

/** A user function `(x) => number` used as a regularizer. */
export class FunctionRegularizer extends Regularizer {
  constructor(readonly fn: (x: TensorLike) => number) {
    super();
  }

  call(x: TensorLike): number {
    const v = this.fn(isTensorLike(x) ? asTensor(x) : x);
    if (typeof v !== 'number') throw invalidArgument(`regularizer ${this.className} result`, 'a number', v);
    return Math.fround(v);
  }

  override get className(): string {
    return this.fn.name || 'lambda';
  }
}


const CLASSES: Record<string, RegistryClass<Regularizer>> = {
  Regularizer: { ctor: BaseRegularizer, make: (c) => (checkKwargs('Regularizer', c, []), new BaseRegularizer()) },
  L1: { ctor: L1, make: (c) => new L1(c) },
  L2: { ctor: L2, make: (c) => new L2(c) },
  L1L2: { ctor: L1L2, make: (c) => new L1L2(c) },
  OrthogonalRegularizer: { ctor: OrthogonalRegularizer, make: (c) => new OrthogonalRegularizer(c) },
};

const REGISTRY = new KerasRegistry<Regularizer>({
  module: 'keras.regularizers',
  base: Regularizer,
  classes: CLASSES,
  // Keras' table: class names and snake_case forms (note `l1l2`, not `l1_l2`).
  aliases: { regularizer: 'Regularizer', l1: 'L1', l2: 'L2', l1l2: 'L1L2', orthogonal_regularizer: 'OrthogonalRegularizer' },
  wrapFunction: (fn) => new FunctionRegularizer(fn as unknown as (x: TensorLike) => number),
  functionClass: FunctionRegularizer,
  unknown: Messages.regularizer,
});

/** Every string {@link getRegularizer} accepts. */
export const REGULARIZER_NAMES: readonly string[] = REGISTRY.names;

/**
 * Resolves a regularizer identifier as `keras.regularizers.get` does: `null`/`undefined` → `null`;
 * a name (`'l1'`, `'L2'`, `'l1l2'`, `'orthogonal_regularizer'`, ...) built with defaults; a dict
 * `{class_name, config}`; a {@link Regularizer} instance or subclass; a function `(x) => number`.
 *
 * @throws ValueError `Could not interpret regularizer identifier: ...` for anything else.
 */
export function getRegularizer(identifier: unknown): Regularizer | null {
  return REGISTRY.get(identifier);
}

/**
 * The dict Keras writes for a regularizer, e.g. `{module: 'keras.regularizers', class_name: 'L2',
 * config: {l2: 0.01}, registered_name: null}`; `null` for `null`. The base Regularizer throws
 * NotImplementedError, as in Keras; functions and user subclasses serialize by name.
 */
export function serializeRegularizer(r: Regularizer | null): KerasObjectConfig | null {
  return REGISTRY.serialize(r);
}
