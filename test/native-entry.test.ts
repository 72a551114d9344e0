/**
 * The native module's own checks. The JS layer validates first, so these paths only run when
 * something calls the addon directly; they must still refuse bad arguments with a clear error
 * instead of reading or writing past a buffer.
 */
import { encodeConvParams, native, NativeConvParams } from '../lib/binding';

const fields = (over: Partial<NativeConvParams> = {}): NativeConvParams => ({
  batch: 1,
  height: 2,
  width: 3,
  channels: 2,
  channelsFirst: false,
  strideH: 1,
  strideW: 1,
  dilationH: 1,
  dilationW: 1,
  padding: 'valid',
  activation: 'linear',
  ...over,
});
const params = (over: Partial<NativeConvParams> = {}): Float64Array => encodeConvParams(fields(over));
// The encoded params with one slot overwritten (native/addon/conv_call.h, ConvParamSlot).
const withSlot = (slot: number, value: number): Float64Array => {
  const p = params();
  p[slot] = value;
  return p;
};

// The addon's errors come from Node's own realm, not jest's sandbox, so they are matched by name
// and message rather than by class.
function expectError(fn: () => unknown, name: 'RangeError' | 'TypeError', message: string): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).not.toBeNull();
  expect((caught as Error).name).toBe(name);
  expect((caught as Error).message).toBe(message);
}

// A 1x1 kernel, 2 channels in, 4 filters out: output [1, 2, 3, 4].
const packed = () =>
  native().packWeights(new Float32Array(8).fill(0.5), null, { kh: 1, kw: 1, cinPerGroup: 2, filters: 4, groups: 1 });

