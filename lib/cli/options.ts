/**
 * Parsers for option values. They throw commander's InvalidArgumentError, which commander reports as
 * "option '--threads <n>' argument 'x' is invalid. <why>" and the CLI turns into a usage error.
 */
import { InvalidArgumentError } from 'commander';

/** An integer in [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

export const positiveInteger = integerIn(1, Number.MAX_SAFE_INTEGER);

/** The thread counts setNumThreads accepts from the CLI (the native side refuses more than 1024). */
export const threadCount = integerIn(1, 1024);

/** A random seed; one below the largest safe integer, since the bias initializer gets seed + 1. */
export const seedValue = integerIn(0, Number.MAX_SAFE_INTEGER - 1);

/** A comma-separated list of thread counts: `1,2`. */
export function threadCountList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError('expected thread counts separated by commas, such as 1,2');
  return parts.map((s) => threadCount(s));
}

/** A comma-separated list of names: `L1,L3`. */
export function nameList(value: string): string[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new InvalidArgumentError('expected names separated by commas, such as L1,L3');
  return parts;
}
