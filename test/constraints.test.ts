import {
  BaseConstraint,
  Constraint,
  CONSTRAINT_NAMES,
  getConstraint,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  serializeConstraint,
  UnitNorm,
} from '../lib/constraints';
import { ValueError } from '../lib/errors';
import { Tensor, tensor, TensorLike } from '../lib/tensor';

const EPS = 1e-7;

/** A deterministic conv kernel (kh=2, kw=2, cin=3, filters=4) with mixed signs and magnitudes. */
const KERNEL_SHAPE = [2, 2, 3, 4];
const KERNEL = tensor(
  Array.from({ length: 48 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5))),
  KERNEL_SHAPE,
);

/**
 * Independent reference: for every element, the L2 norm of the slice through it along `axes`
 * (all other indices fixed), by brute force over the coordinates — O(n²), fine for 48 elements.
 */
function sliceNorms(w: TensorLike, axes: number[]): Float64Array {
  const shape = w.shape;
  const coords = (flat: number) => {
    const c: number[] = [];
    for (let i = shape.length - 1; i >= 0; i--) {
      c.unshift(flat % shape[i]);
      flat = Math.floor(flat / shape[i]);
    }
    return c;
  };
  const all = Array.from({ length: w.data.length }, (_, i) => coords(i));
  return Float64Array.from(all, (ci) => {
    let s = 0;
    all.forEach((cj, j) => {
      if (ci.every((v, k) => axes.includes(k) || v === cj[k])) s += w.data[j] * w.data[j];
    });
    return Math.sqrt(s);
  });
}

function expectEach(got: Tensor, want: (i: number) => number): void {
  got.data.forEach((v, i) => {
    const w = Math.fround(want(i));
    if (!(Math.abs(v - w) <= Math.abs(w) * 2 ** -23 + 1e-30)) throw new Error(`element ${i}: got ${v}, want ${w}`);
  });
}

describe('formulas against float64 hand computation', () => {
  test('NonNeg: max(w, 0)', () => {
    const y = new NonNeg().call(tensor([-1, 0, 2.5, -0.001, 3], [5]));
    expect(Array.from(y.data)).toEqual([0, 0, 2.5, 0, 3]);
    expect(y.shape).toEqual([5]);
  });

  test('MaxNorm default (max 2, axis 0) on a matrix: columns with norm > 2 are scaled to 2', () => {
    // Column norms: 5 (3,4) and 1 (0.6, 0.8).
    const w = tensor([3, 0.6, 4, 0.8], [2, 2]);
    const y = new MaxNorm().call(w);
    // Row-major [[3, 0.6], [4, 0.8]]: even indices are column 0 (norm 5), odd ones column 1 (norm 1).
    expectEach(y, (i) => (i % 2 === 0 ? (w.data[i] * 2) / (EPS + 5) : (w.data[i] * 1) / (EPS + 1)));
    expect(y.data[0]).toBeCloseTo(1.2, 6);
    expect(y.data[2]).toBeCloseTo(1.6, 6);
  });

  test('MaxNorm over a conv kernel’s filters (axis [0, 1, 2])', () => {
    const norms = sliceNorms(KERNEL, [0, 1, 2]);
    const y = new MaxNorm({ max_value: 3, axis: [0, 1, 2] }).call(KERNEL);
    expect(y.shape).toEqual(KERNEL_SHAPE);
    expectEach(y, (i) => (KERNEL.data[i] * Math.min(Math.max(norms[i], 0), 3)) / (EPS + norms[i]));
    // Every filter now has norm ≤ 3.
    const after = sliceNorms(y, [0, 1, 2]);
    after.forEach((n) => expect(n).toBeLessThanOrEqual(3 * (1 + 1e-6)));
  });

  test('default axis 0 normalizes along kh only', () => {
    const norms = sliceNorms(KERNEL, [0]);
    expectEach(new MaxNorm({ max_value: 1 }).call(KERNEL), (i) => (KERNEL.data[i] * Math.min(norms[i], 1)) / (EPS + norms[i]));
  });

  test('UnitNorm: w / (ε + n), over one or several (negative) axes', () => {
    for (const [axis, axes] of [
      [0, [0]],
      [-1, [3]],
      [[1, -2], [1, 2]],
      [[0, 1, 2, 3], [0, 1, 2, 3]],
    ] as [number | number[], number[]][]) {
      const norms = sliceNorms(KERNEL, axes);
      const y = new UnitNorm({ axis }).call(KERNEL);
      expectEach(y, (i) => KERNEL.data[i] / (EPS + norms[i]));
      sliceNorms(y, axes).forEach((n) => expect(Math.abs(n - 1)).toBeLessThan(1e-6));
    }
  });

  test('MinMaxNorm: w·(rate·clip(n, min, max) + (1 − rate)·n)/(ε + n)', () => {
    const norms = sliceNorms(KERNEL, [0, 1, 2]);
    for (const [min, max, rate] of [
      [0, 1, 1],
      [4, 6, 1],
      [4, 6, 0.25],
      [1, 2, 0],
    ]) {
      const y = new MinMaxNorm({ min_value: min, max_value: max, rate, axis: [0, 1, 2] }).call(KERNEL);
      expectEach(y, (i) => {
        const n = norms[i];
        return (KERNEL.data[i] * (rate * Math.min(Math.max(n, min), max) + (1 - rate) * n)) / (EPS + n);
      });
    }
  });

  test('a zero slice stays zero (ε keeps the division finite)', () => {
    const y = new UnitNorm().call(tensor([0, 1, 0, 0], [2, 2]));
    expect(Array.from(y.data)).toEqual([0, Math.fround(1 / (1 + EPS)), 0, 0]);
  });

  test('the base Constraint is the identity', () => {
    const y = (getConstraint('constraint') as Constraint).call(KERNEL);
    expect(Array.from(y.data)).toEqual(Array.from(KERNEL.data));
    expect(getConstraint('Constraint')).toBeInstanceOf(BaseConstraint);
  });
});

