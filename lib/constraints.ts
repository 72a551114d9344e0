/**
 * Keras 3 weight constraints (spec section 9): NonNeg, MaxNorm, UnitNorm, MinMaxNorm and the
 * identity base class, with lookup and serialization. Keras applies a constraint only after an
 * optimizer step; these classes just compute the projection.
 *
 * Norms are computed in float64 over the given axes (kept as size-1 dimensions, so each slice is
 * scaled by its own norm) and results rounded once to float32.
 */

import { AxisArg, groupIndex, isAxisArg, normalizeAxes } from './axes';
import { invalidArgument, Messages } from './errors';
import {
  asTensor,
  checkKwargs,
  isTensorLike,
  KerasObjectConfig,
  numberArg,
} from './keras-object';
import { Tensor, TensorLike } from './tensor';
import { KerasRegistry, type RegistryClass } from './keras-registry';

/** Keras' default fuzz factor `keras.config.epsilon()`, added to norms before dividing. */
const EPSILON = 1e-7;

/** A projection applied to a weight after each optimizer update. */
export abstract class Constraint {
  /** The projected weight (same shape). */
  abstract call(w: TensorLike): Tensor;

  /** The constructor arguments with Keras' snake_case keys. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** The Keras class name written in serialized configs. */
  get className(): string {
    return this.constructor.name;
  }
}

/** `constraint`/`Constraint`: the base class, which returns the weight unchanged. */
export class BaseConstraint extends Constraint {
  call(w: TensorLike): Tensor {
    return asTensor(w);
  }

  override get className(): string {
    return 'Constraint';
  }
}

/** `max(w, 0)`. Names: `NonNeg`, `non_neg`. */
export class NonNeg extends Constraint {
  constructor(config: Record<string, never> = {}) {
    super();
    checkKwargs('NonNeg', config, []);
  }

  call(w: TensorLike): Tensor {
    const src = w.data;
    const out = new Float32Array(src.length);
    // Math.max keeps NaN, as np.maximum does.
    for (let i = 0; i < src.length; i++) out[i] = Math.max(src[i], 0);
    return new Tensor(out, w.shape);
  }

  override get className(): string {
    return 'NonNeg';
  }
}

function readAxis(className: string, v: unknown): AxisArg {
  if (v === undefined) return 0;
  if (!isAxisArg(v)) throw invalidArgument(`${className}: axis`, 'an integer or an array of integers', v);
  return typeof v === 'number' ? v : [...v];
}

/**
 * Scales every slice of `w` (all elements sharing the indices outside `axis`) by
 * `desired(n) / (ε + n)`, n being the slice's L2 norm.
 */
function rescaleByNorm(w: TensorLike, axis: AxisArg, desired: (norm: number) => number): Tensor {
  const shape = [...w.shape];
  const { index, groups } = groupIndex(shape, normalizeAxes(axis, shape.length));
  const sq = new Float64Array(groups);
  for (let i = 0; i < w.data.length; i++) sq[index[i]] += w.data[i] * w.data[i];
  const factor = sq.map((s) => {
    const n = Math.sqrt(s);
    return desired(n) / (EPSILON + n);
  });
  const out = new Float32Array(w.data.length);
  for (let i = 0; i < w.data.length; i++) out[i] = w.data[i] * factor[index[i]];
  return new Tensor(out, shape);
}

function clip(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Config of {@link MaxNorm}. */
export interface MaxNormConfig {
  /** Largest allowed norm. Default 2. */
  max_value?: number;
  /** Axis or axes the norm runs over; use `[0, 1, 2]` for a Conv2D kernel's filters. Default 0. */
  axis?: AxisArg;
}

/** `w · clip(n, 0, max_value) / (ε + n)`. Names: `MaxNorm`, `max_norm`. */
export class MaxNorm extends Constraint {
  readonly maxValue: number;
  readonly axis: AxisArg;

  constructor(config: MaxNormConfig = {}) {
    super();
    checkKwargs('MaxNorm', config, ['max_value', 'axis']);
    this.maxValue = numberArg('MaxNorm', 'max_value', config.max_value ?? 2);
    this.axis = readAxis('MaxNorm', config.axis);
  }

  call(w: TensorLike): Tensor {
    return rescaleByNorm(w, this.axis, (n) => clip(n, 0, this.maxValue));
  }

  override getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.axis };
  }

  override get className(): string {
    return 'MaxNorm';
  }
}

/** Config of {@link UnitNorm}. */
export interface UnitNormConfig {
  /** Axis or axes the norm runs over. Default 0. */
  axis?: AxisArg;
}

/** `w / (ε + n)`. Names: `UnitNorm`, `unit_norm`. */
export class UnitNorm extends Constraint {
  readonly axis: AxisArg;

