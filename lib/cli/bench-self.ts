/**
 * The self-contained benchmark (`simd-conv2d bench` in an installed package, or with --self): this
 * package alone over the suite's layers. Per layer and thread count: warm up, then the median of
 * repeated calls. Calls write into one reused output array (`{ out }`), like the checkout
 * benchmark's `ours (out=)` column, so the figure is the convolution, not the allocator.
 */
import { Conv2D } from '../conv2d';
import { setNumThreads } from '../runtime';
import { Tensor } from '../tensor';
import { startProgress } from './progress-bar';
import { suiteInput, suiteKernel, type SuiteLayer } from './bench-suite';
import { formatNumber } from './throughput';

interface TimingProfile {
  /** Warm-up: at least this many calls and this long (lazy allocation, packing, thread start-up). */
  warmupCalls: number;
  warmupS: number;
  /** Timed calls: enough to fill about targetS, within [minRuns, maxRuns]. */
  targetS: number;
  minRuns: number;
  maxRuns: number;
}

export const TIMING_PROFILES: Record<'full' | 'quick', TimingProfile> = {
  full: { warmupCalls: 3, warmupS: 0.1, targetS: 0.3, minRuns: 5, maxRuns: 2000 },
  quick: { warmupCalls: 1, warmupS: 0.01, targetS: 0.04, minRuns: 3, maxRuns: 200 },
};

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Median milliseconds of `fn`. The median, not the mean: on a shared machine single calls get
 * preempted, and a few of those would drag a mean far off.
 */
export function medianCallMs(fn: () => void, p: TimingProfile): { ms: number; runs: number } {
  let calls = 0;
  const w0 = nowMs();
  // A slow layer (scalar kernels) stops warming up early rather than repeat itself for seconds.
  while ((calls < p.warmupCalls || nowMs() - w0 < p.warmupS * 1000) && !(calls > 0 && nowMs() - w0 > 4000 * p.targetS)) {
    fn();
    calls++;
  }
  const perCallMs = (nowMs() - w0) / calls;
  const runs = Math.max(p.minRuns, Math.min(p.maxRuns, Math.round((p.targetS * 1000) / Math.max(perCallMs, 1e-3))));
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = nowMs();
    fn();
    samples.push(nowMs() - t0);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const ms = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { ms, runs };
}

export interface BenchRow {
  layer: SuiteLayer;
  threads: number;
  ms: number;
  gflops: number;
  runs: number;
}

function suiteConv2D(l: SuiteLayer): { layer: Conv2D; input: Tensor; out: Float32Array } {
  const layer = new Conv2D({
    filters: l.Cout,
    kernelSize: [l.Kh, l.Kw],
    strides: l.stride,
    padding: l.padding,
    dilationRate: l.dilation,
    groups: l.groups,
    dataFormat: 'channels_last',
    useBias: false,
  });
  layer.build([null, l.H, l.W, l.Cin]);
  layer.setWeights([new Tensor(suiteKernel(l), [l.Kh, l.Kw, l.Cin / l.groups, l.Cout])]);
  return { layer, input: new Tensor(suiteInput(l), [l.N, l.H, l.W, l.Cin]), out: new Float32Array(l.N * l.Ho * l.Wo * l.Cout) };
}

export async function runSelfBench(layers: readonly SuiteLayer[], threads: readonly number[], quick: boolean): Promise<BenchRow[]> {
  const profile = TIMING_PROFILES[quick ? 'quick' : 'full'];
  const progress = startProgress(layers.length * threads.length, 'cells');
  const rows: BenchRow[] = [];
  try {
    for (const l of layers) {
      const { layer, input, out } = suiteConv2D(l);
      for (const t of threads) {
        setNumThreads(t);
        const { ms, runs } = medianCallMs(() => layer.apply(input, { out }), profile);
        rows.push({ layer: l, threads: t, ms, gflops: l.flops / (ms * 1e6), runs });
        progress.tick(`${l.id} @ ${t} thread${t === 1 ? '' : 's'}`);
        // Let the bar's timer redraw between the synchronous measurements.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    progress.stop();
  }
  return rows;
}

const HEADER = ['layer', 'name', 'threads', 'ms (median)', 'GFLOP/s', 'calls'];

function cells(r: BenchRow): string[] {
  return [r.layer.id, r.layer.name, String(r.threads), formatNumber(r.ms), formatNumber(r.gflops), String(r.runs)];
}

/** The results as an aligned plain-text table. */
export function benchTable(rows: readonly BenchRow[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((v, c) => (c >= 2 ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** The results as a markdown table (for --out). */
export function benchMarkdown(rows: readonly BenchRow[], title: string): string {
  const line = (v: readonly string[]) => `| ${v.join(' | ')} |`;
  return [`# ${title}`, '', line(HEADER), line(HEADER.map((_, c) => (c >= 2 ? '---:' : '---'))), ...rows.map((r) => line(cells(r))), ''].join('\n');
}

export const PEERS_NOTE =
  'Peers (ONNX Runtime, TensorFlow.js, oneDNN) are timed only from a checkout of the repository: npm run bench';
