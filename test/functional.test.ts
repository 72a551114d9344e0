/**
 * The functional API `conv2d(x, kernel, bias, options)` against the float64 reference
 * (groups derived from the shapes as C_in / kernel.shape[2], bias null or given, both formats,
 * strides > 1 together with dilation > 1 as keras.ops.conv allows), and its input errors.
 */
import { conv2d, Conv2D, tensor, ValueError } from '../lib';
import { Rng, caseSeed } from './helpers/random';
import { referenceConv2d, assertWithinBound, ErrorStats, type DataFormat, type Pair } from './helpers/reference';

const stats = new ErrorStats();
afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(stats.report('functional.test.ts'));
});

interface FCase {
  index: number;
  seed: number;
  dataFormat: DataFormat;
  groups: number;
  cg: number;
  filters: number;
  kernelSize: Pair;
  strides: Pair;
  dilationRate: Pair;
  padding: string;
  batch: number;
  height: number;
  width: number;
  withBias: boolean;
  activation: string | null;
}

const SEED = 0xf00c7;

function makeCase(index: number): FCase {
  const seed = caseSeed(SEED, index);
  const rng = new Rng(seed);
  const groups = rng.pick([1, 1, 2, 3, 4, 6]);
  const depthwise = rng.bool(0.25);
  const cg = depthwise ? 1 : rng.int(1, 4);
  const filters = groups * rng.int(1, 3);
  const kh = rng.int(1, 4);
  const kw = rng.int(1, 4);
  const strides: Pair = [rng.int(1, 3), rng.int(1, 3)];
  // keras.ops.conv accepts strides > 1 with dilation > 1: about a third of the cases combine them
  const dilationRate: Pair = rng.bool(0.4) ? [rng.int(1, 3), rng.int(1, 3)] : [1, 1];
  const padding = rng.pick(['valid', 'same', 'SAME']);
  const keff = (k: number, d: number) => (k - 1) * d + 1;
  const size = (k: number, d: number) => (padding === 'valid' ? keff(k, d) + rng.int(0, 5) : rng.int(1, 10));
  return {
    index,
    seed,
    dataFormat: index % 2 === 0 ? 'channels_last' : 'channels_first',
    groups,
    cg,
    filters,
    kernelSize: [kh, kw],
    strides,
    dilationRate,
    padding,
    batch: rng.int(1, 2),
    height: size(kh, dilationRate[0]),
    width: size(kw, dilationRate[1]),
    withBias: rng.bool(),
    activation: rng.pick([null, 'linear', 'relu', 'tanh', 'softmax', 'elu']),
  };
}

const cases = Array.from({ length: 40 }, (_, i) => makeCase(i));

function describeCase(c: FCase): string {
  return (
    `functional #${c.index} seed=0x${c.seed.toString(16)} ${c.dataFormat} x=[${c.batch},${c.height},${c.width}]·C${c.groups * c.cg} ` +
    `kernel=[${c.kernelSize},${c.cg},${c.filters}] (groups ${c.groups}) s=${c.strides} d=${c.dilationRate} ${c.padding} ` +
    `bias=${c.withBias} act=${c.activation}`
  );
}