describe('axis handling errors', () => {
  test('out-of-range and repeated axes raise NumPy’s errors at call time', () => {
    expect(() => new MaxNorm({ axis: 4 }).call(KERNEL)).toThrow(ValueError);
    expect(() => new MaxNorm({ axis: 4 }).call(KERNEL)).toThrow('axis 4 is out of bounds for array of dimension 4');
    expect(() => new UnitNorm({ axis: -5 }).call(KERNEL)).toThrow('axis -5 is out of bounds for array of dimension 4');
    expect(() => new UnitNorm({ axis: [0, -4] }).call(KERNEL)).toThrow("duplicate value in 'axis'");
  });

  test('non-integer axes are a TypeError at construction', () => {
    expect(() => new UnitNorm({ axis: 0.5 })).toThrow(TypeError);
    expect(() => new MaxNorm({ axis: 'x' as unknown as number })).toThrow(TypeError);
  });
});

describe('lookup and serialization', () => {
  test('Keras’ names', () => {
    const table: [string, string][] = [
      ['NonNeg', 'NonNeg'], ['non_neg', 'NonNeg'], ['MaxNorm', 'MaxNorm'], ['max_norm', 'MaxNorm'],
      ['UnitNorm', 'UnitNorm'], ['unit_norm', 'UnitNorm'], ['MinMaxNorm', 'MinMaxNorm'], ['min_max_norm', 'MinMaxNorm'],
      ['Constraint', 'Constraint'], ['constraint', 'Constraint'],
    ];
    for (const [name, cls] of table) expect(getConstraint(name)?.className).toBe(cls);
    expect([...CONSTRAINT_NAMES].sort()).toEqual(table.map(([n]) => n).sort());
    expect(getConstraint(null)).toBeNull();
    expect(() => getConstraint('nonneg')).toThrow(ValueError);
    expect(() => getConstraint('nonneg')).toThrow('Could not interpret constraint identifier: nonneg');
    expect(() => getConstraint([1])).toThrow('Could not interpret constraint identifier: [1]');
  });

  test('defaults and the spec §10 forms', () => {
    expect(JSON.stringify(serializeConstraint(getConstraint('non_neg')))).toBe(
      '{"module":"keras.constraints","class_name":"NonNeg","config":{},"registered_name":null}',
    );
    expect(serializeConstraint(getConstraint('max_norm'))?.config).toEqual({ max_value: 2, axis: 0 });
    expect(getConstraint('unit_norm')?.getConfig()).toEqual({ axis: 0 });
    expect(getConstraint('min_max_norm')?.getConfig()).toEqual({ min_value: 0, max_value: 1, rate: 1, axis: 0 });
    expect(serializeConstraint(getConstraint('constraint'))).toEqual({
      module: 'keras.constraints',
      class_name: 'Constraint',
      config: {},
      registered_name: null,
    });
    expect(serializeConstraint(null)).toBeNull();
  });

  test('round trips get → serialize → get, values included', () => {
    for (const c of [
      new NonNeg(),
      new MaxNorm({ max_value: 1.5, axis: [0, 1, 2] }),
      new UnitNorm({ axis: -1 }),
      new MinMaxNorm({ min_value: 0.5, max_value: 2, rate: 0.3, axis: [1, 2] }),
    ]) {
      const s = serializeConstraint(c);
      const again = getConstraint(JSON.parse(JSON.stringify(s))) as Constraint;
      expect(again.constructor).toBe(c.constructor);
      expect(serializeConstraint(again)).toEqual(s);
      expect(Array.from(again.call(KERNEL).data)).toEqual(Array.from(c.call(KERNEL).data));
    }
  });

  test('dicts with unknown keys fail like Cls(**config)', () => {
    expect(() => getConstraint({ class_name: 'MaxNorm', config: { max: 3 } })).toThrow(
      "MaxNorm.__init__() got an unexpected keyword argument 'max'",
    );
  });

  test('functions, instances and subclasses', () => {
    function clip01(w: TensorLike): TensorLike {
      return tensor(Array.from(w.data, (v) => Math.min(Math.max(v, 0), 1)), w.shape);
    }
    const f = getConstraint(clip01) as Constraint;
    expect(Array.from(f.call(tensor([-1, 0.5, 3], [3])).data)).toEqual([0, 0.5, 1]);
    expect(serializeConstraint(f)).toEqual({ module: null, class_name: 'function', config: 'clip01', registered_name: 'clip01' });
    const m = new MaxNorm();
    expect(getConstraint(m)).toBe(m);
    class Halve extends Constraint {
      call(w: TensorLike): Tensor {
        return tensor(Array.from(w.data, (v) => v / 2), w.shape);
      }
    }
    const h = getConstraint(Halve) as Constraint;
    expect(Array.from(h.call(tensor([4], [1])).data)).toEqual([2]);
    expect(serializeConstraint(h)).toEqual({ module: null, class_name: 'Halve', config: {}, registered_name: 'Halve' });
  });
});
