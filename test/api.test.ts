/** The layer API: build, shapes, weights, losses, constraints, names, and keras.json defaults. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Conv2D, Convolution2D, ValueError, tensor, Tensor, info, getIsa, regularizers, setNumThreads, getNumThreads, setIsa } from '../lib';

const filled = (shape: number[], value: number) =>
  tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape);

describe('construction', () => {
  test('Convolution2D is the same class as Conv2D', () => {
    expect(Convolution2D).toBe(Conv2D);
    expect(new Convolution2D({ filters: 2, kernelSize: 3 })).toBeInstanceOf(Conv2D);
  });

  test("positional form, like Keras' Conv2D(32, 3, activation='relu')", () => {
    const layer = new Conv2D(32, 3, { activation: 'relu', padding: 'same' });
    expect(layer.filters).toBe(32);
    expect(layer.kernelSize).toEqual([3, 3]);
    expect(layer.activation.name).toBe('relu');
    expect(layer.padding).toBe('same');
    expect(new Conv2D(8, [1, 3]).kernelSize).toEqual([1, 3]);
  });

  test("Keras' snake_case argument names are accepted too", () => {
    const layer = new Conv2D({
      filters: 4, kernel_size: [2, 3], dilation_rate: 2, data_format: 'channels_first', use_bias: false,
    } as never);
    expect(layer.kernelSize).toEqual([2, 3]);
    expect(layer.dilationRate).toEqual([2, 2]);
    expect(layer.dataFormat).toBe('channels_first');
    expect(layer.useBias).toBe(false);
  });

  test('tensor() infers the shape of nested arrays and rejects ragged ones', () => {
    const t = tensor([[[1, 2], [3, 4], [5, 6]]]);
    expect(t.shape).toEqual([1, 3, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).toEqual([[[1, 2], [3, 4], [5, 6]]]);
    expect(() => tensor([[1, 2], [3]])).toThrow(/data\[1\]: expected an array of length 2/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(RangeError);
  });

  test('defaults are normalized as Keras does', () => {
    const layer = new Conv2D({ filters: 4, kernelSize: [3, 5] });
    expect(layer.kernelSize).toEqual([3, 5]);
    expect(layer.strides).toEqual([1, 1]);
    expect(layer.dilationRate).toEqual([1, 1]);
    expect(layer.padding).toBe('valid');
    expect(layer.groups).toBe(1);
    expect(layer.useBias).toBe(true);
    expect(layer.trainable).toBe(true);
    expect(layer.activation.name).toBe('linear');
    expect(layer.built).toBe(false);
  });

  test('names are unique per process: conv2d, conv2d_1, ...', () => {
    const a = new Conv2D({ filters: 1, kernelSize: 1 }).name;
    const b = new Conv2D({ filters: 1, kernelSize: 1 }).name;
    const index = (n: string) => (n === 'conv2d' ? 0 : Number(n.slice('conv2d_'.length)));
    expect(a).toMatch(/^conv2d(_\d+)?$/);
    expect(index(b)).toBe(index(a) + 1);
    expect(new Conv2D({ filters: 1, kernelSize: 1, name: 'mine' }).name).toBe('mine');
  });
});

describe('data_format default from keras.json', () => {
  const saved = process.env.KERAS_HOME;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keras-home-'));
    process.env.KERAS_HOME = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.KERAS_HOME;
    else process.env.KERAS_HOME = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('channels_first from $KERAS_HOME/keras.json, resolved at construction', () => {
    fs.writeFileSync(path.join(dir, 'keras.json'), JSON.stringify({ image_data_format: 'channels_first', floatx: 'float32' }));
    const layer = new Conv2D({ filters: 2, kernelSize: 3 });
    expect(layer.dataFormat).toBe('channels_first');
    fs.writeFileSync(path.join(dir, 'keras.json'), JSON.stringify({ image_data_format: 'channels_last' }));
    expect(layer.dataFormat).toBe('channels_first');
    expect(new Conv2D({ filters: 2, kernelSize: 3 }).dataFormat).toBe('channels_last');
    expect(new Conv2D({ filters: 2, kernelSize: 3, dataFormat: 'channels_last' }).getConfig().data_format).toBe('channels_last');
  });

  test('missing file, invalid JSON or an unknown value → channels_last', () => {
    expect(new Conv2D({ filters: 2, kernelSize: 3 }).dataFormat).toBe('channels_last');
    fs.writeFileSync(path.join(dir, 'keras.json'), '{ not json');
    expect(new Conv2D({ filters: 2, kernelSize: 3 }).dataFormat).toBe('channels_last');
    fs.writeFileSync(path.join(dir, 'keras.json'), JSON.stringify({ image_data_format: 'CHANNELS_FIRST' }));
    expect(new Conv2D({ filters: 2, kernelSize: 3 }).dataFormat).toBe('channels_last');
  });
});

describe('build and shapes', () => {
  test('kernel (kh, kw, Cin/groups, filters) in both data formats; bias (filters)', () => {
    const last = new Conv2D({ filters: 6, kernelSize: [3, 2], groups: 2, dataFormat: 'channels_last' });
    last.build([null, 10, 10, 4]);
    expect(last.kernel.shape).toEqual([3, 2, 2, 6]);
    expect(last.bias!.shape).toEqual([6]);
    const first = new Conv2D({ filters: 6, kernelSize: [3, 2], groups: 2, dataFormat: 'channels_first' });
    first.build([null, 4, 10, 10]);
    expect(first.kernel.shape).toEqual([3, 2, 2, 6]);
  });

  test('useBias false: bias is null, one weight', () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 2, useBias: false });
    layer.build([1, 4, 4, 2]);
    expect(layer.bias).toBeNull();
    expect(layer.weights).toHaveLength(1);
    expect(layer.countParams()).toBe(2 * 2 * 2 * 3);
  });

  test('weights, trainableWeights, countParams', () => {
    const layer = new Conv2D({ filters: 32, kernelSize: 3 });
    expect(() => layer.countParams()).toThrow(ValueError);
    expect(layer.weights).toEqual([]);
    layer.build([4, 10, 10, 128]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3, 3, 128, 32], [32]]);
    expect(layer.trainableWeights).toHaveLength(2);
    expect(layer.countParams()).toBe(3 * 3 * 128 * 32 + 32);
    layer.trainable = false;
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights).toHaveLength(2);
  });

  test('computeOutputShape with unknown dims', () => {
    const layer = new Conv2D({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
    expect(layer.computeOutputShape([null, 15, null, 3])).toEqual([null, 8, null, 8]);
    const cf = new Conv2D({ filters: 8, kernelSize: 3, dataFormat: 'channels_first', dilationRate: 2 });
    expect(cf.computeOutputShape([2, 3, 10, 9])).toEqual([2, 8, 6, 5]);
    expect(cf.built).toBe(false);
  });

  test("the seed's example: (4, 10, 10, 128) → Conv2D(32, 3, relu) → (4, 8, 8, 32)", () => {
    const layer = new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' });
    const x = tensor(Float32Array.from({ length: 4 * 10 * 10 * 128 }, () => Math.random()), [4, 10, 10, 128]);
    const y = layer.apply(x);
    expect(y).toBeInstanceOf(Tensor);
    expect(y.shape).toEqual([4, 8, 8, 32]);
    expect(Array.from(y.data).every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(Array.from(y.data).some((v) => v > 0)).toBe(true);
  });

  test('a zero-size batch gives an empty output, as in Keras', () => {
    const layer = new Conv2D({ filters: 5, kernelSize: 3, padding: 'same' });
    const y = layer.apply({ data: new Float32Array(0), shape: [0, 6, 6, 2] });
    expect(y.shape).toEqual([0, 6, 6, 5]);
    expect(y.data.length).toBe(0);
  });
});

describe('getWeights / setWeights', () => {
  test('getWeights returns copies; setWeights copies in and is used by the next call', () => {
    const layer = new Conv2D({ filters: 1, kernelSize: 1 });
    layer.build([1, 1, 1, 1]);
    const [k, b] = layer.getWeights();
    k.data[0] = 123;
    expect(layer.kernel.data[0]).not.toBe(123);
    layer.setWeights([tensor([2], [1, 1, 1, 1]), tensor([0.5], [1])]);
    expect(Array.from(layer.apply(filled([1, 1, 1, 1], 3)).data)).toEqual([6.5]);
    const mine = tensor([4], [1, 1, 1, 1]);
    layer.setWeights([mine, b]);
    mine.data[0] = 100;
    expect(Array.from(layer.apply(filled([1, 1, 1, 1], 3)).data)).toEqual([12]);
  });

  test("wrong count and wrong shapes fail with Keras' messages", () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 3, name: 'sw' });
    // Before build the layer has no weights, as in Keras.
    expect(() => layer.setWeights([filled([3, 3, 4, 2], 0)])).toThrow(
      new ValueError("You called `set_weights(weights)` on layer 'sw' with a weight list of length 1, but the layer was expecting 0 weights."));
    layer.build([1, 5, 5, 4]);
    expect(() => layer.setWeights([filled([3, 3, 4, 2], 0)])).toThrow(
      new ValueError("You called `set_weights(weights)` on layer 'sw' with a weight list of length 1, but the layer was expecting 2 weights."));
    expect(() => layer.setWeights([filled([3, 3, 2, 4], 0), filled([2], 0)])).toThrow(
      new ValueError('Layer sw weight shape (3, 3, 4, 2) is not compatible with provided weight shape (3, 3, 2, 4).'));
    expect(() => layer.setWeights([filled([3, 3, 4, 2], 0), filled([3], 0)])).toThrow(
      new ValueError('Layer sw weight shape (2,) is not compatible with provided weight shape (3,).'));
    expect(() => layer.setWeights([filled([3, 3, 4, 2], 0), { data: new Float32Array(3), shape: [2] }])).toThrow(RangeError);
  });
});

describe('losses', () => {
  test('activity regularizer: l2 on 2·ones(b, …) is 0.2 for every batch size (divided by batch)', () => {
    for (const batch of [1, 2, 5]) {
      const layer = new Conv2D({ filters: 5, kernelSize: 1, kernelInitializer: 'ones', activityRegularizer: 'l2' });
      const y = layer.apply(filled([batch, 1, 1, 1], 2));
      expect(Array.from(y.data).every((v) => v === 2)).toBe(true);
      expect(layer.losses).toHaveLength(1);
      expect(layer.losses[0]).toBeCloseTo(0.2, 6);
    }
  });

  test('order: activity penalty of the last call, then kernel, then bias; frozen layers skip weight penalties', () => {
    const layer = new Conv2D({
      filters: 2, kernelSize: 1, kernelInitializer: 'ones', biasInitializer: 'ones',
      kernelRegularizer: new regularizers.L1({ l1: 0.5 }), biasRegularizer: new regularizers.L2({ l2: 0.25 }),
      activityRegularizer: new regularizers.L1({ l1: 1 }), activation: 'relu',
    });
    layer.build([null, 1, 1, 3]);
    expect(layer.losses).toEqual([0.5 * 6, 0.25 * 2]);
    layer.apply(filled([2, 1, 1, 3], -1)); // relu(−3 + 1) = 0 → activity penalty 0
    expect(layer.losses).toEqual([0, 3, 0.5]);
    layer.apply(filled([2, 1, 1, 3], 1)); // (3 + 1) × 2 filters × 2 images / 2 = 8
    expect(layer.losses).toEqual([8, 3, 0.5]);
    layer.trainable = false;
    expect(layer.losses).toEqual([8]);
  });

  test('batch 0 gives an activity penalty of 0', () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 1, activityRegularizer: 'l1' });
    layer.apply({ data: new Float32Array(0), shape: [0, 2, 2, 1] });
    expect(layer.losses).toEqual([0]);
  });
});

describe('constraints', () => {
  test('applyConstraints projects the weights and the next call uses them', () => {
    const layer = new Conv2D({ filters: 2, kernelSize: 1, kernelConstraint: 'non_neg', biasConstraint: 'non_neg' });
    layer.build([1, 1, 1, 2]);
    layer.setWeights([tensor([1, -2, -3, 4], [1, 1, 2, 2]), tensor([-1, 1], [2])]);
    expect(Array.from(layer.apply(filled([1, 1, 1, 2], 1)).data)).toEqual([1 - 3 - 1, -2 + 4 + 1]);
    layer.applyConstraints();
    expect(Array.from(layer.kernel.data)).toEqual([1, 0, 0, 4]);
    expect(Array.from(layer.bias!.data)).toEqual([0, 1]);
    expect(Array.from(layer.apply(filled([1, 1, 1, 2], 1)).data)).toEqual([1, 5]);
  });

  test('max_norm over axes [0, 1, 2] of a conv kernel', () => {
    const layer = new Conv2D({
      filters: 2, kernelSize: 2, useBias: false,
      kernelConstraint: { class_name: 'MaxNorm', config: { max_value: 1, axis: [0, 1, 2] } },
    });
    layer.build([1, 2, 2, 1]);
    layer.setWeights([tensor([3, 0, 4, 0, 0, 0.5, 0, 0], [2, 2, 1, 2])]);
    layer.applyConstraints();
    const k = Array.from(layer.kernel.data);
    // filter 0 has norm 5 → scaled to 1 (ε = 1e-7 in the denominator); filter 1 has norm 0.5 → unchanged
    expect(k[0]).toBeCloseTo(0.6, 6);
    expect(k[2]).toBeCloseTo(0.8, 6);
    expect(k[5]).toBeCloseTo(0.5, 6);
  });
});

describe('runtime info', () => {
  const loadWithEnv = (vars: Record<string, string>, field: 'isa' | 'numThreads' | 'malloc') =>
    spawnSync(process.execPath, ['-e', `console.log(require('node-gyp-build')(process.argv[1]).info().${field})`, process.cwd()], {
      env: { ...process.env, ...vars },
      encoding: 'utf8',
    });
  const loadWith = (isa: string) => loadWithEnv({ SIMD_CONV2D_ISA: isa }, 'isa');

  test('SIMD_CONV2D_NUM_THREADS sets the default thread count; a bad value is refused', () => {
    const one = loadWithEnv({ SIMD_CONV2D_NUM_THREADS: '1' }, 'numThreads');
    expect(one.status).toBe(0);
    expect(one.stdout.trim()).toBe('1');
    const three = loadWithEnv({ SIMD_CONV2D_NUM_THREADS: '3' }, 'numThreads');
    expect(three.stdout.trim()).toBe('3');
    const bad = loadWithEnv({ SIMD_CONV2D_NUM_THREADS: 'lots' }, 'numThreads');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/SIMD_CONV2D_NUM_THREADS=lots: expected an integer from 1 to 1024/);
  });

  test('the malloc policy: retain by default on glibc, SIMD_CONV2D_MALLOC and user tuning respected', () => {
    const glibc = process.platform === 'linux' &&
      Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);
    // The user's own malloc tuning (if this shell has any) would turn the policy off: clear it.
    const tuning = ['GLIBC_TUNABLES', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_MMAP_THRESHOLD_'];
    const run = (vars: Record<string, string>) => {
      const env = { ...process.env };
      for (const k of tuning) delete env[k];
      return spawnSync(process.execPath, ['-e', "console.log(require('node-gyp-build')(process.argv[1]).info().malloc)", process.cwd()], {
        env: { ...env, ...vars },
        encoding: 'utf8',
      });
    };
    expect(run({}).stdout.trim()).toBe(glibc ? 'retain' : 'unsupported');
    expect(run({ SIMD_CONV2D_MALLOC: 'retain' }).stdout.trim()).toBe(glibc ? 'retain' : 'unsupported');
    expect(run({ SIMD_CONV2D_MALLOC: 'default' }).stdout.trim()).toBe(glibc ? 'default' : 'unsupported');
    expect(run({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }).stdout.trim()).toBe(glibc ? 'user' : 'unsupported');
    expect(run({ MALLOC_TRIM_THRESHOLD_: '1000000' }).stdout.trim()).toBe(glibc ? 'user' : 'unsupported');
    const bad = run({ SIMD_CONV2D_MALLOC: 'lots' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/SIMD_CONV2D_MALLOC must be 'retain' or 'default', received 'lots'/);
    expect(['retain', 'default', 'user', 'unsupported']).toContain(info().malloc);
  });

  test('setIsa switches every layer at its next call; an unavailable ISA is refused', () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 2, padding: 'same', biasInitializer: 'ones' });
    const x = tensor(Float32Array.from({ length: 2 * 5 * 5 * 4 }, (_, i) => Math.sin(i)), [2, 5, 5, 4]);
    const auto = getIsa();
    const yAuto = layer.apply(x);
    try {
      setIsa('scalar');
      expect(getIsa()).toBe('scalar');
      const yScalar = layer.apply(x);
      // Different kernels may round differently (FMA), never by more than float32 noise here.
      yScalar.data.forEach((v, i) => expect(Math.abs(v - yAuto.data[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v))));
      expect(() => setIsa('avx9000')).toThrow("simd-conv2d: setIsa('avx9000'): unknown ISA; expected one of scalar, avx2, avx512, neon");
      expect(() => setIsa(7 as never)).toThrow(TypeError);
      expect(getIsa()).toBe('scalar');
    } finally {
      setIsa('');
    }
    expect(getIsa()).toBe(auto);
  });

  test('setNumThreads / getNumThreads', () => {
    const before = getNumThreads();
    try {
      setNumThreads(1);
      expect(getNumThreads()).toBe(1);
      expect(() => setNumThreads(0)).toThrow(RangeError);
      expect(() => setNumThreads(1.5)).toThrow(RangeError);
    } finally {
      setNumThreads(before);
    }
  });

  test('SIMD_CONV2D_ISA forces a kernel set; one not available is refused clearly', () => {
    const scalar = loadWith('scalar');
    expect(scalar.status).toBe(0);
    expect(scalar.stdout.trim()).toBe('scalar');
    const bogus = loadWith('avx9000');
    expect(bogus.status).not.toBe(0);
    expect(bogus.stderr).toMatch(/SIMD_CONV2D_ISA=avx9000/);
    expect(bogus.stderr).toMatch(/available here: .*scalar/);
  });

  test('reports the active ISA and thread count', () => {
    const i = info();
    expect(typeof i.isa).toBe('string');
    expect(i.availableIsas).toContain(i.isa);
    expect(getIsa()).toBe(i.isa);
    expect(i.numThreads).toBeGreaterThanOrEqual(1);
  });
});
