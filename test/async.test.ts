/**
 * applyAsync / conv2dAsync: the same bits as the synchronous calls (they run the same kernel on a
 * worker thread), correct results under many concurrent calls, and the same errors as rejections.
 */
import { Conv2D, conv2d, conv2dAsync, tensor, ValueError, setNumThreads, getNumThreads, type Tensor } from '../lib';
import { Rng } from './helpers/random';
import { referenceConv2d, assertWithinBound } from './helpers/reference';
import { makeCaseLayer, expectSameBits, type LayerCase } from './helpers/layer-cases';

type Cfg = LayerCase;

const CONFIGS: Cfg[] = [
  { name: 'NHWC 3x3 same relu', dataFormat: 'channels_last', xShape: [2, 9, 7, 4], filters: 8, kernelSize: [3, 3], padding: 'same', groups: 1, activation: 'relu', useBias: true },
  { name: 'NCHW 2x3 stride (2,1) valid tanh', dataFormat: 'channels_first', xShape: [1, 6, 8, 10], filters: 4, kernelSize: [2, 3], strides: [2, 1], padding: 'valid', groups: 2, activation: 'tanh', useBias: false },
  { name: 'NHWC depthwise dilated softmax', dataFormat: 'channels_last', xShape: [3, 10, 10, 5], filters: 10, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same', groups: 5, activation: 'softmax', useBias: true },
  { name: 'NCHW 1x1 gelu', dataFormat: 'channels_first', xShape: [2, 12, 5, 5], filters: 6, kernelSize: [1, 1], padding: 'valid', groups: 3, activation: 'gelu', useBias: true },
  // large enough that a threaded kernel splits the work
  { name: 'NHWC 3x3 big', dataFormat: 'channels_last', xShape: [2, 32, 32, 16], filters: 32, kernelSize: [3, 3], padding: 'same', groups: 1, activation: null, useBias: true },
  { name: 'NCHW 5x5 big stride 2', dataFormat: 'channels_first', xShape: [1, 24, 30, 30], filters: 16, kernelSize: [5, 5], strides: [2, 2], padding: 'same', groups: 1, activation: 'silu', useBias: true },
];

const makeLayer = makeCaseLayer;

function input(c: Cfg, rng: Rng) {
  return { data: rng.normalArray(c.xShape.reduce((a, b) => a * b, 1)), shape: c.xShape };
}

describe('applyAsync gives the bits of apply', () => {
  test.each(CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', async (label, c, i) => {
    const { layer, kernel, bias } = makeLayer(c, 1000 + i);
    const x = input(c, new Rng(2000 + i));
    const ySync = layer.apply(x);
    const yAsync = await layer.applyAsync(x);
    expectSameBits(yAsync, ySync, label);
    // and both are right
    const r = referenceConv2d(x, { data: kernel, shape: layer.kernel.shape }, bias ? { data: bias, shape: [c.filters] } : null, {
      strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, groups: c.groups,
      activation: c.activation ?? 'linear',
    });
    assertWithinBound(yAsync, r, label);
    // the input is not modified by either call
    expectSameBits(x, input(c, new Rng(2000 + i)), `${label}: input unchanged`);
  });
});

describe('conv2dAsync gives the bits of conv2d', () => {
  test.each(CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', async (label, c, i) => {
    const { layer, kernel, bias } = makeLayer(c, 3000 + i);
    const x = input(c, new Rng(4000 + i));
    const k = { data: kernel, shape: layer.kernel.shape };
    const b = bias ? { data: bias, shape: [c.filters] } : null;
    const opts = { strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, activation: c.activation };
    const ySync = conv2d(x, k, b, opts);
    const yAsync = await conv2dAsync(x, k, b, opts);
    expectSameBits(yAsync, ySync, label);
    // the functional op and the layer run the same computation
    expectSameBits(layer.apply(x), ySync, `${label}: layer vs functional`);
  });
});

