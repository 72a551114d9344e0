/**
 * An outside check: the layer against TensorFlow.js' pure-JS CPU backend (`tf.conv2d`, NHWC, groups = 1;
 * channels_first through transposes), on ~20 random configurations with 'same'/'valid', strides and dilation.
 *
 * Tolerance: tfjs and the product each commit one float32 direct-summation error, so the allowed
 * difference is the sum of two: 8·√K·u·S + 8·u·|y| (twice the per-implementation bound of
 * test/helpers/reference.ts; conv-design §6.3 point 4).
 *
 * The first block checks the float64 reference itself against tfjs (no native code involved), so a
 * mistake shared by the reference and the product (e.g. the 'same' split) cannot go unnoticed.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Conv2D, tensor } from '../lib';
import { Rng, caseSeed } from './helpers/random';
import {
  referenceConv2d, assertWithinBound, ErrorStats, nchwToNhwc, nhwcToNchw, type DataFormat, type Pair, type RefResult,
} from './helpers/reference';

const stats = new ErrorStats();

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // silences the "use tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
  expect(tf.getBackend()).toBe('cpu');
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(stats.report('tfjs-parity.test.ts'));
});

interface ParityCase {
  index: number;
  seed: number;
  dataFormat: DataFormat;
  kernelSize: Pair;
  strides: Pair;
  dilationRate: Pair;
  padding: 'valid' | 'same';
  batch: number;
  height: number;
  width: number;
  channels: number;
  filters: number;
  activation: 'linear' | 'relu';
}

const SEED = 0x7f15a11;
const N_CASES = 22;

function makeCase(index: number): ParityCase {
  const seed = caseSeed(SEED, index);
  const rng = new Rng(seed);
  const kh = rng.int(1, 5);
  const kw = rng.bool() ? kh : rng.int(1, 5);
  let strides: Pair = [1, 1];
  let dilationRate: Pair = [1, 1];
  const r = rng.next();
  if (r < 0.4) strides = rng.pick([[2, 2], [3, 3], [2, 1], [1, 2]] as Pair[]);
  else if (r < 0.75) dilationRate = rng.pick([[2, 2], [3, 3], [1, 2], [2, 1]] as Pair[]);
  const padding = index % 2 === 0 ? 'same' : 'valid';
  const keffH = (kh - 1) * dilationRate[0] + 1;
  const keffW = (kw - 1) * dilationRate[1] + 1;
  const size = (keff: number) => (padding === 'same' ? rng.int(1, 12) : keff + rng.int(0, 6));
  return {
    index,
    seed,
    dataFormat: Math.floor(index / 2) % 2 === 0 ? 'channels_last' : 'channels_first',
    kernelSize: [kh, kw],
    strides,
    dilationRate,
    padding,
    batch: rng.int(1, 3),
    height: size(keffH),
    width: size(keffW),
    // a few wide dot products (K up to 5·5·40 = 1000)
    channels: index % 5 === 4 ? rng.int(16, 40) : rng.int(1, 8),
    filters: rng.int(1, 9),
    activation: index % 3 === 2 ? 'relu' : 'linear',
  };
}

const cases = Array.from({ length: N_CASES }, (_, i) => makeCase(i));

function describeCase(c: ParityCase): string {
  return (
    `parity #${c.index} seed=0x${c.seed.toString(16)} ${c.dataFormat} x=[${c.batch},${c.height},${c.width}]·C${c.channels} ` +
    `k=${c.kernelSize.join('x')} s=${c.strides.join(',')} d=${c.dilationRate.join(',')} ${c.padding} F=${c.filters} ${c.activation}`
  );
}

interface Drawn {
  xShape: number[];
  x: Float32Array;
  kShape: number[];
  kernel: Float32Array;
  bias: Float32Array;
}

function draw(c: ParityCase): Drawn {
  const rng = new Rng(c.seed ^ 0x5151);
  const xShape = c.dataFormat === 'channels_last'
    ? [c.batch, c.height, c.width, c.channels]
    : [c.batch, c.channels, c.height, c.width];
  const kShape = [c.kernelSize[0], c.kernelSize[1], c.channels, c.filters];
  const K = c.kernelSize[0] * c.kernelSize[1] * c.channels;
  return {
    xShape,
    x: rng.normalArray(xShape.reduce((a, b) => a * b, 1)),
    kShape,
    kernel: rng.uniformArray(kShape.reduce((a, b) => a * b, 1), -Math.sqrt(3 / K), Math.sqrt(3 / K)),
    bias: rng.normalArray(c.filters, 0.5),
  };
}

/** tf.conv2d in NHWC (+ bias, + relu), returned in the case's data format. */
function tfjsConv(c: ParityCase, d: Drawn): { data: Float32Array; shape: number[] } {
  const xNhwc = c.dataFormat === 'channels_last' ? { data: d.x, shape: d.xShape } : nchwToNhwc(d.x, d.xShape);
  const out = tf.tidy(() => {
    const x4 = tf.tensor4d(xNhwc.data, xNhwc.shape as [number, number, number, number]);
    const k4 = tf.tensor4d(d.kernel, d.kShape as [number, number, number, number]);
    let y = tf.conv2d(x4, k4, c.strides, c.padding, 'NHWC', c.dilationRate);
    y = tf.add(y, tf.tensor1d(d.bias));
    if (c.activation === 'relu') y = tf.relu(y);
    return y;
  });
  const data = out.dataSync() as Float32Array;
  const shape = out.shape;
  out.dispose();
  const f32 = Float32Array.from(data);
  return c.dataFormat === 'channels_last' ? { data: f32, shape } : nhwcToNchw(f32, shape);
}

