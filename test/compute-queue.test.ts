/**
 * The process-wide compute queue behind applyAsync / conv2dAsync (lib/compute-queue.ts,
 * native/addon/compute_queue.cc): many concurrent calls give the bits of the synchronous call,
 * getStats() reports the queue, an AbortSignal cancels a call that has not started (and only
 * that one), bad signals are refused, and worker threads share the queue, including workers that
 * exit with calls still queued.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { Conv2D, conv2dAsync, getStats, tensor, type Tensor } from '../lib';
import { Rng } from './helpers/random';
import { heavy } from './helpers/queue-blockers';

function bigLayer(seed: number): { layer: Conv2D; x: Tensor } {
  const rng = new Rng(seed);
  const layer = new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' });
  layer.build([1, 40, 40, 32]);
  layer.setWeights([tensor(rng.normalArray(3 * 3 * 32 * 64), [3, 3, 32, 64]), tensor(rng.normalArray(64), [64])]);
  return { layer, x: tensor(rng.normalArray(40 * 40 * 32), [1, 40, 40, 32]) };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('compute queue', () => {
  test('16 concurrent calls: the bits of apply, the queue seen busy, then empty', async () => {
    const { layer, x } = bigLayer(1);
    const expected = layer.apply(x).data;
    const before = getStats();
    const calls = Array.from({ length: 16 }, () => layer.applyAsync(x));
    const during = getStats();
    expect(during.queued + during.running).toBeGreaterThan(0);
    const results = await Promise.all(calls);
    for (const y of results) expect(sameBits(y.data, expected)).toBe(true);
    const after = getStats();
    expect(after.queued).toBe(0);
    expect(after.running).toBe(0);
    expect(after.completed - before.completed).toBe(16);
  });

  test('an abort before the call starts cancels it alone; an abort after it ran changes nothing', async () => {
    const { layer, x } = bigLayer(2);
    const expected = layer.apply(x).data;
    const before = getStats();
    const controller = new AbortController();
    const out = new Float32Array(expected.length).fill(7);
    const blockers = heavy(4);
    const others = Array.from({ length: 6 }, () => layer.applyAsync(x));
    const last = layer.applyAsync(x, { out, signal: controller.signal });
    controller.abort();
    await expect(last).rejects.toMatchObject({ name: 'AbortError' });
    for (const y of await Promise.all(others)) expect(sameBits(y.data, expected)).toBe(true);
    await Promise.all(blockers);
    expect(out.every((v) => v === 7)).toBe(true); // never written
    const after = getStats();
    expect(after.cancelled - before.cancelled).toBe(1);
    expect(after.completed - before.completed).toBe(10);

    const late = new AbortController();
    const y = await layer.applyAsync(x, { signal: late.signal });
    late.abort();
    expect(sameBits(y.data, expected)).toBe(true);
  });

  test('an aborted signal rejects at once with its reason, without queueing', async () => {
    const { layer, x } = bigLayer(3);
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    const before = getStats();
    await expect(layer.applyAsync(x, { signal: controller.signal })).rejects.toBe(reason);
    await expect(conv2dAsync(x, layer.kernel, layer.bias, { padding: 'same', signal: controller.signal })).rejects.toBe(reason);
    expect(() => layer.apply(x, { signal: controller.signal })).toThrow(reason);
    expect(getStats().completed).toBe(before.completed);
  });

  test('functional conv2dAsync takes a signal too', async () => {
    const { layer, x } = bigLayer(4);
    const controller = new AbortController();
    const blockers = heavy(4);
    const call = conv2dAsync(x, layer.kernel, layer.bias, { padding: 'same', signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await Promise.all(blockers);
  });

  test('a signal that is not an AbortSignal is refused by name', () => {
    const { layer, x } = bigLayer(5);
    expect(() => layer.apply(x, { signal: {} as AbortSignal })).toThrow(/options\.signal: expected an AbortSignal or undefined/);
    return expect(layer.applyAsync(x, { signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(/options\.signal/);
  });

  test('worker threads share the queue; a worker that exits with calls queued leaves it working', async () => {
    const dist = path.join(__dirname, '..', 'dist');
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { Conv2D, tensor } = require(workerData.dist);
      const layer = new Conv2D({ filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 5 } } });
      const x = tensor(Float32Array.from({ length: 24 * 24 * 8 }, (_, i) => (i % 13) / 13), [1, 24, 24, 8]);
      const expected = layer.apply(x).data;
      const calls = Array.from({ length: 8 }, () => layer.applyAsync(x));
      if (workerData.exitEarly) process.exit(0);
      Promise.all(calls).then((ys) => {
        const ok = ys.every((y) => Buffer.from(y.data.buffer).equals(Buffer.from(expected.buffer)));
        parentPort.postMessage(ok);
      });`;
    const run = (exitEarly: boolean) =>
      new Promise<{ ok: boolean | null; code: number }>((resolve, reject) => {
        const w = new Worker(source, { eval: true, workerData: { dist, exitEarly } });
        let ok: boolean | null = null;
        w.on('message', (m: boolean) => (ok = m));
        w.on('error', reject);
        w.on('exit', (code) => resolve({ ok, code }));
      });
    const { layer, x } = bigLayer(6);
    const expected = layer.apply(x).data;
    const [a, b, quitter, mine] = await Promise.all([run(false), run(false), run(true), layer.applyAsync(x)]);
    expect(a).toEqual({ ok: true, code: 0 });
    expect(b).toEqual({ ok: true, code: 0 });
    expect(quitter.code).toBe(0);
    expect(sameBits(mine.data, expected)).toBe(true);
    // The queue still serves calls after the worker went away mid-queue.
    expect(sameBits((await layer.applyAsync(x)).data, expected)).toBe(true);
    const s = getStats();
    expect(s.queued).toBe(0);
    expect(s.running).toBe(0);
  });

  test('workers that exit, throw or are terminated with calls in the queue never crash the process', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'worker-exit-stress.js'), '8'], {
      encoding: 'utf8',
      timeout: 60000,
    });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    const stats = JSON.parse(r.stdout) as { queued: number; running: number; completed: number; cancelled: number };
    expect(stats.queued).toBe(0);
    expect(stats.running).toBe(0);
    expect(stats.completed).toBeGreaterThanOrEqual(8 * 5); // the main thread's calls, at least
  });
});
