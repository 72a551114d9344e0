/**
 * Numerical correctness of the Conv2D layer against an independent float64 reference
 * (test/helpers/reference.ts, whose header states and justifies the per-element tolerance:
 * 4·√K·u·Σ|w·x| + 4·u·|y|, plus the activation's propagated and approximation error).
 *
 * - 214 seeded cases (170 randomized, 38 targeted, 6 wide-channel) over data formats, kernel sizes, strides, dilation,
 *   groups (incl. depthwise), padding, odd/even/tiny image sizes, batch, bias and 13 activations;
 * - Keras' deterministic ops test (arange data; exact integer results) and ConvCorrectnessTest shapes;
 * - hand-computed known answers for the padding split, groups and dilation;
 * - channels_first of full-size maps (direct NCHW write, batch parts, column-order transposes)
 *   bit-equal to channels_last, transposed, under every kernel set.
 * Every failure message carries the case's seed and configuration.
 */
import { Conv2D, conv2d, tensor, info, getIsa, setIsa } from '../lib';
import { Rng, caseSeed } from './helpers/random';
import { expectSameBits } from './helpers/layer-cases';
import {
  referenceConv2d, assertWithinBound, ErrorStats, nhwcToNchw, erf, erfc, ulp32, samePads, outLen,
  type DataFormat, type Pair, type RefResult,
} from './helpers/reference';

/** The kernel sets this machine runs, best first (e.g. ['avx2', 'scalar']). */
const ISAS = info().availableIsas;

const SUITE_SEED = 0x5eed2d01;
const stats = new ErrorStats();

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(stats.report('numerics.test.ts'));
});

const ACTS = [
  'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'tanh', 'silu', 'gelu',
  'hard_sigmoid', 'softplus', 'softmax',
] as const;

interface Case {
  index: number;
  seed: number;
  dataFormat: DataFormat;
  kernelSize: Pair;
  strides: Pair;
  dilationRate: Pair;
  groups: number;
  groupMode: '1' | '2' | '3' | 'depthwise';
  channels: number;
  filters: number;
  padding: string; // as spelled to the layer (mixed case on purpose)
  batch: number;
  height: number;
  width: number;
  useBias: boolean;
  activation: string;
  /** Scale of the pre-activation values (relu6 needs > 6 to hit its clip). */
  scale: number;
}

function describeCase(c: Case): string {
  return (
    `case #${c.index} seed=0x${c.seed.toString(16)} ${c.dataFormat} x=[${c.batch},${c.height},${c.width}]·C${c.channels} ` +
    `k=${c.kernelSize.join('x')} s=${c.strides.join(',')} d=${c.dilationRate.join(',')} pad=${c.padding} ` +
    `groups=${c.groups}(${c.groupMode}) F=${c.filters} bias=${c.useBias} act=${c.activation} scale=${c.scale}`
  );
}

const STRIDES: Pair[] = [[2, 2], [3, 3], [2, 1], [1, 2], [1, 3], [3, 2]];
const DILATIONS: Pair[] = [[2, 2], [3, 3], [1, 2], [2, 1], [3, 1], [1, 3]];
const PADDING_SPELLINGS = { valid: ['valid', 'VALID', 'Valid'], same: ['same', 'SAME', 'Same'] };

function makeCase(index: number): Case {
  const seed = caseSeed(SUITE_SEED, index);
  const rng = new Rng(seed);
  const activation = ACTS[index % ACTS.length];
  const dataFormat: DataFormat = Math.floor(index / ACTS.length) % 2 === 0 ? 'channels_last' : 'channels_first';
  const kh = rng.int(1, 5);
  const kw = rng.bool(0.5) ? kh : rng.int(1, 5);
  let strides: Pair = [1, 1];
  let dilationRate: Pair = [1, 1];
  const sd = rng.next();
  if (sd < 0.4) strides = rng.pick(STRIDES);
  else if (sd < 0.75) dilationRate = rng.pick(DILATIONS);
  const groupMode = rng.pick(['1', '1', '2', '3', 'depthwise'] as const);
  let groups: number;
  let channels: number;
  let filters: number;
  if (groupMode === 'depthwise') {
    channels = rng.int(1, 8);
    groups = channels;
    filters = channels * rng.int(1, 3);
  } else {
    groups = Number(groupMode);
    channels = groups * rng.int(1, 4);
    filters = groups * rng.int(1, 3);
  }
  const same = rng.bool(0.55);
  const keffH = (kh - 1) * dilationRate[0] + 1;
  const keffW = (kw - 1) * dilationRate[1] + 1;
  const sizeFor = (keff: number): number => {
    if (!same) return keff + rng.int(0, 5);
    const r = rng.next();
    if (r < 0.15) return 1;
    if (r < 0.4) return rng.int(1, Math.max(1, keff - 1)); // smaller than the dilated kernel
    return rng.int(2, 11);
  };
  let height = sizeFor(keffH);
  let width = sizeFor(keffW);
  if (index % 23 === 5) {
    // A 1×1 image with 'same' padding, regardless of the kernel.
    height = 1;
    width = 1;
  }
  const padding = rng.pick(PADDING_SPELLINGS[same || index % 23 === 5 ? 'same' : 'valid']);
  return {
    index,
    seed,
    dataFormat,
    kernelSize: [kh, kw],
    strides,
    dilationRate,
    groups,
    groupMode,
    channels,
    filters,
    padding,
    batch: rng.int(1, 3),
    height,
    width,
    useBias: rng.bool(0.7),
    activation,
    scale: activation === 'relu6' ? 8 : rng.pick([0.5, 1, 2, 3]),
  };
}

