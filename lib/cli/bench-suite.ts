/**
 * The benchmark suite's layers. A checkout has bench/suite.json; the published package ships a copy
 * as data/bench-suite.json (test/cli.test.ts checks the two agree).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CliMessages, UsageError } from '../errors';
import { PACKAGE_ROOT } from './package-root';

export interface SuiteLayer {
  id: string;
  name: string;
  N: number;
  H: number;
  W: number;
  Cin: number;
  Cout: number;
  Kh: number;
  Kw: number;
  stride: number;
  padding: 'valid' | 'same';
  dilation: number;
  groups: number;
  Ho: number;
  Wo: number;
  /** 2 * N * Ho * Wo * Cout * Kh * Kw * Cin / groups. */
  flops: number;
}

export const SHIPPED_SUITE = path.join(PACKAGE_ROOT, 'data', 'bench-suite.json');
export const CHECKOUT_SUITE = path.join(PACKAGE_ROOT, 'bench', 'suite.json');

export function loadSuiteLayers(file: string = fs.existsSync(CHECKOUT_SUITE) ? CHECKOUT_SUITE : SHIPPED_SUITE): SuiteLayer[] {
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { layers: SuiteLayer[] }).layers;
}

/** The layers named by --layers, in suite order (all when none are named); unknown ids are a usage error. */
export function selectSuiteLayers(layers: readonly SuiteLayer[], ids: readonly string[] | undefined): SuiteLayer[] {
  if (!ids) return [...layers];
  const known = layers.map((l) => l.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new UsageError(CliMessages.unknownLayers(unknown, known));
  return layers.filter((l) => ids.includes(l.id));
}

/**
 * The suite's deterministic data (its "data" field): value(i, seed) = (u32(i * 2654435761 + seed)
 * >>> 8) / 2^24 * 2 - 1. Math.imul keeps the product exact modulo 2^32.
 */
export function suiteValue(i: number, seed: number): number {
  const u = (Math.imul(i, 2654435761 | 0) + seed) >>> 0;
  return ((u >>> 8) / 16777216) * 2 - 1;
}

/** The NHWC input (seed 1). */
export function suiteInput(l: SuiteLayer): Float32Array {
  return Float32Array.from({ length: l.N * l.H * l.W * l.Cin }, (_, i) => suiteValue(i, 1));
}

/** The (Kh, Kw, Cin / groups, Cout) kernel (seed 2), scaled by 1 / sqrt(fan-in) so outputs stay O(1). */
export function suiteKernel(l: SuiteLayer): Float32Array {
  const fanIn = l.Kh * l.Kw * (l.Cin / l.groups);
  const scale = 1 / Math.sqrt(fanIn);
  return Float32Array.from({ length: fanIn * l.Cout }, (_, i) => suiteValue(i, 2) * scale);
}
