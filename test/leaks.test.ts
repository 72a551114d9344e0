/**
 * Leaks (issue #5, item 7): memory stays flat over 100k small calls (apply, apply with { out },
 * applyAsync with and without AbortSignals, functional conv2d / conv2dAsync), over 1k layers
 * created and dropped, 1k layers whose weights are replaced again and again, and 100 worker
 * threads that load the addon, call it and exit (200 took 11-20 s here, most of it loading the
 * package's modules in each worker).
 *
 * Each scenario runs in its own child process (test/fixtures/leak-probe.js, against dist/), so
 * jest's own heap, module registry and the other tests' allocations stay out of the numbers. The
 * probe runs 10 % of the iterations as a warm-up, then the rest in two halves, and after each
 * stretch forces GC (four passes with a turn of the event loop between them, so Node-API
 * finalizers run) and samples process.memoryUsage(). A leak grows both halves alike; warm-up
 * effects (allocator arenas, V8 heap sizing, lazily compiled code) settle in the first.
 *
 * The child runs with --max-semi-space-size=1: V8 otherwise grows its young generation from 1 to
 * 16 MiB per semi-space as the allocation rate climbs, which showed up as 10-30 MiB of RSS in the
 * first half of the async scenarios (all of it heapTotal, none heapUsed); a small fixed young
 * generation keeps that out of the numbers and leaves the allocator's share, where a leak shows.
 *
 * Measured on the 2-core dev machine, 6-14 runs per scenario, mostly with other builds and tests
 * running alongside (growth after the warm-up in MiB, first half / second half):
 *   calls (90k; every call scenario)  RSS  -0.2 .. 2.2 / -0.3 .. 2.8   heapUsed <= 0.3   arrayBuffers 0
 *   layers (900)                      RSS   1.2 .. 4.0 /  2.1 .. 4.4   heapUsed <= 0.3   arrayBuffers 0
 *   setWeights (900 x 5 repacks)      RSS   8.5 .. 21.1 / -0.8 .. 3.5  heapUsed <= 0.3   arrayBuffers 0
 *   workers (90)                      RSS   0.3 .. 6.5 / -0.1 .. 1.8   heapUsed <= 0.3   arrayBuffers 0
 *   (6.5: one CI run on a fresh machine)
 * (12k layers: +2.7 MiB over the 5.4k after the warm-up, -1.8 over the next 5.4k: the layers'
 * second-half growth at 1k is the allocator settling, not a per-layer leak.)
 *
 * Bounds (CALLS, LAYERS, ... below), each about twice the worst noise measured or more:
 * - Calls: RSS may grow 12 MiB after the warm-up and 6 MiB in the second half (45k calls), so a
 *   native leak of 140 bytes a call fails both; the examples are far above that (the
 *   1,152-byte output or a copy of the 1 KiB input: ~50 MiB a half; a 1 KiB job struct: 44 MiB;
 *   a 256-byte one: 11 MiB; a napi reference that holds the output: the output). heapUsed may
 *   grow 2 MiB (24 bytes a call over 90k; a retained promise, closure or abort listener is
 *   several times that), arrayBuffers and external 1 MiB (one leaked output a call: 99 MiB).
 * - Layers carry a 3x3x32x64 kernel (72 KiB) and as much again packed natively, ~145 KiB a layer
 *   that outlives its use; 24 MiB after the warm-up and 12 MiB a half (900 / 450 layers) fail
 *   from 27 KiB a layer. setWeights: 48 MiB after the warm-up (its first half settles at up to
 *   21 MiB) and 12 MiB a half; leaking the replaced packed weights is ~160 MiB a half, keeping
 *   one packed set per layer 32 MiB a half.
 * - Workers: see WORKERS.
 * Checked by injecting leaks into the probe (then removed): keeping every output (apply: RSS +143
 * MiB, arrayBuffers +99), a 256- or 96-byte Buffer per applyAsync call (RSS second half +27 /
 * +20 MiB, heapUsed +17), an abort listener per call left on the shared signal (heapUsed +6.9
 * MiB), each conv2d result's shape array (heapUsed +7.7, RSS second half +5.8), each layer's
 * packed handle (layers: RSS +73 MiB; setWeights: +349), 200 KiB per worker (RSS +18.8,
 * second half +8.8): every one failed its test.
 *
 * After the async scenarios the compute queue must be empty (getStats(): 0 queued, 0 running),
 * with every call counted as completed or cancelled, none failed.
 *
 * Synchronous stretches: Node-API runs the finalizers of collected native handles (PackedWeights,
 * from packWeights()) from the event loop (SetImmediate), never during GC, for addons not built as
 * NAPI_EXPERIMENTAL with "pure" finalizers (nodejs/node#42651, node-addon-api#1140). functional
 * conv2d() packs the kernel on every call, and a Conv2D repacks when its weights change, so before
 * the handles were released explicitly (releasePackedWeights) a loop that never yielded held every
 * dropped handle's packed weights until it did: 50k tiny conv2d calls reached 318 MiB RSS where the
 * same loop yielding every 1000 calls stayed at 91 MiB. The last describe block checks the peak of
 * such a loop, with and without yielding.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const probe = path.join(__dirname, 'fixtures', 'leak-probe.js');

type Growth = { warmup: number; first: number; second: number };
interface ComputeStats {
  queued: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
}
interface ProbeResult {
  scenario: string;
  n: number;
  seconds: number[];
  rss: Growth;
  heapTotal: Growth;
  heapUsed: Growth;
  external: Growth;
  arrayBuffers: Growth;
  rssMiB: number[];
  peakRssMiB: number;
  counts: Record<string, number>;
  statsBefore: ComputeStats;
  statsAfter: ComputeStats;
}

interface Bounds {
  /** RSS growth after the warm-up (both halves), MiB. */
  rss: number;
  /** RSS growth over the second half alone, MiB. */
  rssSecondHalf: number;
  /** heapUsed growth after the warm-up, MiB. */
  heapUsed: number;
  /** arrayBuffers and external growth after the warm-up, MiB. */
  buffers: number;
}

