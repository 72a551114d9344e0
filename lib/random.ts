/**
 * The seedable random number generator behind every random initializer.
 *
 * Keras' random streams are backend-specific (JAX threefry, TF philox, torch mt19937), so no port
 * can match them bit for bit. Instead this generator is fully specified here, so that a seed gives
 * the same values on every platform and in every process, and anyone can reproduce them:
 *
 * 1. **Seed → splitmix32 state.** A seed is a safe integer (negative allowed). Let
 *    `lo = seed mod 2^32` and `hi = floor(seed / 2^32) mod 2^32` (both as unsigned 32-bit values).
 *    The splitmix32 state starts at `lo XOR (hi * 0x9E3779B9 mod 2^32)`; for seeds in `[0, 2^32)`
 *    that is just the seed.
 * 2. **splitmix32 step** (a Weyl sequence through the murmur3 `fmix32` finalizer):
 *    `state += 0x9E3779B9; z = state; z = (z ^ z>>>16) * 0x85EBCA6B; z = (z ^ z>>>13) * 0xC2B2AE35;
 *    return z ^ z>>>16` (all mod 2^32). Four steps give the xoshiro128** state `s0, s1, s2, s3`
 *    (if all four are zero, which no 32-bit seed produces, `s0 = 1`).
 * 3. **xoshiro128\*\*** (Blackman & Vigna 2018) gives 32-bit words:
 *    `r = rotl(s1 * 5, 7) * 9; t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
 *    s3 = rotl(s3, 11); return r`.
 * 4. **uniform()** takes two words `a`, `b` and returns `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`,
 *    a float64 in `[0, 1)` with 53 random bits.
 * 5. **normal()** is Box–Muller on two uniforms `u1`, `u2`: `r = sqrt(-2 ln(1 - u1))`,
 *    `θ = 2π u2`; it returns `r cos θ` and keeps `r sin θ` for the next call (so normals come in
 *    pairs; `uniform()` does not disturb a kept value).
 *
 * All of this is float64 math; callers round to float32 only when they store the final values.
 */

import { randomInt } from 'node:crypto';

import { invalidArgument } from './errors';

const GOLDEN = 0x9e3779b9;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The splitmix32 starting state for a seed (step 1 of the file header). */
function initialState(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return (lo ^ Math.imul(hi, GOLDEN)) >>> 0;
}

/** A deterministic generator of uniform and normal float64 values (see the file header). */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  /** @param seed a safe integer; the same seed always gives the same sequence. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw invalidArgument('seed', 'a safe integer', seed);
    }
    let state = initialState(seed);
    const next = (): number => {
      state = (state + GOLDEN) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next raw 32-bit word (unsigned) of xoshiro128**. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float64 uniform on `[0, 1)` with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A float64 standard normal (mean 0, standard deviation 1), by Box–Muller. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/**
 * A fresh unpredictable seed in `[0, 2^32)`, from the operating system's CSPRNG. Used once, when an
 * initializer is built with `seed: null`, so that object still gives the same values on every call.
 */
export function randomSeed(): number {
  return randomInt(0, 4294967296);
}
