/**
 * Idle OpenMP workers must not keep burning CPU after a call: the CPU time a process uses over one
 * idle second right after a burst of calls, measured in a child process (so nothing else of jest's
 * runs in it) by bench/server.js's probe, for bursts of `apply` (the calling thread's OpenMP team)
 * and of `applyAsync` (the compute queue's team).
 *
 * With libgomp's default policy a worker spins briefly after each parallel region, then sleeps:
 * about 1-15 ms over the idle second on the 2-core CI machine. A spinning policy
 * (OMP_WAIT_POLICY=active) costs ~1000 ms; the bound, 100 ms (a tenth of one core), separates
 * the two with room for a loaded machine. The second test shows the probe does see spinning.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { info } from '../lib';

const root = path.join(__dirname, '..');

interface IdleResult {
  burstCalls: number;
  wallMs: number;
  cpuMs: number;
}

function measureIdle(env: Record<string, string | undefined>): Record<'apply' | 'applyAsync', IdleResult> {
  const script = `
    const { idleCpu } = require(${JSON.stringify(path.join(root, 'bench', 'server.js'))});
    const { Conv2D, tensor } = require(${JSON.stringify(root)});
    const conv = new Conv2D({ filters: 32, kernelSize: 3, padding: 'same' });
    const x = tensor(new Float32Array(28 * 28 * 32).fill(0.5), [1, 28, 28, 32]);
    (async () => {
      const out = {};
      for (const kind of ['apply', 'applyAsync']) out[kind] = await idleCpu(conv, x, { sync: kind === 'apply', burstMs: 500 });
      process.stdout.write(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`idle probe failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('an idle second after a burst of calls costs under 100 ms of CPU (default wait policy)', () => {
  const env = { OMP_WAIT_POLICY: undefined, GOMP_SPINCOUNT: undefined };
  const r = measureIdle(env);
  for (const kind of ['apply', 'applyAsync'] as const) {
    expect(r[kind].burstCalls).toBeGreaterThan(0);
    expect(r[kind].wallMs).toBeGreaterThanOrEqual(990);
    expect(r[kind].cpuMs).toBeLessThan(100);
  }
}, 60_000);

test('the probe sees spinning workers (OMP_WAIT_POLICY=active burns a core)', () => {
  const r = measureIdle({ OMP_WAIT_POLICY: 'active', GOMP_SPINCOUNT: undefined });
  const worst = Math.max(r.apply.cpuMs, r.applyAsync.cpuMs);
  // Without OpenMP there are no workers to spin, and the probe must read idle either way.
  if (info().openmp) expect(worst).toBeGreaterThan(300);
  else expect(worst).toBeLessThan(100);
}, 60_000);