function reference(c: ParityCase, d: Drawn): RefResult {
  return referenceConv2d({ data: d.x, shape: d.xShape }, { data: d.kernel, shape: d.kShape }, { data: d.bias, shape: [c.filters] }, {
    strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilationRate: c.dilationRate, activation: c.activation,
  });
}

describe('the float64 reference agrees with tfjs-core CPU (validates the reference)', () => {
  test.each(cases.map((c) => [describeCase(c), c] as const))('%s', (label, c) => {
    const d = draw(c);
    const r = reference(c, d);
    const t = tfjsConv(c, d);
    // tfjs is one float32 direct summation: the single-implementation bound applies.
    const s = assertWithinBound(t, r, `tfjs vs reference, ${label}`);
    stats.add(`tfjs-vs-ref`, s, `#${c.index}`);
  });
});

describe('the layer agrees with tfjs-core CPU tf.conv2d', () => {
  test.each(cases.map((c) => [describeCase(c), c] as const))('%s', (label, c) => {
    const d = draw(c);
    const r = reference(c, d);
    const t = tfjsConv(c, d);
    const layer = new Conv2D({
      filters: c.filters, kernelSize: c.kernelSize, strides: c.strides, padding: c.padding,
      dataFormat: c.dataFormat, dilationRate: c.dilationRate, activation: c.activation,
    });
    layer.build(d.xShape);
    layer.setWeights([tensor(d.kernel, d.kShape), tensor(d.bias, [c.filters])]);
    const y = layer.apply({ data: d.x, shape: d.xShape });
    expect(y.shape).toEqual(t.shape);
    // Compare with tfjs' output as the "reference", allowing two direct-summation errors.
    const vsTf: RefResult = { ...r, ref: Float64Array.from(t.data) };
    const s = assertWithinBound(y, vsTf, `layer vs tfjs, ${label}`, 2);
    stats.add(`layer-vs-tfjs`, s, `#${c.index}`);
  });

  test('the configurations cover same/valid, both formats, strides, (2,1), dilation and (1,2)', () => {
    const has = (p: (c: ParityCase) => boolean) => cases.some(p);
    expect(has((c) => c.padding === 'same')).toBe(true);
    expect(has((c) => c.padding === 'valid')).toBe(true);
    expect(has((c) => c.dataFormat === 'channels_first')).toBe(true);
    expect(has((c) => c.strides[0] > 1 || c.strides[1] > 1)).toBe(true);
    expect(has((c) => c.dilationRate[0] > 1 || c.dilationRate[1] > 1)).toBe(true);
    expect(has((c) => c.kernelSize[0] * c.kernelSize[1] * c.channels >= 200)).toBe(true);
  });
});