  constructor(config: UnitNormConfig = {}) {
    super();
    checkKwargs('UnitNorm', config, ['axis']);
    this.axis = readAxis('UnitNorm', config.axis);
  }

  call(w: TensorLike): Tensor {
    return rescaleByNorm(w, this.axis, () => 1);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override get className(): string {
    return 'UnitNorm';
  }
}

/** Config of {@link MinMaxNorm}. */
export interface MinMaxNormConfig {
  /** Smallest allowed norm. Default 0. */
  min_value?: number;
  /** Largest allowed norm. Default 1. */
  max_value?: number;
  /** 1 enforces the bounds strictly; smaller values move the norm part of the way. Default 1. */
  rate?: number;
  /** Axis or axes the norm runs over. Default 0. */
  axis?: AxisArg;
}

/** `w · (rate·clip(n, min, max) + (1 − rate)·n) / (ε + n)`. Names: `MinMaxNorm`, `min_max_norm`. */
export class MinMaxNorm extends Constraint {
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: AxisArg;

  constructor(config: MinMaxNormConfig = {}) {
    super();
    checkKwargs('MinMaxNorm', config, ['min_value', 'max_value', 'rate', 'axis']);
    this.minValue = numberArg('MinMaxNorm', 'min_value', config.min_value ?? 0);
    this.maxValue = numberArg('MinMaxNorm', 'max_value', config.max_value ?? 1);
    this.rate = numberArg('MinMaxNorm', 'rate', config.rate ?? 1);
    this.axis = readAxis('MinMaxNorm', config.axis);
  }

  call(w: TensorLike): Tensor {
    return rescaleByNorm(
      w,
      this.axis,
      (n) => this.rate * clip(n, this.minValue, this.maxValue) + (1 - this.rate) * n,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }

  override get className(): string {
    return 'MinMaxNorm';
  }
}

/** A user function `(w) => projected w` used as a constraint. */
export class FunctionConstraint extends Constraint {
  constructor(readonly fn: (w: TensorLike) => TensorLike) {
    super();
  }

  call(w: TensorLike): Tensor {
    const out = this.fn(asTensor(w));
    if (!isTensorLike(out)) {
      throw invalidArgument(`constraint ${this.className} result`, 'a tensor {data: Float32Array, shape}', out);
    }
    return asTensor(out);
  }

  override get className(): string {
    return this.fn.name || 'lambda';
  }
}


const CLASSES: Record<string, RegistryClass<Constraint>> = {
  Constraint: { ctor: BaseConstraint, make: (c) => (checkKwargs('Constraint', c, []), new BaseConstraint()) },
  MaxNorm: { ctor: MaxNorm, make: (c) => new MaxNorm(c) },
  MinMaxNorm: { ctor: MinMaxNorm, make: (c) => new MinMaxNorm(c) },
  NonNeg: { ctor: NonNeg, make: (c) => new NonNeg(c as Record<string, never>) },
  UnitNorm: { ctor: UnitNorm, make: (c) => new UnitNorm(c) },
};

const REGISTRY = new KerasRegistry<Constraint>({
  module: 'keras.constraints',
  base: Constraint,
  classes: CLASSES,
  // Keras' table: each class name and its snake_case form.
  aliases: { constraint: 'Constraint', max_norm: 'MaxNorm', min_max_norm: 'MinMaxNorm', non_neg: 'NonNeg', unit_norm: 'UnitNorm' },
  wrapFunction: (fn) => new FunctionConstraint(fn as unknown as (w: TensorLike) => TensorLike),
  functionClass: FunctionConstraint,
  unknown: Messages.constraint,
});

/** Every string {@link getConstraint} accepts. */
export const CONSTRAINT_NAMES: readonly string[] = REGISTRY.names;

/**
 * Resolves a constraint identifier as `keras.constraints.get` does: `null`/`undefined` → `null`;
 * a name (`'non_neg'`, `'MaxNorm'`, ...) built with defaults; a dict `{class_name, config}`; a
 * {@link Constraint} instance or subclass; a function `(w) => TensorLike`.
 *
 * @throws ValueError `Could not interpret constraint identifier: ...` for anything else.
 */
export function getConstraint(identifier: unknown): Constraint | null {
  return REGISTRY.get(identifier);
}

/**
 * The dict Keras writes for a constraint, e.g. `{module: 'keras.constraints', class_name:
 * 'MaxNorm', config: {max_value: 2, axis: 0}, registered_name: null}`; `null` for `null`.
 * Functions and user subclasses serialize by name.
 */
export function serializeConstraint(c: Constraint | null): KerasObjectConfig | null {
  return REGISTRY.serialize(c);
}
