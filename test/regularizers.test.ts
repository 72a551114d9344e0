import { NotImplementedError, ValueError } from '../lib/errors';
import {
  BaseRegularizer,
  getRegularizer,
  L1,
  L1L2,
  L2,
  OrthogonalRegularizer,
  REGULARIZER_NAMES,
  Regularizer,
  serializeRegularizer,
} from '../lib/regularizers';
import { tensor, TensorLike } from '../lib/tensor';

function full(shape: number[], value: number): TensorLike {
  return tensor(new Array(shape.reduce((a, b) => a * b, 1)).fill(value), shape);
}

/** One float32 ulp of relative slack: penalties are float64 sums rounded once to float32. */
function expectF32(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.abs(want) * 2 ** -23);
}

describe('penalty values', () => {
  test('l2 on 2·ones(b, 5): raw 0.01·4·5b, i.e. 0.2 per sample once the layer divides by b', () => {
    // Keras layer_test.py: activity_regularizer='l2' on 2*ones((b, 5)) gives 0.2 for every b.
    const l2 = getRegularizer('l2') as Regularizer;
    for (const b of [1, 2, 3, 7, 64]) {
      const raw = l2.call(full([b, 5], 2));
      expectF32(raw, 0.2 * b);
      expectF32(raw / b, 0.2);
    }
  });

  test('Keras docstring examples: L2(2) on ones(5,5) is 50; L1(0.01) on a ones 5×5 kernel is 0.25', () => {
    expect(new L2({ l2: 2 }).call(full([5, 5], 1))).toBe(50);
    expectF32(new L1({ l1: 0.01 }).call(full([5, 5], 1)), 0.25);
  });

  test('L1 is l1·Σ|x| with the factor rounded to float32', () => {
    expect(new L1({ l1: 0.5 }).call(tensor([1, -2, 3, -4], [4]))).toBe(5);
    const x = tensor([0.25, -1.5, 3, -0.125, 7], [5]);
    expectF32(new L1({ l1: 0.3 }).call(x), Math.fround(0.3) * (0.25 + 1.5 + 3 + 0.125 + 7));
  });

  test('L2 is l2·Σx²; L1L2 adds both; a zero factor contributes nothing', () => {
    const x = tensor([1, -2, 0.5], [3]);
    expectF32(new L2({ l2: 0.1 }).call(x), 0.1 * (1 + 4 + 0.25));
    expectF32(new L1L2({ l1: 0.1, l2: 0.2 }).call(x), 0.1 * 3.5 + 0.2 * 5.25);
    expectF32(new L1L2({ l2: 0.2 }).call(x), 0.2 * 5.25);
    expect((getRegularizer('l1l2') as Regularizer).call(x)).toBe(0);
  });

  test('large tensors: the float64 sum stays exact where a float32 running sum would drift', () => {
    // 2^24 + 1 is not a float32; a float32 accumulator would stop counting at 2^24.
    const n = 2 ** 24 + 8;
    const ones = { data: new Float32Array(n).fill(1), shape: [n] };
    expect(new L1({ l1: 1 }).call(ones)).toBe(Math.fround(n));
    expect(new L2({ l2: 1 }).call(ones)).toBe(Math.fround(n));
  });

  test('the base Regularizer is a zero penalty', () => {
    expect((getRegularizer('regularizer') as Regularizer).call(full([3], 5))).toBe(0);
    expect(getRegularizer('Regularizer')).toBeInstanceOf(BaseRegularizer);
  });
});

