import { NotImplementedError, ValueError } from '../lib/errors';
import {
  BaseInitializer,
  computeFans,
  Constant,
  getInitializer,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  Identity,
  Initializer,
  INITIALIZER_NAMES,
  LecunNormal,
  LecunUniform,
  Ones,
  Orthogonal,
  RandomNormal,
  RandomUniform,
  serializeInitializer,
  STFT,
  TruncatedNormal,
  VarianceScaling,
  Zeros,
} from '../lib/initializers';
import { randomSeed, SeededRandom } from '../lib/random';
import { tensor } from '../lib/tensor';

/** The conv kernel of Conv2D(32, 3) on 128 channels (spec §7): fan_in 1152, fan_out 288. */
const KERNEL = [3, 3, 128, 32];
const N = 3 * 3 * 128 * 32;

function moments(v: Float32Array): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  let ss = 0;
  for (const x of v) ss += (x - mean) ** 2;
  return { mean, variance: ss / (v.length - 1), maxAbs };
}

/**
 * Statistical tolerances. The sample variance of n i.i.d. draws has relative standard deviation
 * k/√n with k = √(m₄/m₂² − 1): k = √0.8 ≈ 0.894 for a uniform, √2 for a normal, and 1.1686 for a
 * normal truncated at ±2σ (m₂ = 0.77374, m₄ = 1.41619, from scipy.stats.truncnorm). The sample
 * mean has standard deviation σ/√n. Bounds are 6 standard deviations: the seeds are fixed, so the
 * tests are deterministic, and a 6σ band would still hold for essentially any seed (p ≈ 2e-9).
 */
const K_UNIFORM = Math.sqrt(0.8);
const K_NORMAL = Math.SQRT2;
const K_TRUNCATED = 1.1686;
const TRUNCATED_STDDEV = 0.87962566103423978;

