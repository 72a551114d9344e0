/**
 * Hostile input (issue #5): one test per item of the checklist, over the four ways in — layer.apply,
 * layer.applyAsync, functional conv2d / conv2dAsync — and tensor(). Each test states the behaviour
 * it pins and asserts real values and messages. Where an aspect is already covered elsewhere the
 * test says where, and covers only what is missing here.
 *
 * Sync entries must throw synchronously; async entries must not throw, they reject with the error
 * the sync call throws. Errors thrown by the native addon come from Node's own realm, not jest's
 * sandbox, so those are matched by name and message rather than by class.
 */
import {
  Conv2D, conv2d, conv2dAsync, tensor, zeros, Tensor, ValueError, activations, info, setIsa, getIsa, getStats,
  type TensorLike,
} from '../lib';
import { Rng } from './helpers/random';
import { referenceConv2d, type DataFormat } from './helpers/reference';
import { expectSameBits } from './helpers/layer-cases';
import { heavy } from './helpers/queue-blockers';

// ── the entries under test ──────────────────────────────────────────────────────────────────

/** A 1x1 kernel from 1 channel to 2 filters: y = [2x + 0.5, −x] per pixel (exact in float32 for small x). */
const KERNEL = tensor([2, -1], [1, 1, 1, 2]);
const BIAS = tensor([0.5, 0], [2]);

function smallLayer(dataFormat: DataFormat = 'channels_last', name?: string): Conv2D {
  const layer = new Conv2D({ filters: 2, kernelSize: 1, dataFormat, name });
  layer.build(dataFormat === 'channels_last' ? [null, null, null, 1] : [null, 1, null, null]);
  layer.setWeights([KERNEL, BIAS]);
  return layer;
}

/** The exact result of the small layer (channels_last) for float32 input values. */
function expectedSmall(values: ArrayLike<number>): number[] {
  // The second filter is 0 (its bias) + (−1)·x: +0, not −0, for x = 0.
  return Array.from(values).flatMap((v) => [Math.fround(2 * Math.fround(v) + 0.5), 0 + -Math.fround(v)]);
}

type Options = { out?: unknown };
interface Entry {
  label: string;
  /** How errors name the input. */
  arg: 'inputs' | 'x';
  /** How errors name `out`. */
  outName: 'out' | 'options.out';
  sync: boolean;
  call(x: unknown, options?: Options): Tensor | Promise<Tensor>;
}

const LAYER = smallLayer('channels_last', 'hostile');
const ENTRIES: Entry[] = [
  { label: 'layer.apply', arg: 'inputs', outName: 'out', sync: true, call: (x, o) => LAYER.apply(x as TensorLike, o as never) },
  { label: 'layer.applyAsync', arg: 'inputs', outName: 'out', sync: false, call: (x, o) => LAYER.applyAsync(x as TensorLike, o as never) },
  { label: 'conv2d', arg: 'x', outName: 'options.out', sync: true, call: (x, o) => conv2d(x as TensorLike, KERNEL, BIAS, { ...(o as object) }) },
  { label: 'conv2dAsync', arg: 'x', outName: 'options.out', sync: false, call: (x, o) => conv2dAsync(x as TensorLike, KERNEL, BIAS, { ...(o as object) }) },
];

/** Runs an entry; a sync entry must return a Tensor, an async one a Promise (never a sync throw). */
async function run(e: Entry, x: unknown, options?: Options): Promise<Tensor> {
  const r = e.call(x, options);
  if (e.sync) {
    expect(r).toBeInstanceOf(Tensor);
    return r as Tensor;
  }
  expect(r).toBeInstanceOf(Promise);
  return r;
}

/** The error an entry raises: thrown synchronously by a sync entry, a rejection of an async one. */
async function failure(e: Entry, x: unknown, options?: Options): Promise<Error> {
  let result: Tensor | Promise<Tensor> | undefined;
  let thrown: unknown = null;
  try {
    result = e.call(x, options);
  } catch (err) {
    thrown = err;
  }
  if (e.sync) {
    if (thrown === null) throw new Error(`${e.label}: expected a synchronous throw, got ${String(result)}`);
    return thrown as Error;
  }
  if (thrown !== null) throw new Error(`${e.label}: threw synchronously instead of rejecting: ${String(thrown)}`);
  expect(result).toBeInstanceOf(Promise);
  return (result as Promise<Tensor>).then(
    (y) => {
      throw new Error(`${e.label}: expected a rejection, got a tensor of shape [${y.shape.join(', ')}]`);
    },
    (err: unknown) => err as Error,
  );
}

/** Asserts the class (by name, across realms) and the exact message (or pattern) of what `fn` throws. */
function expectThrow(fn: () => unknown, name: string, message: string | RegExp): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expectError(caught, name, message);
}

function expectError(err: unknown, name: string, message: string | RegExp): void {
  expect(typeof err).toBe('object'); // (an Error of this realm or of the addon's)
  expect(err).not.toBeNull();
  const e = err as Error;
  if (typeof message === 'string') expect({ name: e.name, message: e.message }).toEqual({ name, message });
  else {
    expect(e.name).toBe(name);
    expect(e.message).toMatch(message);
  }
}

async function expectFailure(e: Entry, x: unknown, name: string, message: string | RegExp, options?: Options): Promise<Error> {
  const err = await failure(e, x, options);
  expectError(err, name, message);
  return err;
}

/** Detaches `buffer` (moves it to a clone nobody holds) the way a transfer to a worker does. */
function detach(buffer: ArrayBuffer, how: 'structuredClone' | 'postMessage' = 'structuredClone'): void {
  if (how === 'structuredClone') {
    structuredClone(buffer, { transfer: [buffer] });
  } else {
    const channel = new MessageChannel();
    channel.port1.postMessage(buffer, [buffer]);
    channel.port1.close();
    channel.port2.close();
  }
  expect(buffer.byteLength).toBe(0);
}

const VALUES = [0.1, -1 / 3, 1e-50, 7, -2.5, 1e39, 16777217, 0.75];
const SHAPE_8 = [1, 2, 4, 1];

// ── 1 ────────────────────────────────────────────────────────────────────────────────────────