describe('OrthogonalRegularizer', () => {
  /** Keras' formula written out: factor·0.5·Σ|P∘(1−I)| / (n(n−1)/2), P the Gram matrix of unit rows/columns. */
  function reference(x: number[][], factor: number, mode: 'rows' | 'columns'): number {
    const vecs = mode === 'rows' ? x : x[0].map((_, j) => x.map((row) => row[j]));
    const unit = vecs.map((v) => {
      const n = Math.max(Math.sqrt(v.reduce((s, a) => s + a * a, 0)), 1e-7);
      return v.map((a) => a / n);
    });
    let sum = 0;
    unit.forEach((a, i) =>
      unit.forEach((b, j) => {
        if (i !== j) sum += Math.abs(a.reduce((s, v, k) => s + v * b[k], 0));
      }),
    );
    const n = unit.length;
    return (factor * 0.5 * sum) / ((n * (n - 1)) / 2);
  }

  test('parallel rows give the factor, orthogonal rows give 0', () => {
    expectF32(new OrthogonalRegularizer().call(tensor([1, 0, 1, 0], [2, 2])), 0.01);
    expect(new OrthogonalRegularizer().call(tensor([3, 4, 4, -3], [2, 2]))).toBe(0);
    expectF32(new OrthogonalRegularizer({ mode: 'columns' }).call(tensor([1, 1, 0, 0], [2, 2])), 0.01);
    // A zero row stays zero after normalization (divided by ε, not by 0).
    expect(new OrthogonalRegularizer().call(tensor([0, 0, 1, 0], [2, 2]))).toBe(0);
  });

  test('matches the written-out formula on a random matrix, both modes', () => {
    const x = [
      [0.3, -1.2, 0.7],
      [1.1, 0.4, -0.5],
      [-0.9, 0.8, 0.2],
      [0.05, -0.3, 1.6],
    ];
    const t = tensor(x.flat(), [4, 3]);
    expectF32(new OrthogonalRegularizer({ factor: 0.5 }).call(t), reference(x, 0.5, 'rows'));
    expectF32(new OrthogonalRegularizer({ factor: 0.5, mode: 'columns' }).call(t), reference(x, 0.5, 'columns'));
  });

  test('a single vector has no pairs: 0/0, NaN, as in Keras', () => {
    expect(Number.isNaN(new OrthogonalRegularizer().call(tensor([1, 2], [1, 2])))).toBe(true);
  });

  test('rank must be 2: a conv kernel is rejected', () => {
    expect(() => new OrthogonalRegularizer().call(full([3, 3, 4, 8], 1))).toThrow(ValueError);
    expect(() => new OrthogonalRegularizer().call(full([3, 3, 4, 8], 1))).toThrow(
      'Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=(3, 3, 4, 8)',
    );
  });

  test('mode validation', () => {
    expect(() => new OrthogonalRegularizer({ mode: 'cols' as 'rows' })).toThrow(
      'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. Received: mode=cols',
    );
  });
});

describe('factor validation (Keras validate_float_arg)', () => {
  test('negative, infinite, NaN and non-numbers are rejected with Keras’ text', () => {
    expect(() => new L1({ l1: -1 })).toThrow(ValueError);
    expect(() => new L1({ l1: -1 })).toThrow('Invalid value for argument l1: expected a non-negative float.Received: l1=-1');
    expect(() => new L2({ l2: Infinity })).toThrow('Invalid value for argument l2: expected a non-negative float.Received: l2=inf');
    expect(() => new L1L2({ l1: 0, l2: NaN })).toThrow('Invalid value for argument l2: expected a non-negative float.Received: l2=nan');
    expect(() => new OrthogonalRegularizer({ factor: -0.5 })).toThrow(
      'Invalid value for argument factor: expected a non-negative float.Received: factor=-0.5',
    );
    expect(() => getRegularizer({ class_name: 'L2', config: { l2: 'big' } })).toThrow(
      'Invalid value for argument l2: expected a non-negative float.Received: l2=big',
    );
  });

  test('null means the default', () => {
    expect(new L1({ l1: null }).getConfig()).toEqual({ l1: 0.009999999776482582 });
    expect(new L2({ l2: null }).getConfig()).toEqual({ l2: 0.01 });
    expect(new L1L2({ l1: null, l2: null }).getConfig()).toEqual({ l1: 0, l2: 0 });
  });
});