describe('conv2d vs the float64 reference', () => {
  test.each(cases.map((c) => [describeCase(c), c] as const))('%s', (label, c) => {
    const rng = new Rng(c.seed ^ 0x1234);
    const C = c.groups * c.cg;
    const xShape = c.dataFormat === 'channels_last' ? [c.batch, c.height, c.width, C] : [c.batch, C, c.height, c.width];
    const kShape = [c.kernelSize[0], c.kernelSize[1], c.cg, c.filters];
    const K = c.kernelSize[0] * c.kernelSize[1] * c.cg;
    const x = { data: rng.normalArray(xShape.reduce((a, b) => a * b, 1)), shape: xShape };
    const k = { data: rng.uniformArray(kShape.reduce((a, b) => a * b, 1), -Math.sqrt(3 / K), Math.sqrt(3 / K)), shape: kShape };
    const b = c.withBias ? { data: rng.normalArray(c.filters, 0.5), shape: [c.filters] } : null;
    const y = conv2d(x, k, b, {
      strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, activation: c.activation,
    });
    // the reference derives the groups from the shapes too; check it agrees with the intended count
    const r = referenceConv2d(x, k, b, {
      strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, activation: c.activation,
    });
    expect(r.groups).toBe(c.groups);
    const s = assertWithinBound(y, r, label);
    stats.add(c.activation ?? 'linear', s, `#${c.index}`);
  });

  test('cases cover groups 1..6, depthwise, strides+dilation together, no bias, both formats', () => {
    for (const g of [1, 2, 3, 4, 6]) expect(cases.some((c) => c.groups === g)).toBe(true);
    expect(cases.some((c) => c.cg === 1 && c.groups > 1)).toBe(true);
    expect(cases.some((c) => Math.max(...c.strides) > 1 && Math.max(...c.dilationRate) > 1)).toBe(true);
    expect(cases.some((c) => !c.withBias)).toBe(true);
    expect(cases.some((c) => c.dataFormat === 'channels_first' && c.groups > 1)).toBe(true);
  });

  test('the group count is C_in / kernel.shape[2]: the same kernel gives different results on 2 and 6 channels', () => {
    // kernel (1,1,2,2) on 2 channels → groups 1 (both filters see both channels);
    // on 6 channels → groups 3 would need filters % 3 == 0, so use filters = 6 with cg = 2.
    const k = { data: Float32Array.from({ length: 2 * 6 }, (_, i) => i + 1), shape: [1, 1, 2, 6] };
    const x6 = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 1, 1, 6] };
    // groups 3: filters 0,1 ← channels 0,1; 2,3 ← 2,3; 4,5 ← 4,5. k[q][f] = q·6 + f + 1.
    const expected6 = [0, 1, 2, 3, 4, 5].map((f) => {
      const g = Math.floor(f / 2);
      return x6.data[2 * g] * (0 * 6 + f + 1) + x6.data[2 * g + 1] * (1 * 6 + f + 1);
    });
    expect(Array.from(conv2d(x6, k, null).data)).toEqual(expected6);
    const x2 = { data: Float32Array.from([1, 2]), shape: [1, 1, 1, 2] };
    const expected2 = [0, 1, 2, 3, 4, 5].map((f) => 1 * (f + 1) + 2 * (6 + f + 1));
    expect(Array.from(conv2d(x2, k, null).data)).toEqual(expected2);
  });

  test('conv2d and the layer agree bit for bit on the same weights', () => {
    const rng = new Rng(77);
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const xShape = dataFormat === 'channels_last' ? [2, 7, 6, 6] : [2, 6, 7, 6];
      const x = { data: rng.normalArray(2 * 7 * 6 * 6), shape: xShape };
      const layer = new Conv2D({ filters: 9, kernelSize: [3, 2], padding: 'same', strides: [2, 1], groups: 3, dataFormat, activation: 'selu' });
      layer.build(xShape);
      const k = tensor(rng.uniformArray(3 * 2 * 2 * 9, -0.5, 0.5), [3, 2, 2, 9]);
      const b = tensor(rng.normalArray(9), [9]);
      layer.setWeights([k, b]);
      const yl = layer.apply(x);
      const yf = conv2d(x, k, b, { padding: 'same', strides: [2, 1], dataFormat, activation: 'selu' });
      expect(yf.shape).toEqual(yl.shape);
      expect(Array.from(yf.data)).toEqual(Array.from(yl.data));
    }
  });

  test('bias null, undefined and zeros give the same result', () => {
    const rng = new Rng(78);
    const x = { data: rng.normalArray(1 * 5 * 5 * 3), shape: [1, 5, 5, 3] };
    const k = { data: rng.normalArray(3 * 3 * 3 * 4), shape: [3, 3, 3, 4] };
    const a = conv2d(x, k, null, { padding: 'same' });
    const b = conv2d(x, k, undefined, { padding: 'same' });
    const z = conv2d(x, k, { data: new Float32Array(4), shape: [4] }, { padding: 'same' });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    // +0 bias can differ only in the sign of zero, which float equality ignores
    expect(Array.from(z.data).map((v) => v + 0)).toEqual(Array.from(a.data).map((v) => v + 0));
    const r = referenceConv2d(x, k, null, { padding: 'same' });
    assertWithinBound(a, r, 'bias null');
  });

  test('defaults: strides 1, valid, channels_last (when no keras.json says otherwise), dilation 1', () => {
    const rng = new Rng(79);
    const x = { data: rng.normalArray(2 * 6 * 5 * 2), shape: [2, 6, 5, 2] };
    const k = { data: rng.normalArray(2 * 3 * 2 * 3), shape: [2, 3, 2, 3] };
    const y = conv2d(x, k);
    expect(y.shape).toEqual([2, 5, 3, 3]);
    assertWithinBound(y, referenceConv2d(x, k, null, {}), 'defaults');
  });
});

