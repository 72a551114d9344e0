/**
 * Who owns which memory while an asynchronous call waits or runs (README "Memory ownership"):
 *
 * - `applyAsync` / `conv2dAsync` copy an input on an ArrayBuffer when called: the call computes on
 *   the input as it was then, and transferring or detaching it afterwards (its memory may then be
 *   freed) cannot reach the job. An input on a SharedArrayBuffer, which cannot be detached, is read
 *   in place when the job runs.
 * - A caller's `out` on an ArrayBuffer is written when the job ends, on the calling thread; if it
 *   was detached meanwhile the call rejects with a TypeError naming it and writes nothing. An `out`
 *   on a SharedArrayBuffer is written in place by the job.
 * - The synchronous calls read and write in place: no JavaScript runs while they do.
 *
 * Transfers use structuredClone / postMessage with a transfer list (Node 20 has no
 * ArrayBuffer.prototype.transfer); the moved buffer is dropped and garbage-collected so its memory is
 * really freed, and refilled with other data, while the job still waits behind ~10 GFLOP of calls
 * (each test checks that it did: on an idle machine 3.6 GFLOP was once not enough).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Conv2D, conv2d, conv2dAsync, tensor, type Tensor } from '../lib';
import { Rng } from './helpers/random';
import { heavy } from './helpers/queue-blockers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: undefined) => void;

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

// Inputs of 4 MiB: big enough that the allocator returns their memory to the system when freed.
const SHAPE = [1, 64, 64, 256];
const SIZE = SHAPE.reduce((a, b) => a * b, 1);

function layerAndData(seed: number): { layer: Conv2D; values: Float32Array } {
  const rng = new Rng(seed);
  const layer = new Conv2D({ filters: 16, kernelSize: 3, padding: 'same' });
  layer.build(SHAPE);
  layer.setWeights([tensor(rng.normalArray(3 * 3 * 256 * 16), [3, 3, 256, 16]), tensor(rng.normalArray(16), [16])]);
  return { layer, values: rng.normalArray(SIZE) };
}

function onShared(values: Float32Array): Float32Array {
  const a = new Float32Array(new SharedArrayBuffer(values.byteLength));
  a.set(values);
  return a;
}

// Collects the moved buffer (a minor GC: it is young, and a full GC of jest's heap takes longer
// than the calls queued ahead) and fills the heap with other data, so a job still reading that
// memory would read NaNs. Returns whether `pending` was still unsettled afterwards, which is what
// makes the check meaningful.
async function freeAndReuse(pending: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void pending.then(() => { settled = true; }, () => { settled = true; });
  gc({ type: 'minor' } as unknown as undefined);
  await new Promise((resolve) => setTimeout(resolve, 1));
  junk = Array.from({ length: 4 }, () => new Float32Array(SIZE).fill(Number.NaN));
  return !settled;
}
let junk: Float32Array[] = [];

describe('applyAsync input on an ArrayBuffer: copied when called', () => {
  test('writing the input after the call does not change the result', async () => {
    const { layer, values } = layerAndData(1);
    const x = tensor(values.slice(), SHAPE);
    const expected = layer.apply(x).data;
    const blockers = heavy(2);
    const pending = layer.applyAsync(x);
    x.data.fill(3);
    const y = await pending;
    await Promise.all(blockers);
    expect(sameBits(y.data, expected)).toBe(true);
  });

  test.each([
    ['structuredClone with a transfer list', (b: ArrayBuffer) => structuredClone(b, { transfer: [b] })],
    ['postMessage with a transfer list', (b: ArrayBuffer) => {
      const { port1, port2 } = new MessageChannel();
      port1.postMessage(b, [b]);
      port1.close();
      port2.close();
    }],
  ])('transferring the input (%s) while the call is queued, then freeing it', async (_how, transfer) => {
    const { layer, values } = layerAndData(2);
    const expected = layer.apply(tensor(values, SHAPE)).data;
    const blockers = heavy(8);
    const x = tensor(values.slice(), SHAPE);
    const pending = layer.applyAsync(x);
    transfer(x.data.buffer as ArrayBuffer);
    expect(x.data.length).toBe(0); // detached
    expect(await freeAndReuse(pending)).toBe(true);
    const y = await pending;
    await Promise.all(blockers);
    expect(sameBits(y.data, expected)).toBe(true);
  });

  test('conv2dAsync: the same for the functional call', async () => {
    const { layer, values } = layerAndData(3);
    const [kernel, bias] = layer.getWeights();
    const expected = conv2d(tensor(values, SHAPE), kernel, bias, { padding: 'same' }).data;
    const blockers = heavy(8);
    const x = tensor(values.slice(), SHAPE);
    const pending = conv2dAsync(x, kernel, bias, { padding: 'same' });
    structuredClone(x.data.buffer, { transfer: [x.data.buffer as ArrayBuffer] });
    expect(await freeAndReuse(pending)).toBe(true);
    const y = await pending;
    await Promise.all(blockers);
    expect(sameBits(y.data, expected)).toBe(true);
  });
});

describe('a caller\'s out on an ArrayBuffer: written when the job ends', () => {
  test('detaching out while the call is queued rejects with a TypeError naming out; other calls are unaffected', async () => {
    const { layer, values } = layerAndData(4);
    const x = tensor(values, SHAPE);
    const expected = layer.apply(x).data;
    const blockers = heavy(8);
    const out = new Float32Array(expected.length);
    // The rejection is taken at once: it may come while the heap is being refilled below.
    const doomed = layer.applyAsync(x, { out }).then(() => null, (e: unknown) => e);
    const fine = layer.applyAsync(x);
    const moved = structuredClone(out.buffer, { transfer: [out.buffer] });
    expect(await freeAndReuse(doomed)).toBe(true);
    expect(await doomed).toEqual(new TypeError(
      'out: its ArrayBuffer was detached (transferred) while the call was queued or running; the result was not written'));
    expect(sameBits((await fine).data, expected)).toBe(true);
    expect(new Float32Array(moved).every((v) => v === 0)).toBe(true); // nothing written into the moved memory
    await Promise.all(blockers);
  });

  test('conv2dAsync names options.out', async () => {
    const { layer, values } = layerAndData(5);
    const [kernel, bias] = layer.getWeights();
    const x = tensor(values, SHAPE);
    const blockers = heavy(2);
    const out = new Float32Array(SIZE / 16);
    const doomed = conv2dAsync(x, kernel, bias, { padding: 'same', out });
    structuredClone(out.buffer, { transfer: [out.buffer] });
    await expect(doomed).rejects.toThrow(/^options\.out: its ArrayBuffer was detached/);
    await Promise.all(blockers);
  });

  test('the same for an activation applied after the kernel (softmax), with a Tensor out', async () => {
    const layer = new Conv2D({ filters: 4, kernelSize: 1, activation: 'softmax' });
    const x = tensor(new Rng(9).normalArray(2 * 8 * 8 * 3), [2, 8, 8, 3]);
    const blockers = heavy(2);
    const out = tensor(new Float32Array(2 * 8 * 8 * 4), [2, 8, 8, 4]);
    const doomed = layer.applyAsync(x, { out }).then(() => null, (e: unknown) => e);
    structuredClone(out.data.buffer, { transfer: [out.data.buffer as ArrayBuffer] });
    expect(await doomed).toEqual(new TypeError(
      'out: its ArrayBuffer was detached (transferred) while the call was queued or running; the result was not written'));
    await Promise.all(blockers);
  });

  test('an out left alone receives the result, and is what the call returns', async () => {
    const { layer, values } = layerAndData(6);
    const x = tensor(values, SHAPE);
    const expected = layer.apply(x).data;
    const out = tensor(new Float32Array(expected.length), [1, 64, 64, 16]);
    const y = await layer.applyAsync(x, { out });
    expect(y).toBe(out);
    expect(sameBits(out.data, expected)).toBe(true);
  });
});

describe('SharedArrayBuffer: read and written in place', () => {
  test('input and out on SharedArrayBuffers: the bits of apply, written into out itself', async () => {
    const { layer, values } = layerAndData(7);
    const expected = layer.apply(tensor(values, SHAPE)).data;
    const x = tensor(onShared(values), SHAPE);
    const out = onShared(new Float32Array(expected.length));
    const results: Tensor[] = await Promise.all([layer.applyAsync(x, { out }), layer.applyAsync(x)]);
    expect(results[0].data).toBe(out);
    for (const y of results) expect(sameBits(y.data, expected)).toBe(true);
    expect(sameBits(layer.apply(x).data, expected)).toBe(true);
  });

  test('a SharedArrayBuffer cannot be detached: transferring it throws and the call completes', async () => {
    const { layer, values } = layerAndData(8);
    const expected = layer.apply(tensor(values, SHAPE)).data;
    const x = tensor(onShared(values), SHAPE);
    const pending = layer.applyAsync(x);
    expect(() => structuredClone(x.data.buffer, { transfer: [x.data.buffer as unknown as ArrayBuffer] })).toThrow();
    expect(sameBits((await pending).data, expected)).toBe(true);
  });
});
