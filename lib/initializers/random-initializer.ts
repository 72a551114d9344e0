/**
 * Seed handling shared by every random initializer, and the three sampling loops they use.
 *
 * As in Keras, an initializer object gives the same values on every call: an integer seed is used
 * as is, and `seed: null` draws one fresh seed when the object is built. Each call restarts the
 * generator of lib/random.ts from that seed.
 */

import { Messages, ValueError } from '../errors';
import { randomSeed, SeededRandom } from '../random';
import { Initializer } from './initializer';

/** Validates a `seed` argument: `null`/`undefined` or a safe integer (Keras' ValueError otherwise). */
export function readSeed(seed: unknown): number | null {
  if (seed === null || seed === undefined) return null;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new ValueError(Messages.seed(seed));
  return seed;
}

/** Base of the random initializers: the seed and the generator it gives. */
export abstract class RandomInitializer extends Initializer {
  /** The seed as given (`null` when none was), reported by `getConfig()`. */
  readonly seed: number | null;
  /** The seed actually used: the given one, or one drawn once at construction. */
  private readonly effectiveSeed: number;

  protected constructor(seed: unknown) {
    super();
    this.seed = readSeed(seed);
    this.effectiveSeed = this.seed ?? randomSeed();
  }

  /** A generator restarted from this object's seed, so every call draws the same values. */
  protected rng(): SeededRandom {
    return new SeededRandom(this.effectiveSeed);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** The largest float32 strictly below `x` (x a positive or negative finite float32). */
function float32Below(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  if (x > 0) bits[0] -= 1;
  else if (x < 0) bits[0] += 1;
  else bits[0] = -2147483647; // below ±0: the negative smallest subnormal
  return f[0];
}

/** Uniform values on `[minval, maxval)`, kept strictly below `maxval` after float32 rounding. */
export function sampleUniform(rng: SeededRandom, n: number, minval: number, maxval: number): Float32Array {
  const out = new Float32Array(n);
  const top = Math.fround(maxval);
  for (let i = 0; i < n; i++) {
    out[i] = minval + (maxval - minval) * rng.uniform();
    // Rounding to float32 can land on maxval itself; Keras' range excludes it.
    if (out[i] >= top && top > Math.fround(minval)) out[i] = float32Below(top);
  }
  return out;
}

/** Normal values with the given mean and standard deviation. */
export function sampleNormal(rng: SeededRandom, n: number, mean: number, stddev: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + stddev * rng.normal();
  return out;
}

/** Normal values redrawn until within two standard deviations of the mean (Keras' truncated normal). */
export function sampleTruncatedNormal(rng: SeededRandom, n: number, mean: number, stddev: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    out[i] = mean + stddev * z;
  }
  return out;
}