describe('conv2d input errors', () => {
  const x = { data: new Float32Array(1 * 5 * 5 * 6), shape: [1, 5, 5, 6] };
  const expectValueError = (f: () => unknown, text?: string | RegExp) => {
    let err: unknown = null;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValueError);
    if (text !== undefined) expect((err as Error).message).toMatch(text);
  };

  test('kernel of rank 3 or 5', () => {
    expectValueError(() => conv2d(x, { data: new Float32Array(3 * 3 * 6), shape: [3, 3, 6] }), /kernel/);
    expectValueError(() => conv2d(x, { data: new Float32Array(3 * 3 * 6 * 2), shape: [1, 3, 3, 6, 2] }), /kernel/);
  });

  test('input channels not divisible by kernel.shape[2]', () => {
    expectValueError(() => conv2d(x, { data: new Float32Array(3 * 3 * 4 * 2), shape: [3, 3, 4, 2] }), /6/);
    // channels_first reads channels from axis 1: 5 channels vs kernel slots 2
    const xf = { data: new Float32Array(1 * 5 * 6 * 6), shape: [1, 5, 6, 6] };
    expectValueError(() => conv2d(xf, { data: new Float32Array(2 * 2), shape: [1, 1, 2, 2] }, null, { dataFormat: 'channels_first' }));
  });

  test('filters not divisible by the derived group count', () => {
    // 6 channels / 2 slots = 3 groups; 4 filters
    expectValueError(() => conv2d(x, { data: new Float32Array(2 * 4), shape: [1, 1, 2, 4] }), /filters/);
  });

  test('bias of the wrong shape', () => {
    const k = { data: new Float32Array(6 * 3), shape: [1, 1, 6, 3] };
    expectValueError(() => conv2d(x, k, { data: new Float32Array(4), shape: [4] }), /bias/);
    expectValueError(() => conv2d(x, k, { data: new Float32Array(3), shape: [1, 3] }), /bias/);
  });

  test('input of rank 3', () => {
    const k = { data: new Float32Array(6 * 3), shape: [1, 1, 6, 3] };
    expectValueError(() => conv2d({ data: new Float32Array(150), shape: [5, 5, 6] }, k));
  });

  test('valid padding with a kernel larger than the image', () => {
    const k = { data: new Float32Array(6 * 6 * 6), shape: [6, 6, 6, 1] };
    expectValueError(() => conv2d(x, k), /Computed output size would be zero or negative/);
    // 'same' is fine and gives ceil(5/1) = 5
    expect(conv2d(x, k, null, { padding: 'same' }).shape).toEqual([1, 5, 5, 1]);
  });

  test('bad padding, strides and data format values', () => {
    const k = { data: new Float32Array(6), shape: [1, 1, 6, 1] };
    expectValueError(() => conv2d(x, k, null, { padding: 'full' }), /padding/);
    expectValueError(() => conv2d(x, k, null, { strides: 0 }), /strides/);
    expectValueError(() => conv2d(x, k, null, { dilationRate: [1, 0] }), /dilation_rate/);
    expectValueError(() => conv2d(x, k, null, { dataFormat: 'NHWC' }), /data_format/);
  });

  test('data length not matching the shape is rejected before any native call', () => {
    const k = { data: new Float32Array(5), shape: [1, 1, 6, 1] };
    expect(() => conv2d(x, k)).toThrow(RangeError);
  });
});