/** Explicit cases that the brief names, so they are covered whatever the seed draws. */
function targetedCases(start: number): Case[] {
  const base = (over: Partial<Case>, i: number): Case => {
    const c: Case = {
      index: start + i,
      seed: caseSeed(SUITE_SEED ^ 0x7a7a, i),
      dataFormat: 'channels_last',
      kernelSize: [3, 3],
      strides: [1, 1],
      dilationRate: [1, 1],
      groups: 1,
      groupMode: '1',
      channels: 3,
      filters: 4,
      padding: 'same',
      batch: 2,
      height: 7,
      width: 6,
      useBias: true,
      activation: 'linear',
      scale: 1,
      ...over,
    };
    return c;
  };
  const list: Partial<Case>[] = [];
  for (const dataFormat of ['channels_last', 'channels_first'] as const) {
    list.push(
      // 1×1 images, 'same', big kernels
      { dataFormat, height: 1, width: 1, kernelSize: [5, 5], padding: 'same' },
      { dataFormat, height: 1, width: 1, kernelSize: [3, 2], strides: [2, 1], padding: 'same' },
      { dataFormat, height: 1, width: 1, kernelSize: [1, 1], padding: 'valid' },
      // sizes smaller than the dilated kernel, 'same'
      { dataFormat, height: 2, width: 3, kernelSize: [3, 3], dilationRate: [3, 3], padding: 'same' },
      { dataFormat, height: 4, width: 1, kernelSize: [2, 5], dilationRate: [1, 2], padding: 'same' },
      // odd and even sizes with stride 2 'same' (extra padding at bottom/right)
      { dataFormat, height: 8, width: 9, kernelSize: [3, 3], strides: [2, 2], padding: 'same' },
      { dataFormat, height: 9, width: 8, kernelSize: [4, 2], strides: [2, 2], padding: 'same' },
      { dataFormat, height: 10, width: 7, kernelSize: [5, 4], strides: [3, 3], padding: 'same' },
      { dataFormat, height: 6, width: 11, kernelSize: [2, 3], strides: [2, 1], padding: 'same' },
      { dataFormat, height: 6, width: 11, kernelSize: [2, 3], strides: [2, 1], padding: 'valid' },
      { dataFormat, height: 7, width: 9, kernelSize: [3, 2], dilationRate: [1, 2], padding: 'valid' },
      { dataFormat, height: 7, width: 9, kernelSize: [3, 2], dilationRate: [1, 2], padding: 'same' },
      // groups 2, 3 and depthwise with a channel multiplier
      { dataFormat, channels: 6, groups: 2, groupMode: '2', filters: 4, kernelSize: [3, 1] },
      { dataFormat, channels: 9, groups: 3, groupMode: '3', filters: 6, kernelSize: [2, 2], strides: [2, 2] },
      { dataFormat, channels: 5, groups: 5, groupMode: 'depthwise', filters: 15, kernelSize: [3, 3], padding: 'same' },
      { dataFormat, channels: 8, groups: 8, groupMode: 'depthwise', filters: 8, kernelSize: [5, 5], dilationRate: [2, 2], height: 9, width: 10, padding: 'valid' },
      // batch 3, no bias, non-square kernel
      { dataFormat, batch: 3, useBias: false, kernelSize: [1, 5], height: 5, width: 5, padding: 'valid' },
      // a wider dot product (K = 3·3·32 = 288) to exercise the √K scaling
      { dataFormat, channels: 32, filters: 16, kernelSize: [3, 3], height: 6, width: 6, batch: 1 },
      // softmax over the last axis (channels for channels_last, W for channels_first)
      { dataFormat, activation: 'softmax', filters: 5, width: 4, scale: 3 },
    );
  }
  return list.map(base);
}

const RANDOM_CASES = 170;
const cases: Case[] = [];
for (let i = 0; i < RANDOM_CASES; i++) cases.push(makeCase(i));
cases.push(...targetedCases(RANDOM_CASES));

