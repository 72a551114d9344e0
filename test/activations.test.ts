import { ACTIVATION_NAMES, getActivation, serializeActivation } from '../lib/activations';
import { erf, erfc } from '../lib/erf';
import { ValueError } from '../lib/errors';
import { Tensor, tensor } from '../lib/tensor';

/** Inputs: a dense grid over [-8, 8], the kinks of the piecewise ones, and large |x|. */
const POINTS: number[] = (() => {
  const pts = new Set<number>();
  for (let i = -400; i <= 400; i++) pts.add(Math.fround(i / 50));
  for (const v of [-3, 3, -1, 1, -0.5, 0.5, 6, -6, 1e-6, -1e-6, 1e-3, -1e-3, 0.02, -0.02]) pts.add(Math.fround(v));
  for (const v of [10, 15, 20, 30, 50, 80, 88, 100, 1e3, 1e4, 3e38]) {
    pts.add(Math.fround(v));
    pts.add(Math.fround(-v));
  }
  return [...pts].sort((a, b) => a - b);
})();

/**
 * Independent float64 references, written the textbook way (stabilized only where the textbook
 * form overflows), not shared with lib/activations.ts.
 */
const ref = {
  sigmoid: (x: number) => (x < -700 ? 0 : 1 / (1 + Math.exp(-x))),
  softplus: (x: number) => (x > 30 ? x + Math.exp(-x) : Math.log1p(Math.exp(x))),
};
const REFERENCE: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leaky_relu: (x) => (x >= 0 ? x : 0.2 * x),
  elu: (x) => (x >= 0 ? x : Math.exp(x) - 1),
  selu: (x) => 1.0507009873554805 * (x >= 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1)),
  celu: (x) => Math.max(x, 0) + (Math.exp(Math.min(x, 0)) - 1),
  sigmoid: ref.sigmoid,
  hard_sigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  sparse_sigmoid: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : (x + 1) / 2),
  log_sigmoid: (x) => -ref.softplus(-x),
  silu: (x) => x * ref.sigmoid(x),
  hard_silu: (x) => x * Math.min(Math.max(x / 6 + 0.5, 0), 1),
  tanh: (x) => Math.tanh(x),
  tanh_shrink: (x) => x - Math.tanh(x),
  hard_tanh: (x) => Math.min(Math.max(x, -1), 1),
  softplus: ref.softplus,
  softsign: (x) => x / (1 + Math.abs(x)),
  squareplus: (x) => (x + Math.sqrt(x * x + 4)) / 2,
  sparse_plus: (x) => (x <= -1 ? 0 : x >= 1 ? x : ((x + 1) * (x + 1)) / 4),
  soft_shrink: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0),
  hard_shrink: (x) => (Math.abs(x) > 0.5 ? x : 0),
  exponential: (x) => Math.exp(x),
  mish: (x) => x * Math.tanh(ref.softplus(x)),
};

/**
 * The implementation computes in float64 and rounds once, so it must agree with the float64
 * reference rounded to float32 to within one float32 ulp (2^-23 relative), plus 1e-30 absolute
 * for results that underflow. Where the textbook reference itself cancels (squareplus for large
 * negative x, tanh_shrink near 0) the points are checked separately below.
 */
function expectClose(got: number, want: number, what: string): void {
  const w = Math.fround(want);
  if (!Number.isFinite(w)) {
    expect([what, got]).toEqual([what, w]);
    return;
  }
  const tol = Math.abs(w) * 2 ** -23 + 1e-30;
  if (!(Math.abs(got - w) <= tol)) throw new Error(`${what}: got ${got}, want ${w} (float64 ${want})`);
}

function run(name: string, values: number[], shape: number[] = [values.length]): Tensor {
  return getActivation(name).apply(tensor(values, shape));
}