/** Bitwise equality of two float32 buffers (Jest's deep equality is slow on large typed arrays). */
function same(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectVariance(v: Float32Array, expected: number, k: number): void {
  const { mean, variance } = moments(v);
  const rel = (6 * k) / Math.sqrt(v.length);
  expect(Math.abs(variance - expected) / expected).toBeLessThan(rel);
  expect(Math.abs(mean)).toBeLessThan((6 * Math.sqrt(expected)) / Math.sqrt(v.length));
}

function expectUniformBounds(v: Float32Array, limit: number): void {
  const lo = Math.fround(-limit);
  const hi = Math.fround(limit);
  expect(v.filter((x) => !(x >= lo && x < hi))).toHaveLength(0);
  // The draws fill the range: the extremes come within 0.1% of the limits.
  const { maxAbs } = moments(v);
  expect(maxAbs).toBeGreaterThan(0.999 * limit);
}

describe('name lookup', () => {
  const TABLE: Record<string, string[]> = {
    Initializer: ['Initializer', 'initializer'],
    Constant: ['Constant', 'constant'],
    Identity: ['Identity', 'identity', 'IdentityInitializer'],
    Ones: ['Ones', 'ones', 'one'],
    STFT: ['STFT', 'stft', 'STFTInitializer'],
    Zeros: ['Zeros', 'zeros', 'zero'],
    GlorotNormal: ['GlorotNormal', 'glorot_normal'],
    GlorotUniform: ['GlorotUniform', 'glorot_uniform'],
    HeNormal: ['HeNormal', 'he_normal'],
    HeUniform: ['HeUniform', 'he_uniform'],
    LecunNormal: ['LecunNormal', 'lecun_normal'],
    LecunUniform: ['LecunUniform', 'lecun_uniform'],
    Orthogonal: ['Orthogonal', 'orthogonal', 'OrthogonalInitializer'],
    RandomNormal: ['RandomNormal', 'random_normal', 'normal'],
    RandomUniform: ['RandomUniform', 'random_uniform', 'uniform'],
    TruncatedNormal: ['TruncatedNormal', 'truncated_normal'],
    VarianceScaling: ['VarianceScaling', 'variance_scaling'],
  };

  test('every class name, snake_case form and alias resolves to its class', () => {
    for (const [className, names] of Object.entries(TABLE)) {
      for (const name of names) expect(getInitializer(name)?.className).toBe(className);
    }
    expect([...INITIALIZER_NAMES].sort()).toEqual(Object.values(TABLE).flat().sort());
  });

  test('null gives null; unknown identifiers raise Keras’ ValueError', () => {
    expect(getInitializer(null)).toBeNull();
    expect(getInitializer(undefined)).toBeNull();
    expect(() => getInitializer('Glorot_Uniform')).toThrow(ValueError);
    expect(() => getInitializer('glorotuniform')).toThrow('Could not interpret initializer identifier: glorotuniform');
    expect(() => getInitializer(5)).toThrow('Could not interpret initializer identifier: 5');
    expect(() => getInitializer({ class_name: 'Nope', config: {} })).toThrow(
      "Could not interpret initializer identifier: {'class_name': 'Nope', 'config': {}}",
    );
    expect(() => getInitializer({ config: {} })).toThrow("Unknown `config` as a `dict`, config={'config': {}}");
  });

  test('a dict builds from its config; unknown keys fail like Cls(**config)', () => {
    const i = getInitializer({ module: 'keras.initializers', class_name: 'RandomNormal', config: { mean: 1, stddev: 3, seed: 4 }, registered_name: null });
    expect(i).toBeInstanceOf(RandomNormal);
    expect(i?.getConfig()).toEqual({ seed: 4, mean: 1, stddev: 3 });
    expect(() => getInitializer({ class_name: 'RandomNormal', config: { scale: 1 } })).toThrow(TypeError);
    expect(() => getInitializer({ class_name: 'GlorotUniform', config: { scale: 2 } })).toThrow(
      "GlorotUniform.__init__() got an unexpected keyword argument 'scale'",
    );
    // The pre-3.15 config of the presets has only the seed.
    expect(getInitializer({ class_name: 'GlorotUniform', config: { seed: null } })).toBeInstanceOf(GlorotUniform);
  });

  test('instances pass through; Initializer subclasses are instantiated', () => {
    const z = new Zeros();
    expect(getInitializer(z)).toBe(z);
    class Twos extends Initializer {
      call(shape: readonly number[]): Float32Array {
        return new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(2);
      }
    }
    const t = getInitializer(Twos);
    expect(t).toBeInstanceOf(Twos);
    expect(Array.from(t?.call([2]) ?? [])).toEqual([2, 2]);
    expect(serializeInitializer(t)).toEqual({ module: null, class_name: 'Twos', config: {}, registered_name: 'Twos' });
  });
});

describe('fans (Keras compute_fans)', () => {
  test('conv kernels: rf·C_in/groups and rf·filters', () => {
    expect(computeFans(KERNEL)).toEqual([1152, 288]);
    // groups = 4 on 64 channels: the kernel holds 16 input slots.
    expect(computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(computeFans([5, 7, 2, 3])).toEqual([70, 105]);
  });

  test('ranks 0, 1, 2', () => {
    expect(computeFans([])).toEqual([1, 1]);
    expect(computeFans([5])).toEqual([5, 5]);
    expect(computeFans([4, 7])).toEqual([4, 7]);
  });

  test('input_axes / output_axes override the heuristic', () => {
    expect(computeFans([8, 4, 16], [0], [1, 2])).toEqual([8, 64]);
    expect(computeFans([8, 4, 16], -3, [-2, -1])).toEqual([8, 64]);
    expect(computeFans([8, 4, 16], null, [2])).toEqual([8 * 4, 16]);
    expect(() => computeFans([8, 4], [2])).toThrow('axis 2 is out of bounds for array of dimension 2');
  });
});

describe('variance-scaling family on a conv kernel', () => {
  const FAN_IN = 1152;
  const FAN_OUT = 288;

  test('glorot_uniform: U(±√(6/(fan_in+fan_out))), variance limit²/3', () => {
    const limit = Math.sqrt(6 / (FAN_IN + FAN_OUT));
    expect(limit).toBeCloseTo(0.06455, 5);
    const v = new GlorotUniform({ seed: 1 }).call(KERNEL);
    expect(v).toHaveLength(N);
    expectUniformBounds(v, limit);
    expectVariance(v, (limit * limit) / 3, K_UNIFORM);
  });

  test('he_uniform and lecun_uniform limits', () => {
    const he = new HeUniform({ seed: 2 }).call(KERNEL);
    expectUniformBounds(he, Math.sqrt(6 / FAN_IN));
    expectVariance(he, 2 / FAN_IN, K_UNIFORM);
    const lecun = new LecunUniform({ seed: 3 }).call(KERNEL);
    expectUniformBounds(lecun, Math.sqrt(3 / FAN_IN));
    expectVariance(lecun, 1 / FAN_IN, K_UNIFORM);
  });

  test('truncated presets: within 2σ of 0, variance scale/fan after the 0.8796 correction', () => {
    const cases: [Initializer, number][] = [
      [new HeNormal({ seed: 4 }), 2 / FAN_IN],
      [new LecunNormal({ seed: 5 }), 1 / FAN_IN],
      [new GlorotNormal({ seed: 6 }), 2 / (FAN_IN + FAN_OUT)],
    ];
    for (const [init, variance] of cases) {
      const v = init.call(KERNEL);
      const sigma = Math.sqrt(variance) / TRUNCATED_STDDEV;
      const bound = Math.fround(2 * sigma);
      expect(v.filter((x) => !(Math.abs(x) <= bound))).toHaveLength(0);
      expect(moments(v).maxAbs).toBeGreaterThan(0.99 * bound);
      expectVariance(v, variance, K_TRUNCATED);
    }
  });

  test('VarianceScaling modes and distributions', () => {
    const fanOut = new VarianceScaling({ scale: 3, mode: 'fan_out', distribution: 'untruncated_normal', seed: 7 }).call(KERNEL);
    expectVariance(fanOut, 3 / FAN_OUT, K_NORMAL);
    expect(moments(fanOut).maxAbs).toBeGreaterThan(2.5 * Math.sqrt(3 / FAN_OUT));
    const avg = new VarianceScaling({ scale: 0.5, mode: 'fan_avg', distribution: 'uniform', seed: 8 }).call(KERNEL);
    expectUniformBounds(avg, Math.sqrt((3 * 0.5) / ((FAN_IN + FAN_OUT) / 2)));
    // Axes override: fan_in from axis 3 only (32).
    const axes = new VarianceScaling({ distribution: 'uniform', input_axes: [3], seed: 9 }).call(KERNEL);
    expectUniformBounds(axes, Math.sqrt(3 / 32));
  });

  test('a zero fan is clamped to 1 (max(1, fan))', () => {
    expect(new VarianceScaling({ distribution: 'uniform', seed: 1 }).call([0, 5])).toHaveLength(0);
    const v = new VarianceScaling({ distribution: 'uniform', seed: 1, input_axes: [] }).call([4000]);
    expectUniformBounds(v, Math.sqrt(3));
  });

  test('argument validation with Keras’ messages', () => {
    expect(() => new VarianceScaling({ scale: 0 })).toThrow('Argument `scale` must be positive float. Received: scale=0');
    expect(() => new VarianceScaling({ scale: -1.5 })).toThrow(ValueError);
    expect(() => new VarianceScaling({ mode: 'fan' as 'fan_in' })).toThrow(
      "Invalid `mode` argument: fan. Please use one of {'fan_in', 'fan_out', 'fan_avg'}",
    );
    expect(() => new VarianceScaling({ distribution: 'Gamma' })).toThrow(
      "Invalid `distribution` argument: gamma.Please use one of {'uniform', 'truncated_normal', 'untruncated_normal'}",
    );
    expect(new VarianceScaling({ distribution: 'normal' }).distribution).toBe('truncated_normal');
    expect(new VarianceScaling({ distribution: 'UNIFORM' }).distribution).toBe('uniform');
    expect(() => new GlorotUniform({ seed: 1.5 })).toThrow(
      '`seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. Received: seed=1.5',
    );
    expect(() => new RandomNormal({ seed: 'x' as unknown as number })).toThrow(ValueError);
  });
});

describe('plain random initializers', () => {
  test('RandomUniform: [minval, maxval), defaults ±0.05', () => {
    const v = new RandomUniform({ minval: 1, maxval: 3, seed: 11 }).call([20000]);
    expect(v.filter((x) => !(x >= 1 && x < 3))).toHaveLength(0);
    const { mean, variance } = moments(v);
    expect(Math.abs(mean - 2)).toBeLessThan((6 * Math.sqrt(1 / 3)) / Math.sqrt(v.length));
    expect(Math.abs(variance - 1 / 3) / (1 / 3)).toBeLessThan((6 * K_UNIFORM) / Math.sqrt(v.length));
    expectUniformBounds(getInitializer('uniform')?.call([5000]) as Float32Array, 0.05);
  });

  test('RandomNormal: mean and stddev', () => {
    const v = new RandomNormal({ mean: -1, stddev: 0.5, seed: 12 }).call([20000]);
    const { mean, variance } = moments(v);
    expect(Math.abs(mean + 1)).toBeLessThan((6 * 0.5) / Math.sqrt(v.length));
    expect(Math.abs(variance - 0.25) / 0.25).toBeLessThan((6 * K_NORMAL) / Math.sqrt(v.length));
  });

  test('TruncatedNormal: never beyond mean ± 2·stddev; variance 0.7737·stddev²', () => {
    const v = new TruncatedNormal({ mean: 1, stddev: 2, seed: 13 }).call([40000]);
    expect(v.filter((x) => !(x >= -3 && x <= 5))).toHaveLength(0);
    const { mean, variance } = moments(v);
    expect(Math.abs(mean - 1)).toBeLessThan((6 * 2) / Math.sqrt(v.length));
    const expected = 4 * TRUNCATED_STDDEV ** 2;
    expect(Math.abs(variance - expected) / expected).toBeLessThan((6 * K_TRUNCATED) / Math.sqrt(v.length));
  });
});

describe('seeds and reproducibility', () => {
  test('the documented generator: pinned words from an independent Python implementation', () => {
    const words = (seed: number) => {
      const r = new SeededRandom(seed);
      return [r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()];
    };
    expect(words(0)).toEqual([3809008728, 1133695204, 53579671, 2891528803]);
    expect(words(42)).toEqual([2837322924, 544945897, 479756282, 3500138142]);
    expect(words(-1)).toEqual([2466671647, 704075991, 1425070668, 2363080060]);
    expect(words(2 ** 40 + 7)).toEqual([1606920336, 1856359683, 890391056, 323721861]);
    expect(new SeededRandom(42).uniform()).toBe(0.6606157208001621);
  });

  test('the same integer seed gives the same values in every process (pinned value)', () => {
    // U(±√1.5) from the first uniform of seed 42: −L + 2L·0.6606157208001621.
    const limit = Math.sqrt(6 / 4);
    const v = new GlorotUniform({ seed: 42 }).call([2, 2]);
    expect(v[0]).toBe(Math.fround(-limit + 2 * limit * 0.6606157208001621));
  });

  test('uniform() and normal() are well distributed', () => {
    const r = new SeededRandom(99);
    const u = Float32Array.from({ length: 50000 }, () => r.uniform());
    expectVariance(Float32Array.from(u, (x) => x - 0.5), 1 / 12, K_UNIFORM);
    const z = Float32Array.from({ length: 50000 }, () => r.normal());
    expectVariance(z, 1, K_NORMAL);
  });

  test('same seed → same values; different seeds → different values', () => {
    for (const make of [
      (seed: number) => new GlorotUniform({ seed }),
      (seed: number) => new HeNormal({ seed }),
      (seed: number) => new RandomNormal({ seed }),
      (seed: number) => new TruncatedNormal({ seed }),
      (seed: number) => new Orthogonal({ seed }),
    ]) {
      expect(same(make(5).call([4, 6]), make(5).call([4, 6]))).toBe(true);
      expect(same(make(5).call([4, 6]), make(6).call([4, 6]))).toBe(false);
    }
  });

  test('one object gives the same values on every call, even without a seed', () => {
    for (const init of [new GlorotUniform(), new RandomUniform(), new Orthogonal(), new GlorotUniform({ seed: 3 })]) {
      expect(same(init.call(KERNEL), init.call(KERNEL))).toBe(true);
    }
    // Unseeded objects draw their own seed, so two of them differ, and the config says null.
    const a = new GlorotUniform();
    expect(same(a.call([8, 8]), new GlorotUniform().call([8, 8]))).toBe(false);
    expect(a.getConfig()).toEqual({ seed: null, input_axes: null, output_axes: null });
  });

  test('randomSeed() gives 32-bit integers', () => {
    const seeds = Array.from({ length: 20 }, randomSeed);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(15);
  });
});

describe('Orthogonal', () => {
  function gram(v: Float32Array, rows: number, cols: number, byColumns: boolean): number[][] {
    const n = byColumns ? cols : rows;
    const len = byColumns ? rows : cols;
    const at = (vec: number, k: number) => (byColumns ? v[k * cols + vec] : v[vec * cols + k]);
    return Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
        return s;
      }),
    );
  }

  function expectScaledIdentity(g: number[][], scale: number): void {
    g.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - (i === j ? scale : 0))).toBeLessThan(2e-6 * scale)));
  }

  test('conv kernel (3,3,4,8) flattens to 36×8 with orthonormal columns', () => {
    const v = new Orthogonal({ seed: 21 }).call([3, 3, 4, 8]);
    expect(v).toHaveLength(288);
    expectScaledIdentity(gram(v, 36, 8, true), 1);
  });

  test('wide shapes get orthonormal rows; gain scales', () => {
    const v = new Orthogonal({ seed: 22, gain: 2 }).call([2, 3, 10]);
    expectScaledIdentity(gram(v, 6, 10, false), 4);
    const square = new Orthogonal({ seed: 23 }).call([7, 7]);
    expectScaledIdentity(gram(square, 7, 7, true), 1);
    expectScaledIdentity(gram(square, 7, 7, false), 1);
  });

  test('rank below 2 raises Keras’ ValueError', () => {
    expect(() => new Orthogonal().call([5])).toThrow(
      'The tensor to initialize must be at least two-dimensional. Received: shape=(5,) of rank 1.',
    );
  });
});