const CALLS: Bounds = { rss: 12, rssSecondHalf: 6, heapUsed: 2, buffers: 1 };
const LAYERS: Bounds = { rss: 24, rssSecondHalf: 12, heapUsed: 2, buffers: 1 };
const SET_WEIGHTS: Bounds = { rss: 48, rssSecondHalf: 12, heapUsed: 2, buffers: 1 };
// 90 workers after the warm-up (45 a half). A worker whose isolate outlived it would cost MiBs;
// these bounds catch anything from 91 KiB a worker (4 MiB / 45), e.g. a worker's packed weights,
// outputs and addon instance data held past its exit (the second-half bound; a leak grows in both
// halves alike). Measured here: at most 2.5 MiB in the first half and 1.8 in the second; one CI
// run on a fresh machine grew 6.5 MiB in the first half (allocator arenas and thread stacks of the
// first workers still settling after the 10-worker warm-up) and 1.8 in the second, hence 16 total.
const WORKERS: Bounds = { rss: 16, rssSecondHalf: 4, heapUsed: 2, buffers: 1 };

function runProbe(scenario: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--max-semi-space-size=1', probe, scenario],
      { encoding: 'utf8', timeout: 170_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`leak-probe ${scenario} failed: ${err.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
          return;
        }
        if (stderr !== '') {
          reject(new Error(`leak-probe ${scenario} wrote to stderr:\n${stderr}\nstdout: ${stdout}`));
          return;
        }
        resolve(JSON.parse(stdout) as ProbeResult);
      },
    );
  });
}

/** What exceeds its bound, spelled out with the numbers; empty when everything holds. */
function violations(r: ProbeResult, b: Bounds): string[] {
  const out: string[] = [];
  const after = (g: Growth) => Math.round((g.first + g.second) * 100) / 100;
  if (after(r.rss) > b.rss) out.push(`RSS grew ${after(r.rss)} MiB after the warm-up (bound ${b.rss})`);
  if (r.rss.second > b.rssSecondHalf) out.push(`RSS grew ${r.rss.second} MiB in the second half (bound ${b.rssSecondHalf})`);
  if (after(r.heapUsed) > b.heapUsed) out.push(`heapUsed grew ${after(r.heapUsed)} MiB after the warm-up (bound ${b.heapUsed})`);
  if (after(r.arrayBuffers) > b.buffers) out.push(`arrayBuffers grew ${after(r.arrayBuffers)} MiB after the warm-up (bound ${b.buffers})`);
  if (after(r.external) > b.buffers) out.push(`external grew ${after(r.external)} MiB after the warm-up (bound ${b.buffers})`);
  return out;
}

async function expectFlat(scenario: string, bounds: Bounds): Promise<ProbeResult> {
  const r = await runProbe(scenario);
  const bad = violations(r, bounds);
  if (bad.length > 0) throw new Error(`${scenario}: ${bad.join('; ')}\n${JSON.stringify(r)}`);
  return r;
}

/** The queue is idle and counted every call that reached it; returns the stats' deltas. */
function expectQueueSettled(r: ProbeResult): ComputeStats {
  expect(r.statsAfter.queued).toBe(0);
  expect(r.statsAfter.running).toBe(0);
  const d = Object.fromEntries(
    Object.keys(r.statsAfter).map((k) => [k, r.statsAfter[k as keyof ComputeStats] - r.statsBefore[k as keyof ComputeStats]]),
  ) as unknown as ComputeStats;
  expect(d.failed).toBe(0);
  return d;
}

describe('memory stays flat (child processes, bounds in the header)', () => {
  test('100k apply calls, a new output each', async () => {
    await expectFlat('apply', CALLS);
  }, 120_000);

  test('100k apply calls with { out }', async () => {
    await expectFlat('applyOut', CALLS);
  }, 120_000);

  test('100k applyAsync calls, 64 in flight', async () => {
    const r = await expectFlat('applyAsync', CALLS);
    expect(r.counts).toEqual({ resolved: 100_000 });
    expect(expectQueueSettled(r)).toMatchObject({ completed: 100_000, cancelled: 0 });
  }, 120_000);

  test('100k applyAsync calls with AbortSignals, a quarter aborted once queued and a quarter before', async () => {
    const r = await expectFlat('applyAsyncAbort', CALLS);
    const c = r.counts;
    // No signal and never-aborted signals always complete; aborted-before always rejects.
    expect([c.resolved0, c.resolved1, c.aborted3, c.aborted0, c.aborted1, c.resolved3]).toEqual([25_000, 25_000, 25_000, undefined, undefined, undefined]);
    expect((c.resolved2 ?? 0) + (c.aborted2 ?? 0)).toBe(25_000);
    const d = expectQueueSettled(r);
    // Aborted-before calls never reach the queue; an abort after queueing cancels or is too late.
    expect(d.cancelled).toBe(c.aborted2 ?? 0);
    expect(d.completed).toBe(75_000 - (c.aborted2 ?? 0));
  }, 120_000);

  test('100k functional conv2d calls', async () => {
    await expectFlat('conv2d', CALLS);
  }, 120_000);

  test('100k functional conv2dAsync calls, 64 in flight', async () => {
    const r = await expectFlat('conv2dAsync', CALLS);
    expect(r.counts).toEqual({ resolved: 100_000 });
    expect(expectQueueSettled(r)).toMatchObject({ completed: 100_000, cancelled: 0 });
  }, 120_000);

  test('1k layers created, built by one apply, and dropped', async () => {
    await expectFlat('layers', LAYERS);
  }, 120_000);

  test('1k layers with their weights replaced (and repacked) 5 times each', async () => {
    await expectFlat('setWeights', SET_WEIGHTS);
  }, 120_000);

  test('100 worker threads that load the addon, call it and exit', async () => {
    const r = await expectFlat('workers', WORKERS);
    expect(r.counts).toEqual({ exited: 100 });
    expect(expectQueueSettled(r)).toMatchObject({ completed: 100, cancelled: 0 });
  }, 170_000);
});

describe('packed weights dropped in a synchronous loop are freed without the event loop', () => {
  // 2000 conv2d calls with a 3x3x32x64 kernel (~72 KiB packed each), in stretches of 200 / 900 /
  // 900 calls with a full GC every 100 calls, on one thread. Yielding every 100 calls, the peak
  // RSS stayed 11.8-15.1 MiB over the start (5 runs); without yielding, before the handles were
  // released at once, it reached 68.8-70.3 MiB: the 900 packed kernels of a stretch, collected
  // but not finalized. The bound is between.
  const PEAK_BOUND_MIB = 32;
  const peakGrowth = (r: ProbeResult) => Math.round((r.peakRssMiB - r.rssMiB[0]) * 100) / 100;

  test.each([
    ['yielding every 100 calls', 'conv2dBig'],
    ['never yielding', 'conv2dBigNoYield'],
  ])('%s, the peak stays low', async (_how, scenario) => {
    const r = await runProbe(scenario);
    expect(r.rssMiB).toHaveLength(4);
    if (peakGrowth(r) > PEAK_BOUND_MIB) throw new Error(`peak RSS grew ${peakGrowth(r)} MiB (bound ${PEAK_BOUND_MIB})\n${JSON.stringify(r)}`);
  }, 120_000);
});
