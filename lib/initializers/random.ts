/**
 * RandomNormal, RandomUniform and TruncatedNormal (keras/src/initializers/random_initializers.py).
 */

import { checkKwargs, numberArg } from '../keras-object';
import { sizeOf } from '../tensor';
import { checkShape } from './initializer';
import { RandomInitializer, sampleNormal, sampleTruncatedNormal, sampleUniform } from './random-initializer';

/** Config of {@link RandomNormal} and {@link TruncatedNormal}. */
export interface NormalConfig {
  /** Mean of the distribution. Default 0. */
  mean?: number;
  /** Standard deviation (before truncation, for TruncatedNormal). Default 0.05. */
  stddev?: number;
  /** Integer seed; `null` draws one at construction. Default null. */
  seed?: number | null;
}

/** Samples from N(mean, stddev²). Names: `RandomNormal`, `random_normal`, `normal`. */
export class RandomNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(config: NormalConfig = {}) {
    checkKwargs('RandomNormal', config, ['mean', 'stddev', 'seed']);
    super(config.seed);
    this.mean = numberArg('RandomNormal', 'mean', config.mean ?? 0);
    this.stddev = numberArg('RandomNormal', 'stddev', config.stddev ?? 0.05);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return sampleNormal(this.rng(), sizeOf(shape), this.mean, this.stddev);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }

  override get className(): string {
    return 'RandomNormal';
  }
}

/**
 * Samples from N(mean, stddev²), redrawing values more than two standard deviations from the mean.
 * Names: `TruncatedNormal`, `truncated_normal`.
 */
export class TruncatedNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(config: NormalConfig = {}) {
    checkKwargs('TruncatedNormal', config, ['mean', 'stddev', 'seed']);
    super(config.seed);
    this.mean = numberArg('TruncatedNormal', 'mean', config.mean ?? 0);
    this.stddev = numberArg('TruncatedNormal', 'stddev', config.stddev ?? 0.05);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return sampleTruncatedNormal(this.rng(), sizeOf(shape), this.mean, this.stddev);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }

  override get className(): string {
    return 'TruncatedNormal';
  }
}

/** Config of {@link RandomUniform}. */
export interface UniformConfig {
  /** Lower bound (inclusive). Default -0.05. */
  minval?: number;
  /** Upper bound (exclusive). Default 0.05. */
  maxval?: number;
  /** Integer seed; `null` draws one at construction. Default null. */
  seed?: number | null;
}

/** Samples from U[minval, maxval). Names: `RandomUniform`, `random_uniform`, `uniform`. */
export class RandomUniform extends RandomInitializer {
  readonly minval: number;
  readonly maxval: number;

  constructor(config: UniformConfig = {}) {
    checkKwargs('RandomUniform', config, ['minval', 'maxval', 'seed']);
    super(config.seed);
    this.minval = numberArg('RandomUniform', 'minval', config.minval ?? -0.05);
    this.maxval = numberArg('RandomUniform', 'maxval', config.maxval ?? 0.05);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return sampleUniform(this.rng(), sizeOf(shape), this.minval, this.maxval);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }

  override get className(): string {
    return 'RandomUniform';
  }
}