describe('constant-like initializers', () => {
  test('Zeros, Ones, Constant', () => {
    expect(Array.from(new Zeros().call([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(new Ones().call([3]))).toEqual([1, 1, 1]);
    expect(Array.from(new Constant({ value: 2.5 }).call([2]))).toEqual([2.5, 2.5]);
    expect(Array.from(new Constant(-1).call([1]))).toEqual([-1]);
    expect(Array.from((getInitializer('constant') as Initializer).call([2]))).toEqual([0, 0]);
  });

  test('Identity is 2-D only, like Keras', () => {
    expect(Array.from(new Identity({ gain: 2 }).call([2, 3]))).toEqual([2, 0, 0, 0, 2, 0]);
    expect(() => new Identity().call(KERNEL)).toThrow(ValueError);
    expect(() => getInitializer('identity')?.call(KERNEL)).toThrow(
      'Identity matrix initializer can only be used for 2D matrices. Received: shape=(3, 3, 128, 32) of rank 4.',
    );
  });

  test('the abstract Initializer resolves but cannot be called', () => {
    const base = getInitializer('initializer') as Initializer;
    expect(base).toBeInstanceOf(BaseInitializer);
    expect(() => base.call([2])).toThrow(NotImplementedError);
    expect(() => base.call([2])).toThrow('Initializer subclasses must implement the `__call__()` method.');
  });
});

describe('STFT', () => {
  test('on a 4-D conv kernel it fails as Keras’ 3-name unpacking does', () => {
    expect(() => getInitializer('stft')?.call(KERNEL)).toThrow(ValueError);
    expect(() => new STFT().call(KERNEL)).toThrow('too many values to unpack (expected 3)');
    expect(() => new STFT().call([4, 1])).toThrow('not enough values to unpack (expected 3, got 2)');
  });

  test('unwindowed real and imaginary DFT bases', () => {
    const [T, F] = [4, 3];
    const real = new STFT({ window: null }).call([T, 1, F]);
    const imag = new STFT({ side: 'imag', window: null }).call([T, 1, F]);
    for (let t = 0; t < T; t++) {
      for (let f = 0; f < F; f++) {
        const arg = (-2 * Math.PI * t * f) / ((F - 1) * 2);
        expect(real[t * F + f]).toBeCloseTo(Math.cos(arg), 6);
        expect(imag[t * F + f]).toBeCloseTo(Math.sin(arg), 6);
      }
    }
  });

  test('hann window with density scaling, symmetric and periodic', () => {
    const T = 5;
    for (const periodic of [false, true]) {
      const m = periodic ? T + 1 : T;
      const hann = Array.from({ length: T }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)));
      const norm = Math.sqrt(hann.reduce((s, w) => s + w * w, 0));
      const v = new STFT({ periodic }).call([T, 1, 2]);
      for (let t = 0; t < T; t++) {
        expect(v[t * 2]).toBeCloseTo(hann[t] / norm, 6);
        expect(v[t * 2 + 1]).toBeCloseTo((Math.cos(-Math.PI * t) * hann[t]) / norm, 6);
      }
    }
  });

  test('explicit window values with spectrum scaling; wrong length fails', () => {
    const v = new STFT({ window: [1, 2, 1], scaling: 'spectrum' }).call([3, 1, 2]);
    expect(v[0]).toBeCloseTo(0.25, 7);
    expect(v[2]).toBeCloseTo(0.5, 7);
    expect(() => new STFT({ window: [1, 2] }).call([3, 1, 2])).toThrow(
      'The shape of `window` must be equal to [frame_length].Received: window shape=(2,)',
    );
  });

  test('argument validation', () => {
    expect(() => new STFT({ side: 'both' as 'real' })).toThrow("side should be 'real' or 'imag', not both");
    expect(() => new STFT({ scaling: 'l2' as 'density' })).toThrow(
      "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling=l2",
    );
    expect(() => new STFT({ window: 'hannn' })).toThrow("Invalid window name 'hannn' in parameter window='hannn'!");
    expect(() => new STFT({ window: 'kaiser' })).toThrow("'kaiser' must have parameters, but window='kaiser'!");
    expect(() => new STFT({ window: 'taylor' })).toThrow(NotImplementedError);
    // SciPy's aliases and suffixes are accepted.
    expect(new STFT({ window: 'han' }).call([4, 1, 2])).toEqual(new STFT({ window: 'hann_symmetric', periodic: true }).call([4, 1, 2]));
  });
});

describe('functions and tensors as initializers', () => {
  test('a function (shape) => values', () => {
    function ramp(shape: readonly number[]): number[] {
      return Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
    }
    const init = getInitializer(ramp) as Initializer;
    expect(Array.from(init.call([2, 2]))).toEqual([0, 1, 2, 3]);
    expect(serializeInitializer(init)).toEqual({ module: null, class_name: 'function', config: 'ramp', registered_name: 'ramp' });
    const wrong = getInitializer(() => [1, 2]) as Initializer;
    expect(() => wrong.call([3])).toThrow(ValueError);
  });

  test('a tensor gives its values; the shape must match at call time', () => {
    const init = getInitializer(tensor([1, 2, 3, 4, 5, 6], [2, 3])) as Initializer;
    expect(Array.from(init.call([2, 3]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => init.call([3, 2])).toThrow(ValueError);
    expect(() => init.call([3, 2])).toThrow('Initial value shape (2, 3) does not match the weight shape (3, 2).');
    const s = serializeInitializer(init);
    expect(s).toEqual({
      module: null,
      class_name: '__numpy__',
      config: { value: [[1, 2, 3], [4, 5, 6]], dtype: 'float32' },
      registered_name: null,
    });
    expect(Array.from((getInitializer(s) as Initializer).call([2, 3]))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('serialization', () => {
  test('the spec §10 forms of the Conv2D defaults', () => {
    expect(JSON.stringify(serializeInitializer(getInitializer('glorot_uniform')))).toBe(
      '{"module":"keras.initializers","class_name":"GlorotUniform","config":{"seed":null,"input_axes":null,"output_axes":null},"registered_name":null}',
    );
    expect(JSON.stringify(serializeInitializer(getInitializer('zeros')))).toBe(
      '{"module":"keras.initializers","class_name":"Zeros","config":{},"registered_name":null}',
    );
    expect(serializeInitializer(null)).toBeNull();
  });

  test('get → serialize → get round trips, values included for seeded ones', () => {
    const instances: [Initializer, number[]][] = [
      [new Zeros(), [2, 2]],
      [new Ones(), [2, 2]],
      [new Constant({ value: 3.5 }), [2, 2]],
      [new RandomNormal({ mean: 1, stddev: 2, seed: 7 }), [3, 4]],
      [new RandomUniform({ minval: -1, maxval: 2, seed: 8 }), [3, 4]],
      [new TruncatedNormal({ mean: 0, stddev: 0.1, seed: 9 }), [3, 4]],
      [new VarianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 3, input_axes: [0, 1, 2], output_axes: -1 }), KERNEL],
      [new GlorotUniform({ seed: 1 }), KERNEL],
      [new GlorotNormal({ seed: 10 }), KERNEL],
      [new HeNormal({ seed: 5 }), KERNEL],
      [new HeUniform({ seed: 6, output_axes: [3] }), KERNEL],
      [new LecunNormal({ seed: 14 }), KERNEL],
      [new LecunUniform({ seed: 2 }), KERNEL],
      [new Orthogonal({ gain: 2, seed: 4 }), [3, 3, 4, 8]],
      [new Identity({ gain: 0.5 }), [3, 3]],
      [new STFT({ side: 'imag', window: 'hamming', scaling: 'spectrum', periodic: true }), [6, 1, 4]],
    ];
    for (const [init, shape] of instances) {
      const s = serializeInitializer(init);
      expect(s?.module).toBe('keras.initializers');
      expect(s?.class_name).toBe(init.className);
      const again = getInitializer(JSON.parse(JSON.stringify(s))) as Initializer;
      expect(again.constructor).toBe(init.constructor);
      expect(serializeInitializer(again)).toEqual(s);
      expect(same(again.call(shape), init.call(shape))).toBe(true);
    }
    const base = serializeInitializer(getInitializer('Initializer'));
    expect(base).toEqual({ module: 'keras', class_name: 'Initializer', config: {}, registered_name: null });
  });

  test('configs report Keras’ keys and values', () => {
    expect(new VarianceScaling().getConfig()).toEqual({
      seed: null,
      scale: 1,
      mode: 'fan_in',
      distribution: 'truncated_normal',
      input_axes: null,
      output_axes: null,
    });
    expect(new RandomNormal().getConfig()).toEqual({ seed: null, mean: 0, stddev: 0.05 });
    expect(new RandomUniform().getConfig()).toEqual({ seed: null, minval: -0.05, maxval: 0.05 });
    expect(new TruncatedNormal({ seed: 0 }).getConfig()).toEqual({ seed: 0, mean: 0, stddev: 0.05 });
    expect(new Orthogonal().getConfig()).toEqual({ seed: null, gain: 1 });
    expect(new Constant().getConfig()).toEqual({ value: 0 });
    expect(new Identity().getConfig()).toEqual({ gain: 1 });
    expect(new STFT().getConfig()).toEqual({ side: 'real', window: 'hann', periodic: false, scaling: 'density' });
  });
});
