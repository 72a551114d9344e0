/**
 * The `out` option of apply / applyAsync / call / conv2d / conv2dAsync: the result lands in the
 * caller's array with the bits a fresh call gives (checked against the float64 reference too),
 * every element is written, and a bad `out` is refused, naming it, before anything is written.
 */
import { Conv2D, conv2d, conv2dAsync, tensor, Tensor, ValueError, regularizers } from '../lib';
import { Rng } from './helpers/random';
import { referenceConv2d, assertWithinBound } from './helpers/reference';
import { makeCaseLayer, expectSameBits, type LayerCase } from './helpers/layer-cases';

type Cfg = LayerCase;

// One per kernel path the layer routes to (igemm, small-group, depthwise), both layouts, fused and
// JS-side activations.
const CONFIGS: Cfg[] = [
  { name: 'NHWC 3x3 same relu (igemm)', dataFormat: 'channels_last', xShape: [2, 9, 7, 4], filters: 19, kernelSize: [3, 3], padding: 'same', groups: 1, activation: 'relu' },
  { name: 'NCHW 2x3 stride (2,1) grouped tanh', dataFormat: 'channels_first', xShape: [1, 6, 8, 10], filters: 4, kernelSize: [2, 3], strides: [2, 1], padding: 'valid', groups: 2, activation: 'tanh' },
  { name: 'NHWC depthwise dilated linear', dataFormat: 'channels_last', xShape: [3, 10, 10, 5], filters: 5, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same', groups: 5, activation: null },
  { name: 'NHWC 1x1 softmax (activation in JS)', dataFormat: 'channels_last', xShape: [2, 5, 5, 12], filters: 6, kernelSize: [1, 1], padding: 'valid', groups: 3, activation: 'softmax' },
  { name: 'NHWC 5x5 stride 2 silu, threaded size', dataFormat: 'channels_last', xShape: [1, 30, 30, 24], filters: 16, kernelSize: [5, 5], strides: [2, 2], padding: 'same', groups: 1, activation: 'silu' },
];

// Every case here has a bias.
const makeLayer = (c: Cfg, seed: number) => {
  const made = makeCaseLayer(c, seed);
  return { ...made, bias: made.bias as Float32Array };
};

const input = (c: Cfg, seed: number) => {
  const rng = new Rng(seed);
  return tensor(rng.normalArray(c.xShape.reduce((a, b) => a * b, 1)), c.xShape);
};

/** An array of `n` NaNs: any element the call leaves unwritten stays NaN and fails the checks. */
const poisoned = (n: number) => new Float32Array(n).fill(Number.NaN);

describe('apply(x, { out }) writes the result into out', () => {
  test.each(CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', async (label, c, i) => {
    const { layer, kernel, bias } = makeLayer(c, 100 + i);
    const x = input(c, 200 + i);
    const fresh = layer.apply(x);
    const r = referenceConv2d(x, { data: kernel, shape: layer.kernel.shape }, { data: bias, shape: [c.filters] }, {
      strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, groups: c.groups,
      activation: c.activation ?? 'linear',
    });
    assertWithinBound(fresh, r, label);

    // A Tensor: the same object comes back, holding the fresh call's bits.
    const outTensor = new Tensor(poisoned(fresh.size), fresh.shape);
    const y1 = layer.apply(x, { out: outTensor });
    expect(y1).toBe(outTensor);
    expectSameBits(y1, fresh, `${label}: Tensor out`);

    // A bare Float32Array: the result's data is that array.
    const bare = poisoned(fresh.size);
    const y2 = layer.call(x, { out: bare });
    expect(y2.data).toBe(bare);
    expect(y2.shape).toEqual(fresh.shape);
    expectSameBits(y2, fresh, `${label}: Float32Array out`);

    // A plain { data, shape } and the async call.
    const plain = { data: poisoned(fresh.size), shape: [...fresh.shape] };
    const y3 = await layer.applyAsync(x, { out: plain });
    expect(y3.data).toBe(plain.data);
    expectSameBits(y3, fresh, `${label}: applyAsync out`);

    // A view into a larger buffer, elements around it untouched.
    const big = new Float32Array(fresh.size + 7).fill(-3);
    const view = big.subarray(3, 3 + fresh.size);
    layer.apply(x, { out: view });
    expectSameBits({ data: view, shape: fresh.shape }, fresh, `${label}: subarray out`);
    expect(Array.from(big.subarray(0, 3))).toEqual([-3, -3, -3]);
    expect(Array.from(big.subarray(3 + fresh.size))).toEqual([-3, -3, -3, -3]);
  });
});