describe('element-wise activations against float64 formulas', () => {
  for (const [name, f] of Object.entries(REFERENCE)) {
    test(name, () => {
      const skip = (x: number) =>
        (name === 'squareplus' && x < -20) || (name === 'tanh_shrink' && Math.abs(x) < 0.05);
      const xs = POINTS.filter((x) => !skip(x));
      const y = run(name, xs);
      expect(y.shape).toEqual([xs.length]);
      xs.forEach((x, i) => expectClose(y.data[i], f(x), `${name}(${x})`));
    });
  }

  test('squareplus keeps precision for large negative x (≈ 1/|x|)', () => {
    const xs = [-30, -100, -1e4].map(Math.fround);
    const y = run('squareplus', xs);
    // (x + √(x²+4))/2 = 2/(√(x²+4) − x) exactly; for x = −1e4 that is 1e-4 − 1e-12 + …
    xs.forEach((x, i) => expectClose(y.data[i], 2 / (Math.sqrt(x * x + 4) - x), `squareplus(${x})`));
    expect(y.data[2]).toBeCloseTo(1e-4, 10);
  });

  test('tanh_shrink near zero follows x³/3 instead of cancelling to 0', () => {
    const xs = [1e-3, -1e-3, 1e-6, 0.02, -0.04].map(Math.fround);
    const y = run('tanh_shrink', xs);
    xs.forEach((x, i) => expectClose(y.data[i], x ** 3 / 3 - (2 * x ** 5) / 15 + (17 * x ** 7) / 315, `tanh_shrink(${x})`));
    expect(y.data[2]).not.toBe(0);
  });

  test('gelu is the exact (erf) form, pinned to CPython math.erfc', () => {
    // 0.5·x·erfc(−x/√2) computed by CPython 3 at float32-exact inputs.
    const table: [number, number][] = [
      [-10, -7.619853024160593e-23],
      [-6, -5.919525870226207e-9],
      [-4, -0.00012668496733247986],
      [-3, -0.004049694094890287],
      [-2, -0.04550026389635844],
      [-1, -0.15865525393145707],
      [-0.5, -0.15426876936299344],
      [-0.125, -0.056282721896235885],
      [-0.0009765625, -0.00048790078905392527],
      [0, 0],
      [0.0009765625, 0.0004886617109460747],
      [0.125, 0.06871727810376412],
      [0.5, 0.34573123063700656],
      [1, 0.8413447460685429],
      [2, 1.9544997361036416],
      [3, 2.99595030590511],
      [4, 3.9998733150326675],
      [6, 5.999999994080474],
      [10, 10],
    ];
    const y = run('gelu', table.map(([x]) => x));
    table.forEach(([x, want], i) => expectClose(y.data[i], want, `gelu(${x})`));
    // Not the tanh approximation: that gives 0.8411919906082768 at x = 1.
    expect(Math.abs(y.data[13] - Math.fround(0.8411919906082768))).toBeGreaterThan(1e-4);
  });

  test('erf/erfc agree with CPython to 1e-15 relative (1e-13 for erfc below 2)', () => {
    const erfTable: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
    ];
    for (const [x, want] of erfTable) {
      expect(Math.abs(erf(x) - want) / want).toBeLessThan(1e-15);
      expect(Math.abs(erf(-x) + want) / want).toBeLessThan(1e-15);
    }
    const erfcTable: [number, number][] = [
      [2, 0.004677734981047265],
      [3, 2.2090496998585438e-5],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
    ];
    for (const [x, want] of erfcTable) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(3e-15);
    expect(Math.abs(erfc(1) - (1 - 0.8427007929497149)) / 0.15729920705028513).toBeLessThan(1e-13);
    expect(erfc(-3)).toBeCloseTo(2 - 2.2090496998585438e-5, 15);
    expect(erf(0)).toBe(0);
    expect(erf(40)).toBe(1);
    expect(erfc(40)).toBe(0);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });

  test('NaN propagates through the max/clip based ones', () => {
    for (const name of ['relu', 'relu6', 'leaky_relu', 'sigmoid', 'softplus', 'hard_shrink', 'soft_shrink']) {
      expect(Number.isNaN(run(name, [NaN]).data[0])).toBe(true);
    }
  });

  test('element-wise activations keep any rank and shape', () => {
    const values = Array.from({ length: 2 * 3 * 1 * 2 * 2 }, (_, i) => i - 12);
    const y = getActivation('relu').apply(tensor(values, [2, 3, 1, 2, 2]));
    expect(y.shape).toEqual([2, 3, 1, 2, 2]);
    expect(Array.from(y.data)).toEqual(values.map((v) => Math.max(v, 0)));
    const s = getActivation('sigmoid').apply(tensor([0], []));
    expect(s.shape).toEqual([]);
    expect(s.data[0]).toBe(0.5);
  });
});

