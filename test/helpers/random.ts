/**
 * A small seeded PRNG for test data, so every randomized case is reproducible from its seed.
 *
 * Generator: mulberry32 (32-bit state, period 2^32) — plenty for test data, tiny, and identical on
 * every platform because it only uses 32-bit integer arithmetic (Math.imul, >>>).
 * Every randomized test prints its seed and configuration when it fails; re-run one case with
 * `new Rng(seed)` and the same draws.
 */

export class Rng {
  private state: number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Standard normal (Box–Muller). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of n draws of `draw` (each rounded to float32 on store). */
  float32Array(n: number, draw: (r: Rng) => number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = draw(this);
    return out;
  }

  /** n standard-normal float32 values scaled by std. */
  normalArray(n: number, std = 1): Float32Array {
    return this.float32Array(n, (r) => r.normal(0, std));
  }

  /** n uniform float32 values in [lo, hi). */
  uniformArray(n: number, lo: number, hi: number): Float32Array {
    return this.float32Array(n, (r) => r.uniform(lo, hi));
  }
}

/** A deterministic per-case seed from a suite seed and a case index (so cases are independent). */
export function caseSeed(suiteSeed: number, index: number): number {
  // splitmix-style mixing of (suiteSeed, index) into 32 bits.
  let h = (suiteSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