describe('conv2d / conv2dAsync with options.out', () => {
  test.each(CONFIGS.map((c, i) => [c.name, c, i] as const))('%s', async (label, c, i) => {
    const { layer, kernel, bias } = makeLayer(c, 300 + i);
    const x = input(c, 400 + i);
    const k = { data: kernel, shape: layer.kernel.shape };
    const b = { data: bias, shape: [c.filters] };
    const opts = { strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, activation: c.activation };
    const fresh = conv2d(x, k, b, opts);
    const out = poisoned(fresh.size);
    expect(conv2d(x, k, b, { ...opts, out }).data).toBe(out);
    expectSameBits({ data: out, shape: fresh.shape }, fresh, `${label}: conv2d out`);
    const outTensor = new Tensor(poisoned(fresh.size), fresh.shape);
    expect(await conv2dAsync(x, k, b, { ...opts, out: outTensor })).toBe(outTensor);
    expectSameBits(outTensor, fresh, `${label}: conv2dAsync out`);
  });
});

describe('out across calls', () => {
  test('one out array reused for different inputs holds each call\'s result', () => {
    const c = CONFIGS[4];
    const { layer } = makeLayer(c, 500);
    const out = poisoned(layer.computeOutputShape(c.xShape).reduce((a: number, d) => a * (d as number), 1));
    for (let s = 0; s < 3; s++) {
      const x = input(c, 600 + s);
      const y = layer.apply(x, { out });
      expectSameBits(y, layer.apply(x), `call ${s}`);
    }
  });

  test('out: null or undefined means a new array, as without the option', () => {
    const c = CONFIGS[0];
    const { layer } = makeLayer(c, 800);
    const x = input(c, 801);
    expectSameBits(layer.apply(x, { out: null }), layer.apply(x), 'out: null');
    expectSameBits(layer.apply(x, { out: undefined }), layer.apply(x, {}), 'out: undefined');
  });

  test('a batch of 0 takes an empty out', () => {
    const c = CONFIGS[0];
    const { layer } = makeLayer(c, 700);
    const x = tensor(new Float32Array(0), [0, ...c.xShape.slice(1)]);
    const out = new Float32Array(0);
    const y = layer.apply(x, { out });
    expect(y.shape).toEqual([0, 9, 7, 19]);
    expect(y.data).toBe(out);
  });

  test('glu halves the last axis: out has the activated shape, and the conv shape is refused', () => {
    const layer = new Conv2D({ filters: 6, kernelSize: 1, activation: 'glu' });
    const x = tensor(new Rng(1).normalArray(2 * 3 * 3 * 4), [2, 3, 3, 4]);
    const fresh = layer.apply(x);
    expect(fresh.shape).toEqual([2, 3, 3, 3]);
    const out = new Tensor(poisoned(fresh.size), fresh.shape);
    expect(layer.apply(x, { out })).toBe(out);
    expectSameBits(out, fresh, 'glu out');
    expect(() => layer.apply(x, { out: new Tensor(new Float32Array(2 * 3 * 3 * 6), [2, 3, 3, 6]) }))
      .toThrow('out.shape: expected [2, 3, 3, 3] (the result\'s shape), received [2, 3, 3, 6]');
  });

  test('a custom activation function: its result is copied into out', () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 2, activation: (t: Tensor) => new Tensor(t.data.map((v) => v * 2), t.shape) });
    const x = tensor(new Rng(2).normalArray(1 * 4 * 4 * 2), [1, 4, 4, 2]);
    const fresh = layer.apply(x);
    const out = poisoned(fresh.size);
    expectSameBits(layer.apply(x, { out }), fresh, 'custom activation out');
  });

  test('the activity regularizer sees the result written into out', () => {
    const layer = new Conv2D({ filters: 4, kernelSize: 3, activityRegularizer: new regularizers.L2({ l2: 0.5 }) });
    const x = tensor(new Rng(3).normalArray(2 * 5 * 5 * 3), [2, 5, 5, 3]);
    layer.apply(x);
    const expected = layer.losses[0];
    layer.apply(x, { out: poisoned(2 * 3 * 3 * 4) });
    expect(layer.losses[0]).toBe(expected);
    expect(Number.isFinite(expected)).toBe(true);
  });
});

