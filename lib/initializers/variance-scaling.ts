/**
 * VarianceScaling and its six named presets (Glorot, He, LeCun; uniform and normal), with
 * Keras' fan computation (keras/src/initializers/random_initializers.py).
 */

import { AxisArg, isAxisArg, normalizeAxes } from '../axes';
import { invalidArgument, Messages, ValueError } from '../errors';
import { checkKwargs, numberArg } from '../keras-object';
import { sizeOf } from '../tensor';
import { checkShape } from './initializer';
import { RandomInitializer, sampleNormal, sampleTruncatedNormal, sampleUniform } from './random-initializer';

/** Which fan divides `scale`. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';

/** Sampling distribution; `'normal'` is accepted as a synonym of `'truncated_normal'`. */
export type Distribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/**
 * Standard deviation of N(0, 1) truncated to [−2, 2]; dividing by it makes the truncated
 * distribution's standard deviation come out at √(scale/fan).
 */
const TRUNCATED_STDDEV = 0.87962566103423978;

/**
 * Keras' `compute_fans`: rank 0 → (1, 1); rank 1 → (n, n); rank 2 → (rows, cols); higher ranks
 * are convolution kernels `(..., in, out)`: receptive field `rf = prod(shape[:-2])`,
 * `fan_in = rf·shape[-2]`, `fan_out = rf·shape[-1]`.
 *
 * `inputAxes`/`outputAxes` (Keras 3.15+ `input_axes`/`output_axes`) override that guess: a given
 * fan is the product of the dimensions on those axes. Keras' exact rule for these two arguments
 * could not be read from source here; this is the documented intent of keras-team/keras#22789
 * ("explicit calculation of fans based on specified axes").
 */
export function computeFans(
  shape: readonly number[],
  inputAxes: AxisArg | null = null,
  outputAxes: AxisArg | null = null,
): [number, number] {
  let fanIn: number;
  let fanOut: number;
  if (shape.length === 0) {
    fanIn = fanOut = 1;
  } else if (shape.length === 1) {
    fanIn = fanOut = shape[0];
  } else if (shape.length === 2) {
    fanIn = shape[0];
    fanOut = shape[1];
  } else {
    const rf = sizeOf(shape.slice(0, -2));
    fanIn = shape[shape.length - 2] * rf;
    fanOut = shape[shape.length - 1] * rf;
  }
  const product = (axes: AxisArg): number =>
    normalizeAxes(axes, shape.length).reduce((p, a) => p * shape[a], 1);
  if (inputAxes !== null) fanIn = product(inputAxes);
  if (outputAxes !== null) fanOut = product(outputAxes);
  return [fanIn, fanOut];
}

function readAxes(className: string, name: string, v: unknown): AxisArg | null {
  if (v === null || v === undefined) return null;
  if (!isAxisArg(v)) throw invalidArgument(`${className}: ${name}`, 'null, an integer or an array of integers', v);
  return typeof v === 'number' ? v : [...v];
}

/** Config of {@link VarianceScaling}. */
export interface VarianceScalingConfig {
  /** Positive scaling factor. Default 1. */
  scale?: number;
  /** Default `'fan_in'`. */
  mode?: FanMode;
  /** Case-insensitive; `'normal'` means `'truncated_normal'`. Default `'truncated_normal'`. */
  distribution?: Distribution | 'normal' | string;
  /** Integer seed; `null` draws one at construction. Default null. */
  seed?: number | null;
  /** Axes whose product is fan_in, overriding the shape heuristic. Default null. */
  input_axes?: AxisArg | null;
  /** Axes whose product is fan_out, overriding the shape heuristic. Default null. */
  output_axes?: AxisArg | null;
}

/**
 * Samples with variance `scale / n`, n = fan_in, fan_out or their mean:
 * `uniform` → U(±√(3·scale/n)); `truncated_normal` → N(0, σ) cut at ±2σ with
 * σ = √(scale/n) / 0.8796…; `untruncated_normal` → N(0, √(scale/n)).
 * Names: `VarianceScaling`, `variance_scaling`.
 */