describe('many concurrent async calls', () => {
  test('120 in-flight applyAsync/conv2dAsync calls over 6 layers all resolve to their own results', async () => {
    const layers = CONFIGS.map((c, i) => ({ c, ...makeLayer(c, 5000 + i) }));
    const rng = new Rng(6000);
    const jobs: { which: number; x: { data: Float32Array; shape: number[] }; functional: boolean }[] = [];
    for (let j = 0; j < 120; j++) jobs.push({ which: j % layers.length, x: input(layers[j % layers.length].c, rng), functional: j % 4 === 3 });
    const promises = jobs.map((job) => {
      const L = layers[job.which];
      if (!job.functional) return L.layer.applyAsync(job.x);
      return conv2dAsync(job.x, L.layer.kernel, L.layer.bias, {
        strides: L.c.strides, dilationRate: L.c.dilationRate, padding: L.c.padding, dataFormat: L.c.dataFormat, activation: L.c.activation,
      });
    });
    const results: Tensor[] = await Promise.all(promises);
    results.forEach((y, j) => {
      const job = jobs[j];
      expectSameBits(y, layers[job.which].layer.apply(job.x), `job ${j} (${layers[job.which].c.name}, functional=${job.functional})`);
    });
  });

  test('the event loop keeps running while a large applyAsync is in flight', async () => {
    const c: Cfg = { name: 'big', dataFormat: 'channels_last', xShape: [2, 48, 48, 32], filters: 64, kernelSize: [3, 3], padding: 'same', groups: 1, activation: null, useBias: true };
    const { layer } = makeLayer(c, 7000);
    const x = input(c, new Rng(7001));
    // Count event-loop turns with setImmediate: a call that blocked the main thread (or ran the
    // convolution synchronously inside applyAsync) would let none happen before it resolves.
    let ticks = 0;
    let running = true;
    const spin = () => {
      if (!running) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const p = layer.applyAsync(x);
    expect(p).toBeInstanceOf(Promise);
    const y = await p;
    running = false;
    expect(ticks).toBeGreaterThan(0);
    expectSameBits(y, layer.apply(x), 'big');
  });

  test('setWeights while an applyAsync is in flight does not change that call', async () => {
    const c = CONFIGS[4];
    const { layer } = makeLayer(c, 8000);
    const x = input(c, new Rng(8001));
    const before = layer.apply(x);
    const p = layer.applyAsync(x);
    const k2 = new Float32Array(layer.kernel.size).fill(0.125);
    layer.setWeights([tensor(k2, layer.kernel.shape), tensor(new Float32Array(c.filters), [c.filters])]);
    expectSameBits(await p, before, 'in-flight call uses the weights it was called with');
    const after = await layer.applyAsync(x);
    expectSameBits(after, layer.apply(x), 'new weights, async vs sync');
    expect(after.data[0]).not.toBe(before.data[0]);
  });
});

describe('errors: async calls reject with the error the sync call throws', () => {
  /** Captures the synchronous error, then checks the async call returns a promise rejecting with the same. */
  async function sameError(sync: () => unknown, asyncCall: () => Promise<unknown>): Promise<Error> {
    let syncErr: unknown = null;
    try {
      sync();
    } catch (e) {
      syncErr = e;
    }
    expect(syncErr).toBeInstanceOf(Error);
    let p: Promise<unknown> | null = null;
    // must not throw synchronously: the error arrives as a rejection
    expect(() => {
      p = asyncCall();
    }).not.toThrow();
    expect(p).toBeInstanceOf(Promise);
    let asyncErr: unknown = null;
    await (p as unknown as Promise<unknown>).then(
      () => {
        throw new Error('expected a rejection, got a result');
      },
      (e: unknown) => {
        asyncErr = e;
      },
    );
    expect(asyncErr).toBeInstanceOf((syncErr as Error).constructor);
    expect((asyncErr as Error).name).toBe((syncErr as Error).name);
    expect((asyncErr as Error).message).toBe((syncErr as Error).message);
    return syncErr as Error;
  }

  test('wrong channel count after build', async () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 3, padding: 'same' });
    layer.build([1, 5, 5, 3]);
    const bad = { data: new Float32Array(1 * 5 * 5 * 4), shape: [1, 5, 5, 4] };
    const err = await sameError(() => layer.apply(bad), () => layer.applyAsync(bad));
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toContain('expected axis -1 of input shape to have value 3');
  });

  test('wrong channel count after build, channels_first', async () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' });
    layer.build([1, 3, 5, 5]);
    const bad = { data: new Float32Array(2 * 5 * 5), shape: [1, 2, 5, 5] };
    const err = await sameError(() => layer.apply(bad), () => layer.applyAsync(bad));
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toContain('expected axis 1 of input shape to have value 3');
  });

  test('rank-3 input', async () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 1 });
    const bad = { data: new Float32Array(12), shape: [2, 2, 3] };
    const err = await sameError(() => layer.apply(bad), () => layer.applyAsync(bad));
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toContain('expected min_ndim=4, found ndim=3');
  });

  test('valid padding with an image smaller than the kernel', async () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 5 });
    const bad = { data: new Float32Array(3 * 4 * 4 * 4), shape: [3, 4, 4, 4] };
    const err = await sameError(() => layer.apply(bad), () => layer.applyAsync(bad));
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toContain('Computed output size would be zero or negative');
  });

  test('data length not matching the shape', async () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 1 });
    const bad = { data: new Float32Array(7), shape: [1, 2, 2, 2] };
    await sameError(() => layer.apply(bad), () => layer.applyAsync(bad));
  });

  test('conv2dAsync: wrong kernel rank and indivisible channels', async () => {
    const x = { data: new Float32Array(1 * 4 * 4 * 6), shape: [1, 4, 4, 6] };
    const k3 = { data: new Float32Array(3 * 3 * 6), shape: [3, 3, 6] };
    let err = await sameError(() => conv2d(x, k3, null), () => conv2dAsync(x, k3, null));
    expect(err).toBeInstanceOf(ValueError);
    const k4 = { data: new Float32Array(3 * 3 * 4 * 2), shape: [3, 3, 4, 2] }; // 6 channels, 4 per group
    err = await sameError(() => conv2d(x, k4, null), () => conv2dAsync(x, k4, null));
    expect(err).toBeInstanceOf(ValueError);
  });
});

describe('thread count does not change the bits', () => {
  test('1 thread vs the default thread count vs 3 threads', async () => {
    const original = getNumThreads();
    try {
      for (const [i, c] of CONFIGS.entries()) {
        const { layer } = makeLayer(c, 9000 + i);
        const x = input(c, new Rng(9100 + i));
        setNumThreads(1);
        const one = layer.apply(x);
        const oneAsync = await layer.applyAsync(x);
        setNumThreads(original);
        const dflt = layer.apply(x);
        setNumThreads(3);
        const three = await layer.applyAsync(x);
        expectSameBits(oneAsync, one, `${c.name}: async, 1 thread`);
        expectSameBits(dflt, one, `${c.name}: ${original} threads vs 1`);
        expectSameBits(three, one, `${c.name}: 3 threads vs 1`);
      }
    } finally {
      setNumThreads(original);
    }
  });
});