describe('lookup and serialization', () => {
  test('exactly Keras’ names; "l1_l2" is rejected', () => {
    const table: [string, string][] = [
      ['L1', 'L1'], ['l1', 'L1'], ['L2', 'L2'], ['l2', 'L2'], ['L1L2', 'L1L2'], ['l1l2', 'L1L2'],
      ['OrthogonalRegularizer', 'OrthogonalRegularizer'], ['orthogonal_regularizer', 'OrthogonalRegularizer'],
      ['Regularizer', 'Regularizer'], ['regularizer', 'Regularizer'],
    ];
    for (const [name, cls] of table) expect(getRegularizer(name)?.className).toBe(cls);
    expect([...REGULARIZER_NAMES].sort()).toEqual(table.map(([n]) => n).sort());
    expect(() => getRegularizer('l1_l2')).toThrow(ValueError);
    expect(() => getRegularizer('l1_l2')).toThrow('Could not interpret regularizer identifier: l1_l2');
    expect(() => getRegularizer(0.01)).toThrow('Could not interpret regularizer identifier: 0.01');
    expect(getRegularizer(null)).toBeNull();
    expect(getRegularizer(undefined)).toBeNull();
  });

  test('string defaults: L1/L2 0.01, L1L2 zero, orthogonal 0.01 rows', () => {
    expect(getRegularizer('l1')?.getConfig()).toEqual({ l1: 0.009999999776482582 });
    expect(getRegularizer('l2')?.getConfig()).toEqual({ l2: 0.01 });
    expect(getRegularizer('l1l2')?.getConfig()).toEqual({ l1: 0, l2: 0 });
    expect(getRegularizer('orthogonal_regularizer')?.getConfig()).toEqual({ factor: 0.01, mode: 'rows' });
  });

  test('the spec §10 form of L2, and L1’s float32 factor', () => {
    expect(JSON.stringify(serializeRegularizer(getRegularizer('l2')))).toBe(
      '{"module":"keras.regularizers","class_name":"L2","config":{"l2":0.01},"registered_name":null}',
    );
    expect(serializeRegularizer(new L1())).toEqual({
      module: 'keras.regularizers',
      class_name: 'L1',
      config: { l1: 0.009999999776482582 },
      registered_name: null,
    });
    expect(serializeRegularizer(null)).toBeNull();
  });

  test('round trips get → serialize → get', () => {
    const x = tensor([0.5, -1, 2, 0.25, -0.75, 1.5], [2, 3]);
    for (const r of [
      new L1({ l1: 0.2 }),
      new L2({ l2: 0.003 }),
      new L1L2({ l1: 0.01, l2: 0.02 }),
      new OrthogonalRegularizer({ factor: 0.1, mode: 'columns' }),
    ]) {
      const s = serializeRegularizer(r);
      const again = getRegularizer(JSON.parse(JSON.stringify(s))) as Regularizer;
      expect(again.constructor).toBe(r.constructor);
      expect(serializeRegularizer(again)).toEqual(s);
      expect(again.call(x)).toBe(r.call(x));
    }
  });

  test('dicts: unknown keys fail like Cls(**config); unknown classes like Keras', () => {
    expect(() => getRegularizer({ class_name: 'L2', config: { l1: 0.1 } })).toThrow(
      "L2.__init__() got an unexpected keyword argument 'l1'",
    );
    expect(() => getRegularizer({ class_name: 'L3', config: {} })).toThrow(
      "Could not interpret regularizer identifier: {'class_name': 'L3', 'config': {}}",
    );
  });

  test('the base Regularizer cannot be serialized', () => {
    const base = getRegularizer('regularizer');
    expect(() => serializeRegularizer(base)).toThrow(NotImplementedError);
    expect(() => serializeRegularizer(base)).toThrow('<Regularizer object> does not implement get_config()');
  });

  test('functions, instances and subclasses', () => {
    function sumAll(x: TensorLike): number {
      return x.data.reduce((a, b) => a + b, 0);
    }
    const f = getRegularizer(sumAll) as Regularizer;
    expect(f.call(tensor([1, 2, 0.5], [3]))).toBe(3.5);
    expect(serializeRegularizer(f)).toEqual({ module: null, class_name: 'function', config: 'sumAll', registered_name: 'sumAll' });
    const l2 = new L2();
    expect(getRegularizer(l2)).toBe(l2);
    class Count extends Regularizer {
      call(x: TensorLike): number {
        return x.data.length;
      }
      override getConfig(): Record<string, unknown> {
        return {};
      }
    }
    const c = getRegularizer(Count) as Regularizer;
    expect(c.call(full([2, 3], 0))).toBe(6);
    expect(serializeRegularizer(c)).toEqual({ module: null, class_name: 'Count', config: {}, registered_name: 'Count' });
  });
});