test('1. wrong array types as input data: numeric typed arrays and flat number arrays are converted; nested arrays, DataView, BigInt arrays and non-numbers are TypeErrors; subarrays and SharedArrayBuffer views are used in place', async () => {
  // Converted: every numeric typed array and a flat array of numbers, each value rounded to the
  // nearest float32 (1e-50 → 0, 1e39 → Infinity, 16777217 → 16777216). Same bits as the Float32Array.
  const asFloat32 = Float32Array.from(VALUES);
  const wanted = expectedSmall(asFloat32);
  const converted: [string, unknown][] = [
    ['Float64Array', Float64Array.from(VALUES)],
    ['plain array', [...VALUES]],
    ['Int32Array', Int32Array.from([1, -2, 3, 16777217, 0, -7, 100000, 5])],
    ['Uint8Array', Uint8Array.from([0, 1, 2, 255, 4, 5, 6, 7])],
    ['Uint8ClampedArray', Uint8ClampedArray.from([0, 1, 2, 255, 4, 5, 6, 7])],
    ['Int16Array', Int16Array.from([-32768, 1, 2, 32767, 4, 5, 6, 7])],
  ];
  for (const e of ENTRIES) {
    for (const [kind, data] of converted) {
      const y = await run(e, { data, shape: SHAPE_8 });
      const as32 = Float32Array.from(data as ArrayLike<number>);
      expect({ entry: e.label, kind, y: Array.from(y.data) }).toEqual({ entry: e.label, kind, y: expectedSmall(as32) });
    }
    expect(Array.from((await run(e, { data: Float64Array.from(VALUES), shape: SHAPE_8 })).data)).toEqual(wanted);

    // A subarray with a byteOffset is read in place: exactly its own elements (NaN around it never leaks in).
    const backing = new Float32Array(20).fill(Number.NaN);
    backing.set(asFloat32, 5);
    const sub = backing.subarray(5, 13);
    expect(sub.byteOffset).toBe(20);
    expect(Array.from((await run(e, { data: sub, shape: SHAPE_8 })).data)).toEqual(wanted);

    // A Float32Array on a SharedArrayBuffer, also at an offset: used in place.
    const shared = new Float32Array(new SharedArrayBuffer(4 * 12), 8, 8);
    shared.set(asFloat32);
    expect(Array.from((await run(e, { data: shared, shape: SHAPE_8 })).data)).toEqual(wanted);

    // Refused, naming the argument, what was expected and what was received.
    const expected = 'a Float32Array (or another numeric typed array or array of numbers)';
    await expectFailure(e, { data: new DataView(new ArrayBuffer(32)), shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data: expected ${expected}, received DataView of 32 bytes`);
    await expectFailure(e, { data: new BigInt64Array(8), shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data: expected ${expected}, received BigInt64Array of length 8`);
    await expectFailure(e, { data: new ArrayBuffer(32), shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data: expected ${expected}, received ArrayBuffer`);
    await expectFailure(e, { data: 'abcdefgh', shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data: expected ${expected}, received "abcdefgh"`);
    await expectFailure(e, { data: [1, 2, '3', 4, 5, 6, 7, 8], shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data[2]: expected a number, received "3"`);
    await expectFailure(e, { data: [1, 2, 3, null, 5, 6, 7, 8], shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data[3]: expected a number, received null`);
    // eslint-disable-next-line no-sparse-arrays
    await expectFailure(e, { data: [1, 2, 3, 4, 5, , 7, 8], shape: SHAPE_8 }, 'TypeError',
      `${e.arg}.data[5]: expected a number, received undefined`);
    // Nested arrays as data are refused (data is flat); tensor() converts them.
    await expectFailure(e, { data: [[[[1], [2], [3], [4]], [[5], [6], [7], [8]]]], shape: SHAPE_8 }, 'RangeError',
      `${e.arg}.data: expected 8 elements for shape [1, 2, 4, 1], received an array of length 1`);
    await expectFailure(e, { data: [[1], [2], [3], [4], [5], [6], [7], [8]], shape: SHAPE_8 }, 'TypeError',
      /^(inputs|x)\.data\[0\]: expected a number \(data is flat, in row-major order; tensor\(nestedArray\) converts nested arrays\), received array \[number 1\]$/);
    // A nested array in place of the tensor itself.
    await expectFailure(e, [[[[1]]]], 'TypeError',
      `${e.arg}: expected a Tensor or an object { data: Float32Array, shape: number[] }, received array [array [array [array [number 1]]]]`);
    const nested = tensor([[[[0.1], [-1 / 3], [1e-50], [7]], [[-2.5], [1e39], [16777217], [0.75]]]]);
    expect(nested.shape).toEqual(SHAPE_8);
    expect(Array.from((await run(e, nested)).data)).toEqual(wanted);
  }

  // tensor(): the same rules. A Float32Array (any offset, shared or not) is used as is, not copied.
  const sub = new Float32Array(12).subarray(2, 10);
  expect(tensor(sub, SHAPE_8).data).toBe(sub);
  const shared = new Float32Array(new SharedArrayBuffer(32));
  expect(tensor(shared).data).toBe(shared);
  expect(Array.from(tensor(Float64Array.from(VALUES), SHAPE_8).data)).toEqual(Array.from(asFloat32));
  expect(Array.from(tensor(Uint8Array.from([1, 2, 255])).data)).toEqual([1, 2, 255]);
  expect(tensor([[1, 2], [3, 4]], [4]).shape).toEqual([4]); // nested with a shape: flattened, row-major
  expect(Array.from(tensor([[1, 2], [3, 4]], [4]).data)).toEqual([1, 2, 3, 4]);
  const tensorExpected = 'a Float32Array, another numeric typed array, a (nested) array of numbers or a number';
  expectThrow(() => tensor(new DataView(new ArrayBuffer(8)) as never), 'TypeError', `data: expected ${tensorExpected}, received DataView of 8 bytes`);
  expectThrow(() => tensor(new DataView(new ArrayBuffer(8)) as never, [2]), 'TypeError', `data: expected ${tensorExpected}, received DataView of 8 bytes`);
  expectThrow(() => tensor(new BigInt64Array(2) as never, [2]), 'TypeError', `data: expected ${tensorExpected}, received BigInt64Array of length 2`);
  expectThrow(() => tensor(null as never, [2]), 'TypeError', `data: expected ${tensorExpected}, received null`);
  expectThrow(() => tensor({} as never, [2]), 'TypeError', `data: expected ${tensorExpected}, received Object`);
  expectThrow(() => tensor(['a', 'b'] as never, [2]), 'TypeError', 'data[0]: expected a number, received "a"');
  expectThrow(() => tensor([[1, 2], [3]]), 'TypeError', 'data[1]: expected an array of length 2 (a ragged nested array has no shape)');
  expectThrow(() => tensor(new Array(3) as never), 'TypeError', 'data[0]: expected a number, received undefined');
});

// ── 2 ────────────────────────────────────────────────────────────────────────────────────────

test('2. data length not matching the shape: a RangeError naming the argument, the expected count and what was received', async () => {
  // apply with a Float32Array of the wrong length: test/errors.test.ts ('data length does not match
  // the shape'); applyAsync rejects with the same error: test/async.test.ts. `out` of the wrong
  // length: test/out.test.ts. Here: every entry, converted inputs (the message describes what the
  // caller passed, not our float32 copy), the functional kernel and bias, and tensor().
  for (const e of ENTRIES) {
    await expectFailure(e, { data: new Float32Array(5), shape: [1, 2, 2, 1] }, 'RangeError',
      `${e.arg}.data: expected 4 elements for shape [1, 2, 2, 1], received Float32Array of length 5`);
    await expectFailure(e, { data: new Float64Array(3), shape: [1, 2, 2, 1] }, 'RangeError',
      `${e.arg}.data: expected 4 elements for shape [1, 2, 2, 1], received Float64Array of length 3`);
    await expectFailure(e, { data: [1, 2, 3], shape: [1, 2, 2, 1] }, 'RangeError',
      `${e.arg}.data: expected 4 elements for shape [1, 2, 2, 1], received an array of length 3`);
    // an empty array for a non-empty shape, and data for an empty one
    await expectFailure(e, { data: new Float32Array(0), shape: [1, 2, 2, 1] }, 'RangeError',
      `${e.arg}.data: expected 4 elements for shape [1, 2, 2, 1], received Float32Array of length 0`);
    await expectFailure(e, { data: new Float32Array(4), shape: [0, 2, 2, 1] }, 'RangeError',
      `${e.arg}.data: expected 0 elements for shape [0, 2, 2, 1], received Float32Array of length 4`);
  }
  const x = { data: new Float32Array(4), shape: [1, 2, 2, 1] };
  expectThrow(() => conv2d(x, { data: new Float32Array(3), shape: [1, 1, 1, 2] }), 'RangeError',
    'kernel.data: expected 2 elements for shape [1, 1, 1, 2], received Float32Array of length 3');
  expectThrow(() => conv2d(x, KERNEL, { data: [1, 2, 3] as never, shape: [2] }), 'RangeError',
    'bias.data: expected 2 elements for shape [2], received an array of length 3');
  await expect(conv2dAsync(x, KERNEL, { data: new Float32Array(1), shape: [2] })).rejects.toThrow(
    new RangeError('bias.data: expected 2 elements for shape [2], received Float32Array of length 1'));
  expectThrow(() => tensor([1, 2, 3], [2, 2]), 'RangeError', 'data: expected 4 elements for shape [2, 2], received 3');
  expectThrow(() => tensor(new Float32Array(5), [2, 2]), 'RangeError', 'data: expected 4 elements for shape [2, 2], received 5');
  expectThrow(() => tensor([[1, 2], [3, 4]], [5]), 'RangeError', 'data: expected 5 elements for shape [5], received 4');
  expectThrow(() => new Tensor(new Float32Array(3), [2]), 'RangeError', 'data: expected 2 elements for shape [2], received 3');
});

// ── 3 ────────────────────────────────────────────────────────────────────────────────────────

test('3. negative, fractional, NaN, infinite and huge dimensions: a TypeError or RangeError before any allocation, never a wrap-around or a hang', async () => {
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const describe = (shape: unknown[]) =>
    shape.map((d) => (typeof d === 'string' ? JSON.stringify(d) : d === null ? 'null' : `${typeof d} ${String(d)}`)).join(', ');
  const badDims: unknown[] = [-1, -0.5, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, '2', null, 2n];
  for (const e of ENTRIES) {
    for (const d of badDims) {
      const shape = [1, 2, d, 1];
      await expectFailure(e, { data: new Float32Array(4), shape }, 'TypeError',
        `${e.arg}.shape: expected an array of non-negative integers, received array [${describe(shape)}]`);
    }
    await expectFailure(e, { data: new Float32Array(4), shape: new Int32Array([1, 2, 2, 1]) }, 'TypeError',
      `${e.arg}.shape: expected an array of non-negative integers, received Int32Array of length 4`);
    // A product past 2^53: refused as such, not compared with a rounded count.
    await expectFailure(e, { data: new Float32Array(1), shape: [2 ** 20, 2 ** 20, 2 ** 20, 1] }, 'RangeError',
      `${e.arg}.shape: the element count of [1048576, 1048576, 1048576, 1] overflows`);
    // A huge but exact product: compared with the data length, nothing allocated for it.
    await expectFailure(e, { data: new Float32Array(1), shape: [2 ** 15, 2 ** 15, 2 ** 15, 1] }, 'RangeError',
      `${e.arg}.data: expected 35184372088832 elements for shape [32768, 32768, 32768, 1], received Float32Array of length 1`);
    // Past the 32-bit range with a batch of 0 the result is empty, and its shape keeps the exact
    // dims (no uint32/int32 wrap-around: 2^32 + 5 stays 4294967301).
    const y = await run(e, { data: new Float32Array(0), shape: [0, 2 ** 32 + 5, 3, 1] });
    expect(y.shape).toEqual([0, 2 ** 32 + 5, 3, 2]);
    expect(y.data.length).toBe(0);
  }
  // The functional kernel is checked the same way.
  const x = { data: new Float32Array(4), shape: [1, 2, 2, 1] };
  expectThrow(() => conv2d(x, { data: new Float32Array(1), shape: [2 ** 20, 2 ** 20, 2 ** 20, 1] }), 'RangeError',
    'kernel.shape: the element count of [1048576, 1048576, 1048576, 1] overflows');
  expectThrow(() => conv2d(x, { data: new Float32Array(2), shape: [1, 1, 1.5, 2] }), 'TypeError',
    'kernel.shape: expected an array of non-negative integers, received array [number 1, number 1, number 1.5, number 2]');
  // build / computeOutputShape take null (unknown) dims, nothing else that is not a non-negative integer.
  const layer = new Conv2D({ filters: 2, kernelSize: 1 });
  for (const d of [-1, 1.5, Number.NaN, Infinity, 2 ** 60]) {
    expectThrow(() => layer.build([null, 4, 4, d as number]), 'TypeError',
      `inputShape: expected an array of non-negative integers or null, received array [null, number 4, number 4, number ${String(d)}]`);
    expectThrow(() => layer.computeOutputShape([1, d as number, 4, 3]), 'TypeError', /^inputShape: expected an array of non-negative integers or null/);
  }
  expect(layer.built).toBe(false);
  // An empty input that declares 2^30 channels would make build allocate an 8 GiB kernel: refused
  // before the initializer runs (kernels are limited to 2^31 − 1 elements).
  const greedy = new Conv2D({ filters: 2, kernelSize: 1, name: 'greedy' });
  const declared = [0, 1, 1, 2 ** 30];
  expectThrow(() => greedy.apply({ data: new Float32Array(0), shape: declared }), 'RangeError',
    "Layer 'greedy' cannot be built for input shape (0, 1, 1, 1073741824): its kernel (1, 1, 1073741824, 2) would have 2147483648 elements, more than the 2147483647 supported.");
  await expect(greedy.applyAsync({ data: new Float32Array(0), shape: declared })).rejects.toThrow(RangeError);
  expectThrow(() => greedy.build([null, null, null, 2 ** 40]), 'RangeError', /would have 2199023255552 elements, more than the 2147483647 supported\.$/);
  expect(greedy.built).toBe(false);
  // tensor() and zeros(): the product is checked before anything is allocated.
  expectThrow(() => tensor(new Float32Array(1), [2 ** 20, 2 ** 20, 2 ** 20, 1]), 'RangeError',
    'shape: the element count of [1048576, 1048576, 1048576, 1] overflows (more than 2^53 - 1 elements)');
  expectThrow(() => zeros([2 ** 20, 2 ** 20, 2 ** 20, 1]), 'RangeError',
    'shape: the element count of [1048576, 1048576, 1048576, 1] overflows (more than 2^53 - 1 elements)');
  expectThrow(() => zeros([2 ** 16, 2 ** 16, 2]), 'RangeError', /^shape: cannot allocate 8589934592 float32 elements for \[65536, 65536, 2\]/);
  expectThrow(() => zeros([2, -1]), 'TypeError', 'shape: expected an array of non-negative integers, received [2, -1]');
  expectThrow(() => tensor([1], [Number.NaN]), 'TypeError', 'shape: expected an array of non-negative integers, received [NaN]');
  // Nothing above kept (or, where it could be measured, made) a large allocation.
  expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(64 * 2 ** 20);
}, 30000);

// ── 4 ────────────────────────────────────────────────────────────────────────────────────────

test('4. a zero-size batch gives an empty output of the right shape, sync and async, both layouts, layer and functional', async () => {
  // Sync, channels_last, 'same': test/api.test.ts; an empty `out`: test/out.test.ts. Here the rest.
  const cases = [
    { padding: 'valid', strides: 1, x: [0, 7, 6, 3], last: [0, 5, 4, 4], first: [0, 4, 5, 4] },
    { padding: 'same', strides: 2, x: [0, 7, 6, 3], last: [0, 4, 3, 4], first: [0, 4, 4, 3] },
  ] as const;
  for (const c of cases) {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const xShape = dataFormat === 'channels_last' ? [...c.x] : [0, c.x[3], c.x[1], c.x[2]];
      const want = dataFormat === 'channels_last' ? [...c.last] : [0, 4, ...(c.padding === 'valid' ? [5, 4] : [4, 3])];
      const layer = new Conv2D({ filters: 4, kernelSize: 3, padding: c.padding, strides: c.strides, dataFormat });
      const x = { data: new Float32Array(0), shape: xShape };
      const label = `${dataFormat} ${c.padding}`;
      const ySync = layer.apply(x); // builds from the empty batch, as Keras does
      expect({ label, shape: ySync.shape, length: ySync.data.length, built: layer.built }).toEqual({ label, shape: want, length: 0, built: true });
      expect(layer.kernel.shape).toEqual([3, 3, 3, 4]);
      const yAsync = await layer.applyAsync(x);
      expect({ label, shape: yAsync.shape, length: yAsync.data.length }).toEqual({ label, shape: want, length: 0 });
      expect(layer.computeOutputShape(xShape)).toEqual(want);
      const out = new Float32Array(0);
      expect((await layer.applyAsync(x, { out })).data).toBe(out);
      // functional, with and without a bias
      const opts = { padding: c.padding, strides: c.strides, dataFormat };
      expect(conv2d(x, layer.kernel, layer.bias, opts).shape).toEqual(want);
      expect((await conv2dAsync(x, layer.kernel, null, opts)).shape).toEqual(want);
      // a JS-side activation (softmax) on an empty output
      const soft = new Conv2D({ filters: 4, kernelSize: 3, padding: c.padding, strides: c.strides, dataFormat, activation: 'softmax' });
      expect((await soft.applyAsync(x)).shape).toEqual(want);
    }
  }
  // A zero spatial dim is empty too with 'same' (Keras: ceil(0 / s) = 0); 'valid' refuses it (spec rule 20).
  const same = new Conv2D({ filters: 2, kernelSize: 3, padding: 'same' });
  expect((await same.applyAsync({ data: new Float32Array(0), shape: [2, 0, 5, 3] })).shape).toEqual([2, 0, 5, 2]);
  const valid = new Conv2D({ filters: 2, kernelSize: 1 });
  expect(() => valid.apply({ data: new Float32Array(0), shape: [1, 0, 4, 3] })).toThrow(new ValueError(
    'Computed output size would be zero or negative. Received `inputs shape=(1, 0, 4, 3)`, `kernel shape=(1, 1, 3, 2)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.'));
  // A built layer still refuses the wrong channel count on an empty batch.
  expect(() => same.apply({ data: new Float32Array(0), shape: [0, 5, 5, 4] })).toThrow(ValueError);
});

// ── 5 ────────────────────────────────────────────────────────────────────────────────────────

interface SpecialCase {
  name: string;
  dataFormat: DataFormat;
  /** channels_last shape [N, H, W, C]. */
  xShape: [number, number, number, number];
  filters: number;
  kernelSize: number;
  padding: 'valid' | 'same';
  groups: number;
  strides?: number;
  dilationRate?: number;
}

const SPECIAL_CASES: SpecialCase[] = [
  { name: 'pointwise 1x1', dataFormat: 'channels_last', xShape: [2, 5, 5, 16], filters: 24, kernelSize: 1, padding: 'valid', groups: 1 },
  { name: 'igemm 3x3 same', dataFormat: 'channels_last', xShape: [2, 7, 6, 8], filters: 16, kernelSize: 3, padding: 'same', groups: 1 },
  { name: 'igemm 3x3 same, channels_first', dataFormat: 'channels_first', xShape: [2, 8, 7, 6], filters: 9, kernelSize: 3, padding: 'same', groups: 1 },
  { name: 'depthwise 3x3', dataFormat: 'channels_last', xShape: [1, 9, 9, 16], filters: 16, kernelSize: 3, padding: 'same', groups: 16 },
  { name: 'grouped 3x3', dataFormat: 'channels_last', xShape: [1, 6, 6, 12], filters: 12, kernelSize: 3, padding: 'same', groups: 3 },
  { name: '5x5 stride 2', dataFormat: 'channels_first', xShape: [1, 11, 11, 4], filters: 8, kernelSize: 5, padding: 'same', groups: 1, strides: 2 },
  { name: '3x3 dilation 2 valid', dataFormat: 'channels_last', xShape: [1, 11, 11, 4], filters: 8, kernelSize: 3, padding: 'valid', groups: 1, dilationRate: 2 },
];

/** Values in [−1, 1), with about `p` of them replaced by NaN, +Inf, −Inf or 0. */
function withSpecials(rng: Rng, n: number, p: number): Float32Array {
  const specials = [Number.NaN, Infinity, -Infinity, 0];
  return rng.float32Array(n, (r) => (r.next() < p ? r.pick(specials) : r.uniform(-1, 1)));
}

/**
 * NaN exactly where the float64 reference has NaN, ±Infinity exactly where it has them, and the
 * finite outputs within the reference's bound. Returns the number of NaN and infinite outputs.
 */
function expectIeee(y: { data: Float32Array; shape: readonly number[] }, x: TensorLike, k: TensorLike, b: TensorLike | null, c: SpecialCase, label: string): { nan: number; inf: number } {
  const r = referenceConv2d(x, k, b, {
    dataFormat: c.dataFormat, padding: c.padding, strides: c.strides, dilationRate: c.dilationRate, groups: c.groups,
  });
  expect(y.shape).toEqual(r.shape);
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < r.pre.length; i++) {
    const want = r.pre[i];
    const got = y.data[i];
    let ok: boolean;
    if (Number.isNaN(want)) {
      nan++;
      ok = Number.isNaN(got);
    } else if (!Number.isFinite(want)) {
      inf++;
      ok = got === want;
    } else {
      ok = Math.abs(got - want) <= r.bound[i];
    }
    if (!ok) throw new Error(`${label}: output ${i}: got ${got}, the IEEE float64 reference has ${want} (bound ${r.bound[i]})`);
  }
  return { nan, inf };
}

test('5. NaN and ±Inf in the input, kernel and bias propagate as IEEE arithmetic does, on every ISA', async () => {
  // Padding is not data: a tap that lands on the padding contributes nothing (it is not a 0 · w
  // product), so an infinite weight at the border does not turn into NaN there — the reference
  // (test/helpers/reference.ts) skips those taps the same way.
  const isas = info().availableIsas;
  expect(isas).toContain(getIsa());
  let nans = 0;
  let infs = 0;
  try {
    for (const isa of isas) {
      setIsa(isa);
      for (const [ci, c] of SPECIAL_CASES.entries()) {
        for (const where of ['input', 'kernel', 'bias', 'all'] as const) {
          const rng = new Rng(0x1eee + 97 * ci + where.length);
          const xShape = c.dataFormat === 'channels_last' ? c.xShape : [c.xShape[0], c.xShape[3], c.xShape[1], c.xShape[2]];
          const layer = new Conv2D({
            filters: c.filters, kernelSize: c.kernelSize, padding: c.padding, groups: c.groups, dataFormat: c.dataFormat,
            strides: c.strides ?? 1, dilationRate: c.dilationRate ?? 1,
          });
          layer.build(xShape);
          const kShape = layer.kernel.shape;
          const x = tensor(withSpecials(rng, xShape.reduce((a, b) => a * b, 1), where === 'input' || where === 'all' ? 0.03 : 0), xShape);
          const k = tensor(withSpecials(rng, kShape.reduce((a, b) => a * b, 1), where === 'kernel' || where === 'all' ? 0.03 : 0), kShape);
          const b = tensor(withSpecials(rng, c.filters, where === 'bias' || where === 'all' ? 0.3 : 0), [c.filters]);
          layer.setWeights([k, b]);
          const label = `${isa} ${c.name}, specials in ${where}`;
          const y = layer.apply(x);
          const counts = expectIeee(y, x, k, b, c, label);
          nans += counts.nan;
          infs += counts.inf;
          expectSameBits(await layer.applyAsync(x), y, `${label}: applyAsync`);
          const opts = { padding: c.padding, dataFormat: c.dataFormat, strides: c.strides, dilationRate: c.dilationRate };
          expectSameBits(conv2d(x, k, b, opts), y, `${label}: conv2d`);
        }
      }
    }
  } finally {
    setIsa('');
  }
  // The random cases did produce both kinds of special outputs.
  expect(nans).toBeGreaterThan(100);
  expect(infs).toBeGreaterThan(100);

  // The rules one by one, on a 1x3 image and a 1x2 kernel (valid: two outputs).
  const conv = (x: number[], k: number[], b = 0) => Array.from(conv2d(tensor(x, [1, 1, 3, 1]), tensor(k, [1, 2, 1, 1]), tensor([b], [1])).data);
  expect(conv([0, 1, 2], [Infinity, 1])).toEqual([Number.NaN, Infinity]); // Inf · 0 = NaN
  expect(conv([1, 1, 1], [Infinity, -Infinity])).toEqual([Number.NaN, Number.NaN]); // Inf + (−Inf) = NaN
  expect(conv([Infinity, 1, 2], [1, 2])).toEqual([Infinity, 5]);
  expect(conv([-Infinity, 1, 2], [-1, 2])).toEqual([Infinity, 3]); // −Inf · −1 = +Inf
  expect(conv([Number.NaN, 1, 2], [0, 1])).toEqual([Number.NaN, 2]); // NaN · 0 = NaN
  expect(conv([1, 2, 3], [1, 1], Infinity)).toEqual([Infinity, Infinity]);
  expect(conv([Infinity, 2, 3], [1, 1], -Infinity)).toEqual([Number.NaN, -Infinity]);
  expect(conv([3e38, 3e38, 0], [1, 1])).toEqual([Infinity, 3e38].map(Math.fround)); // float32 overflow
  // 'same' with an infinite weight: the taps on the padding are skipped, not 0 · Inf.
  expect(Array.from(conv2d(tensor([1, 2, 3], [1, 1, 3, 1]), tensor([Infinity, 1, 1], [1, 3, 1, 1]), null, { padding: 'same' }).data))
    .toEqual([3, Infinity, Infinity]); // output 0 has the Inf tap on the left padding: 1 + 2, not NaN

  // Through the activations: NaN stays NaN (relu(NaN) is NaN, as NumPy's maximum), the fused
  // native epilogue and the JS formulas agree on ±Inf (gelu(Inf) = Inf, gelu(−Inf) = −Inf · 0 = NaN).
  const special = new Float32Array([Number.NaN, Infinity, -Infinity]);
  for (const name of ['relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'silu', 'elu', 'softplus']) {
    const layer = new Conv2D({ filters: 1, kernelSize: 1, useBias: false, activation: name, kernelInitializer: 'ones' });
    const viaLayer = Array.from(layer.apply(tensor(special, [1, 1, 3, 1])).data);
    const viaJs = Array.from(activations.getActivation(name).apply(tensor(special, [3])).data);
    expect({ name, viaLayer }).toEqual({ name, viaLayer: viaJs });
    expect(Number.isNaN(viaLayer[0])).toBe(true);
  }
  const gelu = activations.getActivation('gelu').apply(tensor(special, [3])).data;
  expect(Array.from(gelu)).toEqual([Number.NaN, Infinity, Number.NaN]);
  // softmax (computed in JS): a NaN anywhere in a row makes the whole row NaN.
  const soft = conv2d(tensor([1, Number.NaN, 2, 3], [1, 2, 1, 2]), tensor([1, 0, 0, 1], [1, 1, 2, 2]), null, { activation: 'softmax' });
  expect(Array.from(soft.data).map(Number.isNaN)).toEqual([true, true, false, false]);
}, 60000);

// ── 6 ────────────────────────────────────────────────────────────────────────────────────────

test("6. a channel count other than the one built with: Keras' exact message, at any rank, and the layer is unharmed", async () => {
  // 4-D inputs, both layouts, sync: test/errors.test.ts (rule 21); applyAsync rejecting with the same
  // error: test/async.test.ts. Here: a 5-D input is checked on the channel axis first (Keras'
  // InputSpec runs before the conv's rank check), a layer built by an empty batch, and the layer
  // still works (same weights, same results) after refusing.
  const last = smallLayer('channels_last', 'hostile_c6');
  const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
  const before = last.apply(x);
  for (const shape of [[1, 2, 2, 3], [1, 2, 2, 2, 3], [1, 2, 2, 0]]) {
    const bad = { data: new Float32Array(shape.reduce((a, b) => a * b, 1)), shape };
    const message = `Input 0 with name 'None' of layer 'hostile_c6' is incompatible with the layer: expected axis -1 of input shape to have value 1, but received input with shape (${shape.join(', ')})`;
    expectThrow(() => last.apply(bad), 'ValueError', message);
    await expect(last.applyAsync(bad)).rejects.toThrow(new ValueError(message));
  }
  // A 5-D input with the right channel count reaches the conv's rank rule (spec rule 18).
  expectThrow(() => last.apply({ data: new Float32Array(8), shape: [1, 2, 2, 2, 1] }), 'ValueError',
    'Kernel shape must have the same length as input, but received kernel of shape (1, 1, 1, 2) and input of shape (1, 2, 2, 2, 1).');
  expectSameBits(last.apply(x), before, 'after the refusals');
  expect(Array.from(last.kernel.data)).toEqual([2, -1]);

  const first = new Conv2D({ filters: 2, kernelSize: 1, dataFormat: 'channels_first', name: 'hostile_c6f' });
  first.apply({ data: new Float32Array(0), shape: [0, 3, 4, 4] }); // built by an empty batch: 3 channels
  expectThrow(() => first.apply({ data: new Float32Array(2 * 16), shape: [1, 2, 4, 4] }), 'ValueError',
    "Input 0 with name 'None' of layer 'hostile_c6f' is incompatible with the layer: expected axis 1 of input shape to have value 3, but received input with shape (1, 2, 4, 4)");
  expectThrow(() => first.apply({ data: new Float32Array(4 * 4 * 3), shape: [1, 4, 4, 3, 1] }), 'ValueError',
    "Input 0 with name 'None' of layer 'hostile_c6f' is incompatible with the layer: expected axis 1 of input shape to have value 3, but received input with shape (1, 4, 4, 3, 1)");
  await expect(conv2dAsync({ data: new Float32Array(0), shape: [0, 2, 4, 4] }, first.kernel, null, { dataFormat: 'channels_first' }))
    .rejects.toThrow(new ValueError("kernel: the input's 2 channels are not a multiple of kernel.shape[2] = 3"));
});

// ── 7 ────────────────────────────────────────────────────────────────────────────────────────

test("7. setWeights with wrong shapes, counts or types: Keras' messages or a TypeError naming the argument, and the old weights stay", () => {
  // Keras' count and shape messages for well-typed tensors: test/api.test.ts ("wrong count and
  // wrong shapes"). Here: wrong types, partial failures, and that nothing changes on failure.
  const layer = new Conv2D({ filters: 2, kernelSize: 1, name: 'sw7' });
  layer.build([null, 1, 1, 3]);
  const rng = new Rng(7);
  layer.setWeights([tensor(rng.normalArray(6), [1, 1, 3, 2]), tensor(rng.normalArray(2), [2])]);
  const x = tensor(rng.normalArray(3 * 5), [5, 1, 1, 3]);
  const saved = layer.getWeights();
  const yBefore = layer.apply(x);
  const goodKernel = tensor(new Float32Array(6).fill(9), [1, 1, 3, 2]);
  const goodBias = tensor(new Float32Array(2).fill(9), [2]);
  const failures: [string, unknown, string, string | RegExp][] = [
    ['a number', 5, 'TypeError', 'weights: expected an array [kernel, bias] of tensors, received number 5'],
    ['null', null, 'TypeError', 'weights: expected an array [kernel, bias] of tensors, received null'],
    ['a Tensor', goodKernel, 'TypeError', 'weights: expected an array [kernel, bias] of tensors, received Tensor'],
    ['a Set', new Set([goodKernel, goodBias]), 'TypeError', 'weights: expected an array [kernel, bias] of tensors, received Set'],
    ['a string', 'kb', 'TypeError', 'weights: expected an array [kernel, bias] of tensors, received "kb"'],
    ['null entries', [null, null], 'TypeError', 'weights[0]: expected a Tensor or an object { data: Float32Array, shape: number[] }, received null'],
    ['bare Float32Arrays', [new Float32Array(6), new Float32Array(2)], 'TypeError',
      'weights[0]: expected a Tensor or an object { data: Float32Array, shape: number[] }, received Float32Array of length 6'],
    ['a good kernel and a bad bias', [goodKernel, 'bias'], 'TypeError',
      'weights[1]: expected a Tensor or an object { data: Float32Array, shape: number[] }, received "bias"'],
    ['a shape that is not an array', [{ data: new Float32Array(6), shape: '1,1,3,2' }, goodBias], 'TypeError',
      'weights[0].shape: expected an array of non-negative integers, received "1,1,3,2"'],
    ['DataView data', [goodKernel, { data: new DataView(new ArrayBuffer(8)), shape: [2] }], 'TypeError',
      'weights[1].data: expected a Float32Array (or another numeric typed array or array of numbers), received DataView of 8 bytes'],
    ['a non-number element', [goodKernel, { data: [1, 'x'], shape: [2] }], 'TypeError', 'weights[1].data[1]: expected a number, received "x"'],
    ['data of the wrong length', [goodKernel, { data: new Float32Array(3), shape: [2] }], 'RangeError',
      'weights[1].data: expected 2 elements for shape [2], received Float32Array of length 3'],
    ['three weights', [goodKernel, goodBias, goodBias], 'ValueError',
      "You called `set_weights(weights)` on layer 'sw7' with a weight list of length 3, but the layer was expecting 2 weights."],
    ['no weights', [], 'ValueError',
      "You called `set_weights(weights)` on layer 'sw7' with a weight list of length 0, but the layer was expecting 2 weights."],
    ['a flat kernel', [tensor(new Float32Array(6), [6]), goodBias], 'ValueError',
      'Layer sw7 weight shape (1, 1, 3, 2) is not compatible with provided weight shape (6,).'],
    ['a fractional dim', [{ data: new Float32Array(6), shape: [1, 1, 3, 2.5] }, goodBias], 'ValueError',
      'Layer sw7 weight shape (1, 1, 3, 2) is not compatible with provided weight shape (1, 1, 3, 2.5).'],
    ['a NaN dim', [goodKernel, { data: new Float32Array(2), shape: [Number.NaN] }], 'ValueError',
      'Layer sw7 weight shape (2,) is not compatible with provided weight shape (nan,).'],
  ];
  for (const [label, weights, name, message] of failures) {
    let caught: unknown = null;
    try {
      layer.setWeights(weights as never);
    } catch (err) {
      caught = err;
    }
    expect({ label, error: caught && { name: (caught as Error).name, message: (caught as Error).message } }).toEqual({ label, error: { name, message } });
    // Nothing was replaced: the same weights, and the packed copy the kernel runs is the same too.
    const now = layer.getWeights();
    expectSameBits(now[0], saved[0], `${label}: kernel`);
    expectSameBits(now[1], saved[1], `${label}: bias`);
    expectSameBits(layer.apply(x), yBefore, `${label}: output`);
  }
  // Converted, like every tensor argument: a Float64Array or plain array of the right shape.
  layer.setWeights([{ data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 1, 3, 2] } as never, { data: [0.5, 1 / 3], shape: [2] } as never]);
  expect(Array.from(layer.kernel.data)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(layer.bias!.data[1]).toBe(Math.fround(1 / 3));
  // A detached kernel (item 10) is refused the same way, and leaves the weights alone.
  const gone = new Float32Array(6);
  detach(gone.buffer);
  expect(() => layer.setWeights([{ data: gone, shape: [1, 1, 3, 2] }, goodBias])).toThrow(/^weights\[0\]\.data: expected a Float32Array with live memory/);
  expect(Array.from(layer.kernel.data)).toEqual([1, 2, 3, 4, 5, 6]);
});

// ── 8 ────────────────────────────────────────────────────────────────────────────────────────

test('8. weights replaced mid-flight: every call computes with the weights current when it was called', async () => {
  // How lib/conv2d.ts guarantees it: setWeights copies the arrays it is given; the first call after
  // a change packs the weights into native memory (a copy) and each call holds its own reference to
  // the packed set it started with (the native job keeps it alive). setWeights only drops the
  // layer's reference, so queued calls are untouched, and nothing a caller later writes into the
  // arrays it passed to setWeights (or into an old `layer.kernel.data`) reaches a packed set.
  // conv2d / conv2dAsync pack the kernel they are given at the call, likewise.
  const c = { filters: 16, kernelSize: 3, padding: 'same' as const };
  const xShape = [2, 20, 20, 8];
  const rng = new Rng(0x8);
  const layer = new Conv2D(c);
  layer.build(xShape);
  const kShape = layer.kernel.shape;
  const draw = () => [tensor(rng.normalArray(kShape.reduce((a, b) => a * b, 1)), kShape), tensor(rng.normalArray(c.filters), [c.filters])];
  const W = [draw(), draw(), draw()];
  const xs = Array.from({ length: 3 }, () => tensor(rng.normalArray(xShape.reduce((a, b) => a * b, 1)), xShape));

  // Reference results: sync apply on a separate layer with each set.
  const reference = new Conv2D(c);
  reference.build(xShape);
  const expected = W.map((w) => {
    reference.setWeights(w);
    return xs.map((x) => reference.apply(x));
  });

  // Heavy calls first, so the calls below wait in the queue while the weights change.
  const blocker = Promise.all(heavy(2));

  const kernelArrays = W.map((w) => Float32Array.from(w[0].data)); // what the caller passes, then scribbles on
  layer.setWeights([tensor(kernelArrays[0], kShape), W[0][1]]);
  const oldKernel = layer.kernel; // the layer's own array for set 0
  const calls0 = xs.map((x) => layer.applyAsync(x));
  const queued = getStats();
  expect(queued.queued + queued.running).toBeGreaterThan(0);
  layer.setWeights([tensor(kernelArrays[1], kShape), W[1][1]]);
  oldKernel.data.fill(1000); // the previous set's array, written in place
  kernelArrays[0].fill(-1000); // the array passed to the first setWeights
  const calls1 = xs.map((x) => layer.applyAsync(x));
  kernelArrays[1].fill(Number.NaN); // the array just passed to setWeights, while its calls wait
  layer.setWeights([tensor(kernelArrays[2], kShape), W[2][1]]);
  const calls2 = xs.map((x) => layer.applyAsync(x));
  // conv2dAsync packs its kernel at the call: writing into it afterwards changes nothing.
  const fnKernel = Float32Array.from(W[1][0].data);
  const fnCall = conv2dAsync(xs[0], { data: fnKernel, shape: kShape }, W[1][1], { padding: 'same' });
  fnKernel.fill(0);

  const [r0, r1, r2, fn] = await Promise.all([Promise.all(calls0), Promise.all(calls1), Promise.all(calls2), fnCall, blocker]);
  r0.forEach((y, i) => expectSameBits(y, expected[0][i], `set 0, call ${i}`));
  r1.forEach((y, i) => expectSameBits(y, expected[1][i], `set 1, call ${i}`));
  r2.forEach((y, i) => expectSameBits(y, expected[2][i], `set 2, call ${i}`));
  expectSameBits(fn, expected[1][0], 'conv2dAsync with its kernel overwritten after the call');
  // And after everything settled, the layer runs the last set.
  expectSameBits(layer.apply(xs[1]), expected[2][1], 'after');
  expectSameBits(layer.getWeights()[0], W[2][0], 'getWeights after');
}, 60000);

// ── 9 ────────────────────────────────────────────────────────────────────────────────────────

test('9. the out argument: wrong type, wrong length, aliasing the input, on a SharedArrayBuffer', async () => {
  // apply/applyAsync with out as a Float64Array, plain array, number or Float64 tensor, a wrong
  // shape or length, an unknown option, and out overlapping the input (a subarray of its buffer):
  // test/out.test.ts. Here: every entry, DataView, out being the input array itself, out on a
  // SharedArrayBuffer (written in place), and aliasing through a second SharedArrayBuffer object.
  const x = tensor(Float32Array.from([1, 2, 3, 4]), [1, 2, 2, 1]);
  const want = expectedSmall(x.data);
  for (const e of ENTRIES) {
    const o = e.outName;
    await expectFailure(e, x, 'TypeError',
      `${o}: expected a Float32Array, or a Tensor / { data: Float32Array, shape } of the result's shape, received DataView of 32 bytes`,
      { out: new DataView(new ArrayBuffer(32)) });
    await expectFailure(e, x, 'TypeError',
      `${o}: expected a Float32Array, or a Tensor / { data: Float32Array, shape } of the result's shape, received Float64Array of length 8`,
      { out: new Float64Array(8) });
    await expectFailure(e, x, 'RangeError',
      `${o}: expected a Float32Array of 8 elements (the result's shape [1, 2, 2, 2]), received Float32Array of length 7`,
      { out: new Float32Array(7) });
    await expectFailure(e, x, 'ValueError',
      `${o}.shape: expected [1, 2, 2, 2] (the result's shape), received [1, 2, 2, 1]`,
      { out: tensor(new Float32Array(4), [1, 2, 2, 1]) });
    // out is the input array itself (same length when filters == channels).
    const square = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 2, 2, 1] };
    const id = new Conv2D({ filters: 1, kernelSize: 1, useBias: false, kernelInitializer: 'ones' });
    const inputName = e.arg === 'inputs' ? 'the input' : 'x';
    const aliasMessage = `${o}: must not share memory with ${inputName} (the result is written while the input is read)`;
    const sameEntry: Entry = e.arg === 'inputs'
      ? { ...e, call: (xx, oo) => (e.sync ? id.apply(xx as TensorLike, oo as never) : id.applyAsync(xx as TensorLike, oo as never)) }
      : { ...e, call: (xx, oo) => (e.sync ? conv2d : conv2dAsync)(xx as TensorLike, tensor([1], [1, 1, 1, 1]), null, { ...(oo as object) }) };
    await expectFailure(sameEntry, square, 'ValueError', aliasMessage, { out: square.data });
    expect(Array.from(square.data)).toEqual([1, 2, 3, 4]); // untouched

    // out on a SharedArrayBuffer: written in place, a Tensor out is returned as is.
    const sab = new SharedArrayBuffer(4 * 16);
    const sharedOut = new Float32Array(sab, 16, 8).fill(Number.NaN);
    const y = await run(e, x, { out: sharedOut });
    expect(y.data).toBe(sharedOut);
    expect(Array.from(sharedOut)).toEqual(want);
    const sharedTensor = new Tensor(new Float32Array(new SharedArrayBuffer(32)), [1, 2, 2, 2]);
    expect(await run(e, x, { out: sharedTensor })).toBe(sharedTensor);
    expect(Array.from(sharedTensor.data)).toEqual(want);
    // input and out on one SharedArrayBuffer: disjoint is fine, overlapping is refused.
    const both = new Float32Array(sab);
    both.set(x.data, 0);
    const xs = { data: both.subarray(0, 4), shape: [1, 2, 2, 1] };
    expect(Array.from((await run(e, xs, { out: both.subarray(4, 12) })).data)).toEqual(want);
    await expectFailure(e, xs, 'ValueError', new RegExp(`^${o.replace('.', '\\.')}: must not share memory with`), { out: both.subarray(2, 10) });
    // The same memory through a second SharedArrayBuffer object (what a worker receives; here from
    // jest's other realm) is invisible to the JS check; the native entry compares addresses and
    // refuses it before writing, for the async calls too (they use shared memory in place).
    const twin = structuredClone(sab) as SharedArrayBuffer;
    expect(twin).not.toBe(sab);
    const twinOut = new Float32Array(twin, 8, 8);
    const settled = await Promise.resolve()
      .then(() => e.call(xs, { out: twinOut }))
      .then((y) => ({ y, error: null }), (error: unknown) => ({ y: null, error }));
    expectError(settled.error, 'RangeError', /^conv2d(Async)?: output must not share memory with input$/);
    expect(Array.from(both.subarray(0, 4))).toEqual([1, 2, 3, 4]); // nothing written
  }
  // A converted input (Float64Array) is a copy: out may overlap the caller's original array.
  const f64 = new Float64Array(8);
  f64.set([1, 2, 3, 4]);
  const over = new Float32Array(f64.buffer, 0, 8);
  expect(Array.from(LAYER.apply({ data: f64.subarray(0, 4) as never, shape: [1, 2, 2, 1] }, { out: over }).data)).toEqual(want);
});