/** Draws the inputs, runs the layer, checks it against the reference. */
function runLayerCase(c: Case): { result: RefResult; y: { data: Float32Array; shape: number[] } } {
  const rng = new Rng(c.seed ^ 0xdada);
  const xShape =
    c.dataFormat === 'channels_last'
      ? [c.batch, c.height, c.width, c.channels]
      : [c.batch, c.channels, c.height, c.width];
  const cg = c.channels / c.groups;
  const K = c.kernelSize[0] * c.kernelSize[1] * cg;
  const kShape = [c.kernelSize[0], c.kernelSize[1], cg, c.filters];
  const x = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
  // Uniform(−1, 1)·√3/√K keeps y ≈ N(0, scale²) whatever K is.
  const kLimit = (c.scale * Math.sqrt(3)) / Math.sqrt(K);
  const kernel = rng.uniformArray(kShape.reduce((a, b) => a * b, 1), -kLimit, kLimit);
  const bias = rng.normalArray(c.filters, 0.5 * c.scale);

  const layer = new Conv2D({
    filters: c.filters,
    kernelSize: c.kernelSize,
    strides: c.strides,
    padding: c.padding,
    dataFormat: c.dataFormat,
    dilationRate: c.dilationRate,
    groups: c.groups,
    activation: c.activation,
    useBias: c.useBias,
  });
  layer.build(xShape);
  expect(layer.kernel.shape).toEqual(kShape);
  layer.setWeights(c.useBias ? [tensor(kernel, kShape), tensor(bias, [c.filters])] : [tensor(kernel, kShape)]);
  const y = layer.apply({ data: x, shape: xShape });
  const result = referenceConv2d(
    { data: x, shape: xShape },
    { data: kernel, shape: kShape },
    c.useBias ? { data: bias, shape: [c.filters] } : null,
    {
      strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilationRate: c.dilationRate,
      groups: c.groups, activation: c.activation,
    },
  );
  expect(layer.computeOutputShape(xShape)).toEqual(result.shape);
  return { result, y };
}

describe('reference self-checks (no native code involved)', () => {
  test('erf/erfc match tabulated values', () => {
    const table: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [-1.5, -0.9661051464753108],
    ];
    for (const [z, v] of table) expect(Math.abs(erf(z) - v)).toBeLessThan(2e-16 * 4);
    // erfc below 3 is 1 − erf (losing ~3 digits at 2.5); 1e-11 relative is still 5 orders of
    // magnitude below float32's 6e-8, which is all the gelu reference needs.
    const tableC: [number, number][] = [
      [2.5, 4.069520174449589e-4],
      [3, 2.2090496998585438e-5],
      [4, 1.541725790028002e-8],
      [5, 1.5374597944280351e-12],
    ];
    for (const [z, v] of tableC) expect(Math.abs(erfc(z) - v) / v).toBeLessThan(1e-11);
    expect(erfc(-3)).toBeCloseTo(2 - 2.209049699858544e-5, 15);
  });

  test('ulp32 and the same-padding split', () => {
    expect(ulp32(1)).toBe(2 ** -23);
    expect(ulp32(1.5)).toBe(2 ** -23);
    expect(ulp32(0.999)).toBe(2 ** -24);
    expect(ulp32(-6)).toBe(2 ** -21);
    expect(ulp32(0)).toBe(2 ** -149);
    // spec §4 / conv_test.py's _same_padding equivalent form
    for (let n = 1; n <= 12; n++) {
      for (let k = 1; k <= 5; k++) {
        for (let s = 1; s <= 3; s++) {
          for (let d = 1; d <= 3; d++) {
            const keff = (k - 1) * d + 1;
            const P = n % s === 0 ? Math.max(keff - s, 0) : Math.max(keff - (n % s), 0);
            expect(samePads(n, k, s, d)).toEqual([Math.floor(P / 2), P - Math.floor(P / 2)]);
            expect(outLen(n, k, s, d, 'same')).toBe(Math.floor((n - 1) / s) + 1);
          }
        }
      }
    }
  });
});