describe('a bad out is refused before anything is written', () => {
  const layer = new Conv2D({ filters: 3, kernelSize: 3, padding: 'same' });
  const x = tensor(new Rng(4).normalArray(2 * 4 * 4 * 5), [2, 4, 4, 5]);
  layer.build(x.shape);
  const size = 2 * 4 * 4 * 3;

  test.each([
    ['a Float64Array', () => ({ out: new Float64Array(size) }), TypeError, 'out: expected a Float32Array, or a Tensor / { data: Float32Array, shape } of the result\'s shape, received Float64Array of length 96'],
    ['a plain array', () => ({ out: [1, 2, 3] }), TypeError, 'out: expected a Float32Array, or a Tensor / { data: Float32Array, shape } of the result\'s shape, received array [number 1, number 2, number 3]'],
    ['a number', () => ({ out: 96 }), TypeError, 'out: expected a Float32Array, or a Tensor / { data: Float32Array, shape } of the result\'s shape, received number 96'],
    ['a tensor of Float64Array data', () => ({ out: { data: new Float64Array(size), shape: [2, 4, 4, 3] } }), TypeError, 'out.data: expected a Float32Array (the result is written into it, so it cannot be converted), received Float64Array of length 96'],
    ['a wrong shape', () => ({ out: new Tensor(new Float32Array(size), [2, 4, 3, 4]) }), ValueError, 'out.shape: expected [2, 4, 4, 3] (the result\'s shape), received [2, 4, 3, 4]'],
    ['a wrong length', () => ({ out: new Float32Array(size - 1) }), RangeError, 'out: expected a Float32Array of 96 elements (the result\'s shape [2, 4, 4, 3]), received Float32Array of length 95'],
    ['data not matching its shape', () => ({ out: { data: new Float32Array(10), shape: [2, 4, 4, 3] } }), RangeError, 'out.data: expected 96 elements for shape [2, 4, 4, 3], received Float32Array of length 10'],
    ['an unknown option', () => ({ output: new Float32Array(size) }), TypeError, 'options: unknown option "output" (the options are \'out\' and \'signal\')'],
  ])('%s', (_label, options, type, message) => {
    const opts = options() as never;
    const before = (opts as { out?: { data?: unknown } }).out;
    expect(() => layer.apply(x, opts)).toThrow(type as never);
    expect(() => layer.apply(x, opts)).toThrow(message as string);
    if (before instanceof Float32Array) expect(before.every((v) => v === 0)).toBe(true);
    return expect(layer.applyAsync(x, opts)).rejects.toThrow(message as string);
  });

  test('options that are not an object', () => {
    expect(() => layer.apply(x, 5 as never)).toThrow('options: expected an object { out?, signal? } or undefined, received number 5');
    expect(() => layer.apply(x, new Float32Array(size) as never)).toThrow(/options: expected an object/);
  });

  test('out overlapping the input is refused; a disjoint view of the same buffer is fine', () => {
    const whole = new Float32Array(x.size + size);
    whole.set(x.data);
    const xIn = tensor(whole.subarray(0, x.size), x.shape);
    expect(() => layer.apply(xIn, { out: whole.subarray(x.size - 1, x.size - 1 + size) }))
      .toThrow('out: must not share memory with the input (the result is written while the input is read)');
    expect(Array.from(whole.subarray(x.size, x.size + 4))).toEqual([0, 0, 0, 0]);
    const y = layer.apply(xIn, { out: whole.subarray(x.size) });
    expectSameBits(y, layer.apply(x), 'disjoint view');
    expect(() => conv2d(xIn, layer.kernel, null, { padding: 'same', out: whole.subarray(0, size) }))
      .toThrow('options.out: must not share memory with x (the result is written while the input is read)');
  });

  test('a failing call (channel mismatch) leaves out untouched', () => {
    const out = new Float32Array(size).fill(7);
    const wrong = tensor(new Float32Array(2 * 4 * 4 * 6), [2, 4, 4, 6]);
    expect(() => layer.apply(wrong, { out })).toThrow(ValueError);
    expect(out.every((v) => v === 7)).toBe(true);
  });
});