// ── 10 ───────────────────────────────────────────────────────────────────────────────────────

test('10. an input whose ArrayBuffer is already detached: a TypeError naming the argument, even when the shape is empty', async () => {
  const message = (name: string, type = 'Float32Array') =>
    `${name}: expected a ${type} with live memory, received one whose ArrayBuffer is detached ` +
    '(transferred with postMessage / structuredClone / transfer()); pass a copy or a fresh array';
  for (const e of ENTRIES) {
    for (const how of ['structuredClone', 'postMessage'] as const) {
      const data = Float32Array.from([1, 2, 3, 4]);
      detach(data.buffer, how);
      // A detached array reads as length 0: without the check it would be a length mismatch, or
      // pass for an empty batch.
      await expectFailure(e, { data, shape: [1, 2, 2, 1] }, 'TypeError', message(`${e.arg}.data`));
      await expectFailure(e, { data, shape: [0, 2, 2, 1] }, 'TypeError', message(`${e.arg}.data`));
    }
    // A Tensor made before its buffer was transferred, and a detached Float64Array.
    const t = tensor(Float32Array.from([1, 2, 3, 4]), [1, 2, 2, 1]);
    detach(t.data.buffer as ArrayBuffer);
    await expectFailure(e, t, 'TypeError', message(`${e.arg}.data`));
    const f64 = Float64Array.from([1, 2, 3, 4]);
    detach(f64.buffer);
    await expectFailure(e, { data: f64, shape: [1, 2, 2, 1] }, 'TypeError', message(`${e.arg}.data`, 'Float64Array'));
    // A detached out.
    const out = new Float32Array(8);
    detach(out.buffer);
    await expectFailure(e, { data: new Float32Array(4), shape: [1, 2, 2, 1] }, 'TypeError', message(e.outName), { out });
    await expectFailure(e, { data: new Float32Array(4), shape: [1, 2, 2, 1] }, 'TypeError', message(`${e.outName}.data`),
      { out: { data: out, shape: [1, 2, 2, 2] } });
  }
  // The functional kernel and bias, and tensor().
  const k = Float32Array.from([2, -1]);
  detach(k.buffer);
  expectThrow(() => conv2d(tensor([1, 2, 3, 4], [1, 2, 2, 1]), { data: k, shape: [1, 1, 1, 2] }), 'TypeError', message('kernel.data'));
  const b = Float32Array.from([0, 0]);
  detach(b.buffer, 'postMessage');
  await expect(conv2dAsync(tensor([1, 2, 3, 4], [1, 2, 2, 1]), KERNEL, { data: b, shape: [2] })).rejects.toThrow(message('bias.data'));
  const d = new Float32Array(4);
  detach(d.buffer);
  expectThrow(() => tensor(d), 'TypeError', message('data'));
  expectThrow(() => tensor(d, [0]), 'TypeError', message('data'));
  expectThrow(() => new Tensor(d, [0]), 'TypeError', message('data'));
  // A live empty array is still a valid empty input.
  expect(LAYER.apply({ data: new Float32Array(0), shape: [0, 2, 2, 1] }).shape).toEqual([0, 2, 2, 2]);
});