export class VarianceScaling extends RandomInitializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  readonly inputAxes: AxisArg | null;
  readonly outputAxes: AxisArg | null;

  constructor(config: VarianceScalingConfig = {}) {
    checkKwargs('VarianceScaling', config, ['scale', 'mode', 'distribution', 'seed', 'input_axes', 'output_axes']);
    const scale = numberArg('VarianceScaling', 'scale', config.scale ?? 1);
    if (!(scale > 0)) throw new ValueError(Messages.varianceScale(scale));
    const mode = config.mode ?? 'fan_in';
    if (mode !== 'fan_in' && mode !== 'fan_out' && mode !== 'fan_avg') throw new ValueError(Messages.varianceMode(mode));
    const rawDistribution: unknown = config.distribution ?? 'truncated_normal';
    if (typeof rawDistribution !== 'string') {
      throw invalidArgument('VarianceScaling: distribution', 'a string', rawDistribution);
    }
    let distribution = rawDistribution.toLowerCase();
    if (distribution === 'normal') distribution = 'truncated_normal';
    if (distribution !== 'uniform' && distribution !== 'truncated_normal' && distribution !== 'untruncated_normal') {
      throw new ValueError(Messages.varianceDistribution(distribution));
    }
    super(config.seed);
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution;
    this.inputAxes = readAxes('VarianceScaling', 'input_axes', config.input_axes);
    this.outputAxes = readAxes('VarianceScaling', 'output_axes', config.output_axes);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const fan = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const s = this.scale / Math.max(1, fan);
    const n = sizeOf(shape);
    if (this.distribution === 'truncated_normal') {
      return sampleTruncatedNormal(this.rng(), n, 0, Math.sqrt(s) / TRUNCATED_STDDEV);
    }
    if (this.distribution === 'untruncated_normal') return sampleNormal(this.rng(), n, 0, Math.sqrt(s));
    const limit = Math.sqrt(3 * s);
    return sampleUniform(this.rng(), n, -limit, limit);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      input_axes: this.inputAxes,
      output_axes: this.outputAxes,
    };
  }

  override get className(): string {
    return 'VarianceScaling';
  }
}

/** Config of the fixed VarianceScaling presets (Glorot, He, LeCun). */
export interface PresetConfig {
  /** Integer seed; `null` draws one at construction. Default null. */
  seed?: number | null;
  /** Axes whose product is fan_in, overriding the shape heuristic. Default null. */
  input_axes?: AxisArg | null;
  /** Axes whose product is fan_out, overriding the shape heuristic. Default null. */
  output_axes?: AxisArg | null;
}

type Preset = { scale: number; mode: FanMode; distribution: Distribution };

/** A VarianceScaling with fixed scale/mode/distribution whose config is only seed and axes. */
abstract class VarianceScalingPreset extends VarianceScaling {
  protected constructor(className: string, preset: Preset, config: PresetConfig) {
    checkKwargs(className, config, ['seed', 'input_axes', 'output_axes']);
    super({ ...preset, seed: config.seed, input_axes: config.input_axes, output_axes: config.output_axes });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed, input_axes: this.inputAxes, output_axes: this.outputAxes };
  }
}

/** U(±√(6/(fan_in+fan_out))) — the Conv2D kernel default. Names: `GlorotUniform`, `glorot_uniform`. */
export class GlorotUniform extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('GlorotUniform', { scale: 1, mode: 'fan_avg', distribution: 'uniform' }, config);
  }

  override get className(): string {
    return 'GlorotUniform';
  }
}

/** Truncated N(0, √(2/(fan_in+fan_out))/0.8796…). Names: `GlorotNormal`, `glorot_normal`. */
export class GlorotNormal extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('GlorotNormal', { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' }, config);
  }

  override get className(): string {
    return 'GlorotNormal';
  }
}

/** Truncated N(0, √(2/fan_in)/0.8796…). Names: `HeNormal`, `he_normal`. */
export class HeNormal extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('HeNormal', { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }, config);
  }

  override get className(): string {
    return 'HeNormal';
  }
}

/** U(±√(6/fan_in)). Names: `HeUniform`, `he_uniform`. */
export class HeUniform extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('HeUniform', { scale: 2, mode: 'fan_in', distribution: 'uniform' }, config);
  }

  override get className(): string {
    return 'HeUniform';
  }
}

/** Truncated N(0, √(1/fan_in)/0.8796…). Names: `LecunNormal`, `lecun_normal`. */
export class LecunNormal extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('LecunNormal', { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }, config);
  }

  override get className(): string {
    return 'LecunNormal';
  }
}

/** U(±√(3/fan_in)). Names: `LecunUniform`, `lecun_uniform`. */
export class LecunUniform extends VarianceScalingPreset {
  constructor(config: PresetConfig = {}) {
    super('LecunUniform', { scale: 1, mode: 'fan_in', distribution: 'uniform' }, config);
  }

  override get className(): string {
    return 'LecunUniform';
  }
}