describe('randomized layer cases vs the float64 reference', () => {
  test('the case list covers what the brief requires', () => {
    const has = (p: (c: Case) => boolean) => cases.some(p);
    for (const a of ACTS) {
      for (const f of ['channels_last', 'channels_first']) {
        expect([a, f, has((c) => c.activation === a && c.dataFormat === f)]).toEqual([a, f, true]);
      }
    }
    for (let k = 1; k <= 5; k++) expect(has((c) => c.kernelSize[0] === k || c.kernelSize[1] === k)).toBe(true);
    expect(has((c) => c.kernelSize[0] !== c.kernelSize[1])).toBe(true);
    for (const s of [1, 2, 3]) expect(has((c) => c.strides[0] === s)).toBe(true);
    expect(has((c) => c.strides[0] === 2 && c.strides[1] === 1)).toBe(true);
    for (const d of [1, 2, 3]) expect(has((c) => c.dilationRate[0] === d)).toBe(true);
    expect(has((c) => c.dilationRate[0] === 1 && c.dilationRate[1] === 2)).toBe(true);
    for (const g of ['1', '2', '3', 'depthwise']) expect(has((c) => c.groupMode === g)).toBe(true);
    expect(has((c) => c.groupMode === 'depthwise' && c.filters > c.channels)).toBe(true);
    expect(has((c) => c.height === 1 && c.width === 1)).toBe(true);
    expect(has((c) => c.height !== c.width)).toBe(true);
    expect(has((c) => c.padding.toLowerCase() === 'same' && c.height < (c.kernelSize[0] - 1) * c.dilationRate[0] + 1)).toBe(true);
    expect(has((c) => c.padding.toLowerCase() === 'same' && c.height % 2 === 0 && c.strides[0] === 2)).toBe(true);
    expect(has((c) => c.padding.toLowerCase() === 'same' && c.height % 2 === 1 && c.strides[0] === 2)).toBe(true);
    for (const b of [1, 2, 3]) expect(has((c) => c.batch === b)).toBe(true);
    expect(has((c) => !c.useBias)).toBe(true);
    expect(has((c) => c.useBias)).toBe(true);
    expect(cases.every((c) => !(Math.max(...c.strides) > 1 && Math.max(...c.dilationRate) > 1))).toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  // Every kernel set this machine can run (e.g. avx2 and scalar) gets the whole matrix.
  describe.each(ISAS)('isa %s', (isa) => {
    beforeAll(() => setIsa(isa));
    afterAll(() => setIsa(''));
    test.each(cases.map((c) => [describeCase(c), c] as const))('%s', (label, c) => {
      expect(getIsa()).toBe(isa);
      const { result, y } = runLayerCase(c);
      const s = assertWithinBound(y, result, `[${isa}] ${label}`);
      stats.add(`${c.activation} [${isa}]`, s, `#${c.index}`);
      expect(s.ratio).toBeLessThanOrEqual(1);
    });
  });
});

describe('wide channel and filter counts (vector-blocking remainders, K up to ~1200)', () => {
  // Channel/filter counts around and past typical SIMD widths (8, 16) and register tiles, with
  // widths past typical output-pixel tiles, so blocked kernels hit full blocks and remainders.
  const wide: Case[] = [];
  const shapes: [number, number, number, number, Pair][] = [
    // [channels, filters, height, width, kernel]
    [17, 33, 7, 23, [3, 3]],
    [64, 64, 6, 9, [3, 3]],
    [100, 8, 5, 20, [1, 1]],
    [130, 70, 4, 6, [3, 3]],
    [48, 40, 9, 17, [2, 5]],
    [96, 96, 3, 31, [1, 3]],
  ];
  shapes.forEach(([channels, filters, height, width, kernelSize], i) => {
    const groups = i === 4 ? 2 : 1;
    wide.push({
      index: 1000 + i,
      seed: caseSeed(SUITE_SEED ^ 0x3131, i),
      dataFormat: i % 2 === 0 ? 'channels_last' : 'channels_first',
      kernelSize,
      strides: i === 3 ? [2, 2] : [1, 1],
      dilationRate: i === 5 ? [1, 2] : [1, 1],
      groups,
      groupMode: groups === 1 ? '1' : '2',
      channels,
      filters,
      padding: i % 3 === 0 ? 'valid' : 'same',
      batch: 1 + (i % 2),
      height,
      width,
      useBias: true,
      activation: i % 2 === 0 ? 'linear' : 'relu',
      scale: 1,
    });
  });
  describe.each(ISAS)('isa %s', (isa) => {
    beforeAll(() => setIsa(isa));
    afterAll(() => setIsa(''));
    test.each(wide.map((c) => [describeCase(c), c] as const))('%s', (label, c) => {
      const { result, y } = runLayerCase(c);
      const s = assertWithinBound(y, result, `[${isa}] ${label}`);
      stats.add(`${c.activation} (wide) [${isa}]`, s, `#${c.index}`);
    });
  });
});

describe('a built layer on other spatial and batch sizes', () => {
  test.each([['channels_last'], ['channels_first']] as const)('%s', (dataFormat) => {
    const rng = new Rng(0xbeef);
    const C = 4;
    const layer = new Conv2D({ filters: 6, kernelSize: [3, 2], padding: 'same', strides: [2, 1], dataFormat, groups: 2 });
    const first = dataFormat === 'channels_last' ? [1, 5, 5, C] : [1, C, 5, 5];
    layer.build(first);
    const kernel = rng.uniformArray(3 * 2 * 2 * 6, -0.5, 0.5);
    const bias = rng.normalArray(6);
    layer.setWeights([tensor(kernel, [3, 2, 2, 6]), tensor(bias, [6])]);
    for (const [n, h, w] of [[1, 5, 5], [2, 7, 4], [3, 1, 9], [1, 12, 3]]) {
      const shape = dataFormat === 'channels_last' ? [n, h, w, C] : [n, C, h, w];
      const x = rng.normalArray(n * h * w * C);
      const y = layer.apply({ data: x, shape });
      const r = referenceConv2d({ data: x, shape }, { data: kernel, shape: [3, 2, 2, 6] }, { data: bias, shape: [6] }, {
        strides: [2, 1], padding: 'same', dataFormat, groups: 2,
      });
      const label = `rebuilt-shape ${dataFormat} [${shape}]`;
      stats.add('linear', assertWithinBound(y, r, label), label);
    }
  });
});

describe("Keras' deterministic ops test (nn_test.py): arange data, exact integer results", () => {
  // x = arange(600).reshape(2,10,10,3), kernel = arange(24).reshape(2,2,3,2), zero bias.
  // Every product and partial sum is an integer < 2^24, so any float32 summation order is exact.
  const xData = Float32Array.from({ length: 600 }, (_, i) => i);
  const kData = Float32Array.from({ length: 24 }, (_, i) => i);
  const kShape = [2, 2, 3, 2];
  const configs: [string, number | Pair, 'valid' | 'same'][] = [];
  for (const strides of [1, 2, [1, 2] as Pair]) {
    for (const padding of ['valid', 'same'] as const) configs.push([`strides=${JSON.stringify(strides)} ${padding}`, strides, padding]);
  }
  test.each(configs)('%s', (_label, strides, padding) => {
    const xShape = [2, 10, 10, 3];
    const r = referenceConv2d({ data: xData, shape: xShape }, { data: kData, shape: kShape }, { data: new Float32Array(2), shape: [2] }, { strides, padding });
    for (const v of r.pre) expect(Math.abs(v)).toBeLessThan(2 ** 24);

    // layer, channels_last
    const layer = new Conv2D({ filters: 2, kernelSize: 2, strides, padding });
    layer.build(xShape);
    layer.setWeights([tensor(kData, kShape), tensor(new Float32Array(2), [2])]);
    const y = layer.apply({ data: xData, shape: xShape });
    expect(y.shape).toEqual(r.shape);
    expect(Array.from(y.data)).toEqual(Array.from(r.ref));

    // the functional op (keras.ops.conv's counterpart)
    const yf = conv2d({ data: xData, shape: xShape }, { data: kData, shape: kShape }, null, { strides, padding });
    expect(Array.from(yf.data)).toEqual(Array.from(r.ref));

    // channels_first: the same data transposed must give the transposed result, exactly
    const xT = nhwcToNchw(xData, xShape);
    const layerT = new Conv2D({ filters: 2, kernelSize: 2, strides, padding, dataFormat: 'channels_first' });
    layerT.build(xT.shape);
    layerT.setWeights([tensor(kData, kShape), tensor(new Float32Array(2), [2])]);
    const yT = layerT.apply(xT);
    const expectedT = nhwcToNchw(Float32Array.from(r.ref), r.shape);
    expect(yT.shape).toEqual(expectedT.shape);
    expect(Array.from(yT.data)).toEqual(Array.from(expectedT.data));
  });

  test('hand-checked values of the strides=1 valid case', () => {
    // y[0,0,0,f] = Σ_{a,b,q} x[0,a,b,q]·k[a,b,q,f] with x[0,a,b,q] = 30a + 3b + q (its arange index)
    // and k[a,b,q,f] = ((a·2 + b)·3 + q)·2 + f (its arange index): 3460 and 3670.
    let y0 = 0;
    let y1 = 0;
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++)
        for (let q = 0; q < 3; q++) {
          const xv = 30 * a + 3 * b + q;
          y0 += xv * (((a * 2 + b) * 3 + q) * 2);
          y1 += xv * (((a * 2 + b) * 3 + q) * 2 + 1);
        }
    expect([y0, y1]).toEqual([3460, 3670]);
    const y = conv2d({ data: xData, shape: [2, 10, 10, 3] }, { data: kData, shape: kShape }, null, {});
    expect(y.shape).toEqual([2, 9, 9, 2]);
    expect([y.data[0], y.data[1]]).toEqual([3460, 3670]);
  });
});

describe("Keras' ConvCorrectnessTest.test_conv2d configurations (x ~ normal(2,8,8,4))", () => {
  // conv_test.py: inputs shape [2,8,8,4] for both formats (for channels_first: C=8, H=8, W=4).
  const configs: { filters: number; kernelSize: number | Pair; strides: number | Pair; padding: 'valid' | 'same'; dataFormat: DataFormat; dilationRate: number | Pair; groups: number }[] = [
    { filters: 5, kernelSize: 2, strides: 1, padding: 'valid', dataFormat: 'channels_last', dilationRate: 1, groups: 1 },
    { filters: 4, kernelSize: 3, strides: 2, padding: 'same', dataFormat: 'channels_last', dilationRate: 1, groups: 1 },
    { filters: 6, kernelSize: 2, strides: 1, padding: 'same', dataFormat: 'channels_last', dilationRate: [2, 2], groups: 2 },
    { filters: 6, kernelSize: 2, strides: 1, padding: 'same', dataFormat: 'channels_last', dilationRate: [2, 3], groups: 2 },
    { filters: 6, kernelSize: [4, 3], strides: [2, 1], padding: 'valid', dataFormat: 'channels_last', dilationRate: [1, 1], groups: 2 },
    { filters: 6, kernelSize: [4, 3], strides: [2, 1], padding: 'valid', dataFormat: 'channels_first', dilationRate: [1, 1], groups: 2 },
    // and the channels_first twins of the others
    { filters: 5, kernelSize: 2, strides: 1, padding: 'valid', dataFormat: 'channels_first', dilationRate: 1, groups: 1 },
    { filters: 4, kernelSize: 3, strides: 2, padding: 'same', dataFormat: 'channels_first', dilationRate: 1, groups: 1 },
    { filters: 6, kernelSize: 2, strides: 1, padding: 'same', dataFormat: 'channels_first', dilationRate: [2, 3], groups: 2 },
  ];
  test.each(configs.map((c, i) => [`${i}: ${JSON.stringify(c)}`, c, i] as const))('%s', (label, cfg, i) => {
    const rng = new Rng(0xc0ffee + i);
    const xShape = [2, 8, 8, 4];
    const x = rng.normalArray(2 * 8 * 8 * 4);
    const layer = new Conv2D(cfg);
    layer.build(xShape);
    const kShape = layer.kernel.shape;
    const kernel = rng.normalArray(kShape.reduce((a, b) => a * b, 1));
    const bias = rng.normalArray(cfg.filters);
    layer.setWeights([tensor(kernel, kShape), tensor(bias, [cfg.filters])]);
    const y = layer.apply({ data: x, shape: xShape });
    const r = referenceConv2d({ data: x, shape: xShape }, { data: kernel, shape: kShape }, { data: bias, shape: [cfg.filters] }, cfg);
    stats.add('linear', assertWithinBound(y, r, label), `ConvCorrectness ${i}`);
    // Keras' own assertion: assertAllClose(rtol=5e-4, atol=1e-6).
    for (let j = 0; j < r.ref.length; j++) {
      if (!(Math.abs(y.data[j] - r.ref[j]) <= 1e-6 + 5e-4 * Math.abs(r.ref[j]))) {
        throw new Error(`${label}: element ${j} fails Keras' rtol=5e-4/atol=1e-6: got ${y.data[j]}, expected ${r.ref[j]}`);
      }
    }
  });
});

describe('known answers computed by hand', () => {
  const X3 = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 3, 3, 1] };
  const ONES22 = { data: new Float32Array([1, 1, 1, 1]), shape: [2, 2, 1, 1] };

  test('3×3 input, 2×2 ones kernel, valid', () => {
    const y = conv2d(X3, ONES22, null, { padding: 'valid' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([12, 16, 24, 28]);
  });

  test("3×3 input, 2×2 ones kernel, 'same': the one padding row/column goes bottom/right", () => {
    // P = 1 per axis → top/left 0, bottom/right 1: y[i,j] = Σ x[i..i+1, j..j+1] with zeros past the edge.
    const y = conv2d(X3, ONES22, null, { padding: 'same' });
    expect(y.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(y.data)).toEqual([12, 16, 9, 24, 28, 15, 15, 17, 9]);
    // the same through the layer, with a bias of 0.5 and channels_first (C = 1: same memory layout)
    const layer = new Conv2D({ filters: 1, kernelSize: 2, padding: 'SAME', dataFormat: 'channels_first' });
    layer.build([1, 1, 3, 3]);
    layer.setWeights([ONES22, tensor([0.5], [1])]);
    const yl = layer.apply({ data: X3.data, shape: [1, 1, 3, 3] });
    expect(yl.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(yl.data)).toEqual([12.5, 16.5, 9.5, 24.5, 28.5, 15.5, 15.5, 17.5, 9.5]);
  });

  /** x[i,j] = 1 + i·W + j (so a value names its position), impulse kernel with a 1 at (a, c). */
  function impulse(H: number, W: number, kh: number, kw: number, a: number, c: number, strides: Pair, dilationRate: Pair = [1, 1]) {
    const x = { data: Float32Array.from({ length: H * W }, (_, i) => i + 1), shape: [1, H, W, 1] };
    const k = new Float32Array(kh * kw);
    k[a * kw + c] = 1;
    return conv2d(x, { data: k, shape: [kh, kw, 1, 1] }, null, { strides, padding: 'same', dilationRate });
  }

  test("'same', stride 2, even size 4, kernel 3: P = 1 → top 0, bottom 1", () => {
    // y[i,j] = xp[2i + a, 2j + c] with xp = x shifted by (top, left) = (0, 0).
    let y = impulse(4, 4, 3, 3, 0, 0, [2, 2]);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([1, 3, 9, 11]);
    // tap (2,2) reads x[2i+2, 2j+2]: only (0,0) → x[2,2] = 11 is inside; the rest is bottom/right padding
    y = impulse(4, 4, 3, 3, 2, 2, [2, 2]);
    expect(Array.from(y.data)).toEqual([11, 0, 0, 0]);
  });

  test("'same', stride 2, odd size 5, kernel 2: P = 1 → top 0, bottom 1", () => {
    const y = impulse(5, 5, 2, 2, 1, 1, [2, 2]);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    // x[2i+1, 2j+1] for 2i+1, 2j+1 < 5, else 0
    expect(Array.from(y.data)).toEqual([7, 9, 0, 17, 19, 0, 0, 0, 0]);
  });

  test("'same', stride 2, odd size 5, kernel 3: P = 2 → 1 on each side", () => {
    const y = impulse(5, 5, 3, 3, 0, 0, [2, 2]);
    expect(y.shape).toEqual([1, 3, 3, 1]);
    // x[2i−1, 2j−1]: row/col −1 is top/left padding
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 7, 9, 0, 17, 19]);
  });

  test("'same', stride 1, size 4, kernel 4: P = 3 → top 1, bottom 2", () => {
    const y = impulse(4, 4, 4, 4, 0, 0, [1, 1]);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11]);
  });

  test("'same' with H ≠ W and per-axis stride (2,1), kernel (4,2)", () => {
    // H = 4, kh = 4, sh = 2: out 2, P = 1·2 + 4 − 4 = 2 → top 1, bottom 1.
    // W = 5, kw = 2, sw = 1: out 5, P = 4 + 2 − 5 = 1 → left 0, right 1.
    // tap (0,0) reads x[2i − 1, j]
    const y = impulse(4, 5, 4, 2, 0, 0, [2, 1]);
    expect(y.shape).toEqual([1, 2, 5, 1]);
    expect(Array.from(y.data)).toEqual([0, 0, 0, 0, 0, 6, 7, 8, 9, 10]);
  });

  test('dilation (1,2) on a 1×5 row, valid and same', () => {
    const x = { data: Float32Array.from([1, 2, 3, 4, 5]), shape: [1, 1, 5, 1] };
    const k = { data: Float32Array.from([1, 10]), shape: [1, 2, 1, 1] };
    // y[j] = x[j] + 10·x[j+2]
    expect(Array.from(conv2d(x, k, null, { dilationRate: [1, 2] }).data)).toEqual([31, 42, 53]);
    // same: P = 4 + 2 + 1 − 5 = 2 → 1/1: y[j] = xp[j] + 10·xp[j+2], xp = [0,1,2,3,4,5,0]
    const y = conv2d(x, k, null, { dilationRate: [1, 2], padding: 'same' });
    expect(y.shape).toEqual([1, 1, 5, 1]);
    expect(Array.from(y.data)).toEqual([20, 31, 42, 53, 4]);
  });

  test('groups = 2 on a 1×1 image: each filter block sees only its channel block', () => {
    // channels [1,2,3,4]; group 0 = channels 0,1 → filter 0; group 1 = channels 2,3 → filter 1.
    // kernel (1,1,2,2) row-major [q][f]: k[0][0]=1, k[0][1]=100, k[1][0]=10, k[1][1]=1000
    const x = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 1, 4] };
    const k = { data: Float32Array.from([1, 100, 10, 1000]), shape: [1, 1, 2, 2] };
    expect(Array.from(conv2d(x, k, null).data)).toEqual([1 * 1 + 2 * 10, 3 * 100 + 4 * 1000]);
    const layer = new Conv2D({ filters: 2, kernelSize: 1, groups: 2, dataFormat: 'channels_first' });
    layer.build([1, 4, 1, 1]);
    layer.setWeights([k, tensor([0.25, -0.25], [2])]);
    expect(Array.from(layer.apply({ data: x.data, shape: [1, 4, 1, 1] }).data)).toEqual([21.25, 4299.75]);
  });

  test('cross-correlation, not convolution (no kernel flip)', () => {
    // kernel [[1,2],[3,4]] on x = 1..9 (3×3): y[0,0] = 1·1 + 2·2 + 3·4 + 4·5 = 37
    const y = conv2d(X3, { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2, 1, 1] }, null);
    expect(Array.from(y.data)).toEqual([37, 47, 67, 77]);
  });

  test('softmax with channels_first normalizes over W (the last axis), not over the channels', () => {
    const rng = new Rng(11);
    const x = { data: rng.normalArray(1 * 2 * 3 * 4), shape: [1, 2, 3, 4] }; // C=2, H=3, W=4
    const k = { data: rng.normalArray(2 * 3), shape: [1, 1, 2, 3] };
    const y = conv2d(x, k, null, { dataFormat: 'channels_first', activation: 'softmax' });
    expect(y.shape).toEqual([1, 3, 3, 4]);
    let maxChannelSumDeviation = 0;
    for (let f = 0; f < 3; f++) {
      for (let h = 0; h < 3; h++) {
        let sum = 0;
        for (let w = 0; w < 4; w++) sum += y.data[(f * 3 + h) * 4 + w];
        expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
      }
    }
    for (let h = 0; h < 3; h++) {
      for (let w = 0; w < 4; w++) {
        let sum = 0;
        for (let f = 0; f < 3; f++) sum += y.data[(f * 3 + h) * 4 + w];
        maxChannelSumDeviation = Math.max(maxChannelSumDeviation, Math.abs(sum - 1));
      }
    }
    expect(maxChannelSumDeviation).toBeGreaterThan(0.05);
  });

  test('activations on known values', () => {
    // 1×1 conv with weight 1 and bias 0 passes x through; then the activation.
    const xs = Float32Array.from([-2, -0.5, 0, 0.5, 7]);
    const x = { data: xs, shape: [1, 1, 5, 1] };
    const k = { data: Float32Array.from([1]), shape: [1, 1, 1, 1] };
    const run = (activation: string) => Array.from(conv2d(x, k, null, { activation }).data);
    expect(run('relu')).toEqual([0, 0, 0, 0.5, 7]);
    expect(run('relu6')).toEqual([0, 0, 0, 0.5, 6]);
    expect(run('leaky_relu')).toEqual([-2 * Math.fround(0.2), -0.5 * Math.fround(0.2), 0, 0.5, 7].map(Math.fround));
    // hard_sigmoid = clip(x/6 + 0.5, 0, 1): two float32 roundings inside (0, 1), so allow 2.5e-7 there
    const hs = run('hard_sigmoid');
    [-2 / 6 + 0.5, -0.5 / 6 + 0.5, 0.5, 0.5 / 6 + 0.5].forEach((v, i) => expect(Math.abs(hs[i] - v)).toBeLessThanOrEqual(2.5e-7));
    expect(hs[2]).toBe(0.5);
    expect(hs[4]).toBe(1);
    expect(run('linear')).toEqual(Array.from(xs));
    // softmax over the last axis of a (1,1,1,5) output: channels_last, 5 filters of a 1×1 conv
    const xc = { data: Float32Array.from([1]), shape: [1, 1, 1, 1] };
    const kc = { data: Float32Array.from([-2, -0.5, 0, 0.5, 7]), shape: [1, 1, 1, 5] };
    const s = conv2d(xc, kc, null, { activation: 'softmax' }).data;
    const e = [-2, -0.5, 0, 0.5, 7].map((v) => Math.exp(v - 7));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, i) => expect(Math.abs(s[i] - v / sum)).toBeLessThanOrEqual(4 * ulp32(v / sum) + 12 * 2 ** -24 * (v / sum)));
  });
});