describe('conv2d (native entry) refuses what the JS layer would have refused', () => {
  test('a correct call computes the sum', () => {
    const out = new Float32Array(24).fill(NaN);
    native().conv2d(packed(), new Float32Array(12).fill(1), out, params());
    expect(Array.from(out)).toEqual(new Array(24).fill(1));
  });

  test.each([
    ['input too short', 11, 24, {}, 'conv2d: input: expected 12 elements for shape [1, 2, 3, 2], received 11'],
    ['output too long', 12, 25, {}, 'conv2d: output: expected 24 elements for shape [1, 2, 3, 4], received 25'],
    ['output, channels_first', 12, 23, { channelsFirst: true }, 'conv2d: output: expected 24 elements for shape [1, 4, 2, 3], received 23'],
  ])('%s: RangeError naming the buffer, its shape and length', (_name, inLen, outLen, over, message) => {
    const out = new Float32Array(outLen).fill(7);
    expectError(() => native().conv2d(packed(), new Float32Array(inLen), out, params(over)), 'RangeError', message);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  test.each([
    ['strideH', { strideH: 0 }, 'RangeError', 'conv2d: params.strideH must be a positive safe integer, received 0'],
    ['batch', { batch: -1 }, 'RangeError', 'conv2d: params.batch must be a non-negative safe integer, received -1'],
    ['width', { width: 2.5 }, 'RangeError', 'conv2d: params.width must be a positive safe integer, received 2.5'],
    ['height', { height: 2 ** 53 }, 'RangeError', 'conv2d: params.height must be a positive safe integer, received 9007199254740992'],
    ['alpha', { alpha: Infinity }, 'RangeError', 'conv2d: params.alpha must be a finite number or NaN (the default), received Infinity'],
  ] as const)('params.%s', (_name, over, type, message) => {
    expectError(() => native().conv2d(packed(), new Float32Array(12), new Float32Array(24), params(over)), type, message);
  });

  test.each([
    ['channelsFirst', 4, 0.5, 'conv2d: params.channelsFirst must be 0 or 1, received 0.5'],
    ['padding', 9, 2, 'conv2d: params.padding must be 0 (valid) or 1 (same), received 2'],
    ['activation', 10, 17, 'conv2d: params.activation must be an index below 17 into fusedActivations, received 17'],
    ['activation (NaN)', 10, NaN, 'conv2d: params.activation must be an index below 17 into fusedActivations, received NaN'],
    ['dilationW (NaN)', 8, NaN, 'conv2d: params.dilationW must be a positive safe integer, received NaN'],
  ])('encoded slot %s out of range', (_name, slot, value, message) => {
    expectError(() => native().conv2d(packed(), new Float32Array(12), new Float32Array(24), withSlot(slot, value)), 'RangeError', message);
  });

  test.each([
    ['an object', { batch: 1 }, 'an object'],
    ['a Float64Array of 11', new Float64Array(11), 'a Float64Array'],
    ['a Float32Array', new Float32Array(12), 'a Float32Array'],
  ])('params as %s: TypeError', (_name, value, described) => {
    expectError(
      () => native().conv2d(packed(), new Float32Array(12), new Float32Array(24), value as unknown as Float64Array),
      'TypeError',
      `conv2d: params must be a Float64Array of 12 numbers (encodeConvParams), received ${described}`,
    );
  });

  test('fused activations: the native list names each code once, and the encoder refuses others', () => {
    const names = native().fusedActivations;
    expect(names[0]).toBe('linear');
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['relu', 'relu6', 'leaky_relu', 'sigmoid', 'tanh', 'silu', 'gelu']));
    expect(() => encodeConvParams(fields({ activation: 'softmax' }))).toThrow("activation 'softmax' has no native epilogue");
  });

  test('leaky_relu with its default and with an explicit slope', () => {
    const kernel = new Float32Array(8).fill(-0.5); // every output -1 before the activation
    const w = native().packWeights(kernel, null, { kh: 1, kw: 1, cinPerGroup: 2, filters: 4, groups: 1 });
    const out = new Float32Array(24);
    native().conv2d(w, new Float32Array(12).fill(1), out, params({ activation: 'leaky_relu' }));
    expect(out[0]).toBeCloseTo(-0.2, 6); // Keras' default slope
    native().conv2d(w, new Float32Array(12).fill(1), out, params({ activation: 'leaky_relu', alpha: 0.5 }));
    expect(out[0]).toBeCloseTo(-0.5, 6);
  });

  test('conv2dAsync copies the shared params array before it returns', async () => {
    const w = native().packWeights(new Float32Array(8).fill(-0.5), null, { kh: 1, kw: 1, cinPerGroup: 2, filters: 4, groups: 1 });
    const out = new Float32Array(24);
    const pending = native().conv2dAsync(w, new Float32Array(12).fill(1), out, params({ activation: 'relu' }));
    // Overwrites the shared array while the first call may still be queued.
    const other = params({ activation: 'linear', batch: 0, channelsFirst: true });
    expect(other[0]).toBe(0);
    await pending;
    expect(Array.from(out)).toEqual(new Array(24).fill(0)); // relu(-1), not -1
  });

  test('a released handle is refused; a call queued before the release still computes', async () => {
    const w = packed();
    const out = new Float32Array(24);
    const pending = native().conv2dAsync(w, new Float32Array(12).fill(1), out, params());
    native().releasePackedWeights(w);
    native().releasePackedWeights(w); // twice is harmless
    await pending;
    expect(Array.from(out)).toEqual(new Array(24).fill(1));
    expectError(
      () => native().conv2d(w, new Float32Array(12), new Float32Array(24), params()),
      'TypeError',
      'conv2d: packed must be a PackedWeights object from packWeights() that was not released, received an object',
    );
    expectError(
      () => native().releasePackedWeights({} as never),
      'TypeError',
      'releasePackedWeights: handle must be a PackedWeights object from packWeights(), received an object',
    );
  });

  test('input and output sharing memory', () => {
    const buffer = new Float32Array(40);
    expectError(
      () => native().conv2d(packed(), buffer.subarray(0, 12), buffer.subarray(8, 32), params()),
      'RangeError',
      'conv2d: output must not share memory with input',
    );
  });

  test('a Float64Array input', () => {
    expectError(
      () => native().conv2d(packed(), new Float64Array(12) as unknown as Float32Array, new Float32Array(24), params()),
      'TypeError',
      'conv2d: input must be a Float32Array, received a Float64Array',
    );
  });
});