describe('last-axis activations', () => {
  const rows = [
    [1, 2, 3, 4],
    [-1000, 0, 1000, 999],
    [0.5, 0.5, 0.5, 0.5],
    [-3.25, 7, 0.125, -0.5],
  ];
  const x = tensor(rows.flat(), [2, 2, 4]);

  test('softmax: rows sum to 1 and match exp(x − max)/Σ, stable for |x| = 1000', () => {
    const y = getActivation('softmax').apply(x);
    expect(y.shape).toEqual([2, 2, 4]);
    rows.forEach((row, r) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      let sum = 0;
      row.forEach((_, i) => {
        expectClose(y.data[r * 4 + i], e[i] / s, `softmax row ${r}`);
        sum += y.data[r * 4 + i];
      });
      expect(Math.abs(sum - 1)).toBeLessThan(4 * 2 ** -23);
    });
  });

  test('log_softmax: exp sums to 1 and matches x − max − log Σ exp', () => {
    const y = getActivation('log_softmax').apply(x);
    rows.forEach((row, r) => {
      const m = Math.max(...row);
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      let sum = 0;
      row.forEach((v, i) => {
        expectClose(y.data[r * 4 + i], v - m - lse, `log_softmax row ${r}`);
        sum += Math.exp(y.data[r * 4 + i]);
      });
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    });
  });

  test('sparsemax: projection onto the simplex, rows sum to 1, sparse', () => {
    const y = getActivation('sparsemax').apply(tensor([1, 0.5, -1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 10, -10, 3], [4, 3]));
    // Row 1: sorted (1, .5, −1): support 2, τ = (1.5 − 1)/2 = 0.25.
    expect(Array.from(y.data.subarray(0, 3))).toEqual([0.75, 0.25, 0]);
    // Equal values: uniform.
    for (let i = 3; i < 9; i++) expect(y.data[i]).toBeCloseTo(1 / 3, 7);
    // One dominant value takes everything.
    expect(Array.from(y.data.subarray(9, 12))).toEqual([1, 0, 0]);
    for (let r = 0; r < 4; r++) {
      const s = y.data[r * 3] + y.data[r * 3 + 1] + y.data[r * 3 + 2];
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
  });

  test('softmax works on the last axis only (channels_first W axis), and on a scalar', () => {
    const y = getActivation('softmax').apply(tensor([0, 0, 5, 5], [2, 2]));
    expect(Array.from(y.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(getActivation('softmax').apply(tensor([3], [])).data)).toEqual([1]);
  });

  test('glu halves the last axis: a · sigmoid(b)', () => {
    const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i - 10) / 4);
    const y = getActivation('glu').apply(tensor(values, [2, 3, 4]));
    expect(y.shape).toEqual([2, 3, 2]);
    for (let r = 0; r < 6; r++) {
      for (let i = 0; i < 2; i++) {
        const a = values[r * 4 + i];
        const b = values[r * 4 + 2 + i];
        expectClose(y.data[r * 2 + i], a * ref.sigmoid(b), 'glu');
      }
    }
    expect(() => getActivation('glu').apply(tensor([1, 2, 3], [1, 3]))).toThrow(ValueError);
    expect(() => getActivation('glu').apply(tensor([1, 2, 3], [1, 3]))).toThrow(
      'glu needs an even size on the last axis to split it in halves. Received: x.shape=(1, 3)',
    );
  });
});