// channels_first of full-size maps takes paths small cases never reach (native/conv/conv2d.cc,
// ChannelsFirstTuning): an output of 2 MiB or more written straight to the channel planes, a
// batch split into parts of ~2 MiB, and 64×64 planes (16 KiB apart), whose transposes go column
// by column. Each must give the channels_last layer's bits, transposed, under every kernel set.
describe.each(ISAS.map((isa) => [isa]))('channels_first at full size (%s)', (isa) => {
  beforeAll(() => setIsa(isa));
  afterAll(() => setIsa(''));
  const cases = [
    { name: '1x1 to 256 filters, 2 images: direct NCHW write, one image per part', shape: [2, 56, 56, 64], filters: 256, kernelSize: 1, groups: 1 },
    { name: '3x3 on 64x64 maps, 3 images: parts of 2 and 1, column-order transposes', shape: [3, 64, 64, 32], filters: 32, kernelSize: 3, groups: 1 },
    { name: 'depthwise 3x3 on 64x64x128: direct NCHW write per output row', shape: [1, 64, 64, 128], filters: 128, kernelSize: 3, groups: 128 },
  ];
  test.each(cases)('$name', ({ shape, filters, kernelSize, groups }) => {
    const rng = new Rng(caseSeed(SUITE_SEED, 9000 + filters + groups));
    const x = rng.uniformArray(shape.reduce((a, b) => a * b, 1), -1, 1);
    const args = { filters, kernelSize, groups, padding: 'same' as const, activation: 'relu' };
    const last = new Conv2D({ ...args, dataFormat: 'channels_last' });
    const yLast = last.apply({ data: x, shape });
    const first = new Conv2D({ ...args, dataFormat: 'channels_first' });
    const xFirst = nhwcToNchw(x, shape);
    first.build(xFirst.shape);
    first.setWeights(last.getWeights());
    const yFirst = first.apply(xFirst);
    expectSameBits(yFirst, nhwcToNchw(yLast.data, yLast.shape), `${isa} ${shape.join('x')}`);
  });
});
