/**
 * The native module's own checks. The JS layer validates first, so these paths only run when
 * something calls the addon directly; they must still refuse bad arguments with a clear error
 * instead of reading or writing past a buffer.
 */
import { native, NativeConvParams } from '../lib/binding';

const params = (over: Partial<NativeConvParams> = {}): NativeConvParams => ({
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
    ['channelsFirst', { channelsFirst: 1 as unknown as boolean }, 'TypeError', 'conv2d: params.channelsFirst must be a boolean, received a number (1)'],
    ['padding', { padding: 'full' as 'same' }, 'TypeError', "conv2d: params.padding must be 'valid' or 'same', received 'full'"],
    ['alpha', { alpha: Infinity }, 'RangeError', 'conv2d: params.alpha must be a finite number, received Infinity'],
  ] as const)('params.%s', (_name, over, type, message) => {
    expectError(() => native().conv2d(packed(), new Float32Array(12), new Float32Array(24), params(over)), type, message);
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