describe('lookup and serialization', () => {
  const CANONICAL = [
    'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'celu', 'gelu', 'glu', 'sigmoid', 'hard_sigmoid',
    'sparse_sigmoid', 'log_sigmoid', 'silu', 'hard_silu', 'tanh', 'tanh_shrink', 'hard_tanh', 'softplus',
    'softsign', 'squareplus', 'sparse_plus', 'soft_shrink', 'hard_shrink', 'threshold', 'exponential', 'mish',
    'softmax', 'log_softmax', 'sparsemax',
  ];

  test('all 30 Keras names and the 2 aliases resolve; names serialize to themselves', () => {
    expect(CANONICAL).toHaveLength(30);
    expect([...ACTIVATION_NAMES].sort()).toEqual([...CANONICAL, 'swish', 'hard_swish'].sort());
    for (const name of CANONICAL) {
      const a = getActivation(name);
      expect(a.name).toBe(name);
      expect(serializeActivation(a)).toBe(name);
    }
  });

  test('aliases serialize to their target names', () => {
    expect(getActivation('swish')).toBe(getActivation('silu'));
    expect(serializeActivation(getActivation('swish'))).toBe('silu');
    expect(serializeActivation(getActivation('hard_swish'))).toBe('hard_silu');
  });

  test('null and undefined mean linear, which returns its input', () => {
    const x = tensor([1, -2], [2]);
    expect(getActivation(null).name).toBe('linear');
    expect(getActivation(undefined).apply(x)).toBe(x);
  });

  test('lookup is case-sensitive; unknown identifiers raise Keras’ ValueError', () => {
    expect(() => getActivation('ReLU')).toThrow(ValueError);
    expect(() => getActivation('ReLU')).toThrow('Could not interpret activation function identifier: ReLU');
    expect(() => getActivation('l1_l2')).toThrow('Could not interpret activation function identifier: l1_l2');
    expect(() => getActivation(3)).toThrow('Could not interpret activation function identifier: 3');
    expect(() => getActivation({ class_name: 'function', config: 'nope' })).toThrow(
      "Could not interpret activation function identifier: {'class_name': 'function', 'config': 'nope'}",
    );
  });

  test('serialized dict forms resolve', () => {
    const d = { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'relu' };
    expect(getActivation(d)).toBe(getActivation('relu'));
    expect(getActivation({ class_name: 'swish', config: null })).toBe(getActivation('silu'));
  });

  test('threshold resolves but raises Python’s TypeError when used as a layer activation', () => {
    const a = getActivation('threshold');
    expect(a.fused).toBeUndefined();
    expect(() => a.apply(tensor([1], [1]))).toThrow(TypeError);
    expect(() => a.apply(tensor([1], [1]))).toThrow(
      "threshold() missing 2 required positional arguments: 'threshold' and 'default_value'",
    );
  });

  test('fused metadata for the element-wise ones the kernel implements', () => {
    const fusable = [
      'linear', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'tanh', 'silu', 'gelu', 'hard_sigmoid',
      'hard_silu', 'softplus', 'softsign', 'exponential', 'mish', 'log_sigmoid',
    ];
    for (const name of CANONICAL) {
      const fused = getActivation(name).fused;
      if (fusable.includes(name)) expect(fused?.name).toBe(name);
      else expect(fused).toBeUndefined();
    }
    expect(getActivation('leaky_relu').fused).toEqual({ name: 'leaky_relu', alpha: 0.2 });
    expect(getActivation('elu').fused).toEqual({ name: 'elu', alpha: 1 });
    expect(getActivation('swish').fused).toEqual({ name: 'silu' });
    expect(getActivation('hard_swish').fused).toEqual({ name: 'hard_silu' });
  });

  test('a custom function is wrapped, named after the function, and not fused', () => {
    function double(x: Tensor): Tensor {
      return tensor(Array.from(x.data, (v) => 2 * v), x.shape);
    }
    const a = getActivation(double);
    expect(a.name).toBe('double');
    expect(a.fused).toBeUndefined();
    expect(Array.from(a.apply(tensor([1, -3], [2])).data)).toEqual([2, -6]);
    expect(serializeActivation(a)).toEqual({
      module: null,
      class_name: 'function',
      config: 'double',
      registered_name: 'double',
    });
    expect(getActivation(a)).toBe(a);
    const bad = getActivation(() => 3 as unknown as Tensor);
    expect(() => bad.apply(tensor([1], [1]))).toThrow(TypeError);
  });
});
