/**
 * Property-based tests of the layer API (issue #5) with fast-check, over random configurations:
 * filters, kernel size, strides or dilation (never both > 1: Keras forbids it), groups dividing the
 * channels (1, 2, 3 or depthwise), padding valid/same, data_format, use_bias, activation, batch
 * 0–3 and odd spatial sizes, each case under one of the kernel sets (ISAs) this machine has.
 *
 * Every property runs from a fixed seed (SEED below; override with FC_SEED=n to explore) and a
 * bounded number of runs so the file stays well under 30 s on a 2-core machine. On a failure
 * fast-check shrinks the case and prints the seed, the path of the shrunk case and its values; rerun
 * it with `FC_SEED=<seed>` (and fast-check's `path` to skip straight to it).
 *
 * Tolerance (test/helpers/reference.ts, the float64 reference, whose header derives it; the same as
 * test/numerics.test.ts): per output element, with K = kh·kw·C_in/groups, S = Σ|w·x| + |b| and
 * u = 2^-24, the pre-activation bound is 4·√K·u·S + 4·u·|y|, propagated through the activation plus
 * 4 ulp of the activation's own error (and the extra terms for softmax and for activations whose
 * Keras formula cancels).
 */
import * as fc from 'fast-check';
import { Conv2D, ValueError, tensor, Tensor, activations, info, setIsa, type Conv2DArgs } from '../lib';
import { Rng } from './helpers/random';
import { referenceConv2d, assertWithinBound, nhwcToNchw, ACTIVATION_NAMES, type DataFormat } from './helpers/reference';
import { expectSameBits } from './helpers/layer-cases';

const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed0005;
/** FC_RUNS=k multiplies every property's run count (for a longer exploration; 1 in CI). */
const RUNS_SCALE = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 1;

/** fast-check's parameters for one property: the fixed seed, a bounded number of runs. */
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.max(1, Math.round(numRuns * RUNS_SCALE)) });

// ── random configurations ───────────────────────────────────────────────────────────────────

interface Config {
  dataFormat: DataFormat;
  groups: number;
  channels: number;
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  dilationRate: [number, number];
  padding: 'valid' | 'same';
  useBias: boolean;
  activation: string | null;
  batch: number;
  height: number;
  width: number;
  /** Seeds the input and weight values. */
  seed: number;
  /** The kernel set the case runs with (every one this machine has is drawn). */
  isa: string;
}

/** An activation the float64 reference can check (element-wise ones and softmax), or null (linear). */
const activationArb = fc.constantFrom<string | null>(null, ...ACTIVATION_NAMES);

function configArb(activation: fc.Arbitrary<string | null> = activationArb): fc.Arbitrary<Config> {
  return fc
    .record({
      dataFormat: fc.constantFrom<DataFormat>('channels_last', 'channels_first'),
      groupMode: fc.constantFrom('1', '2', '3', 'depthwise'),
      perGroup: fc.integer({ min: 1, max: 5 }), // channels per group (or the depthwise channel count / 2)
      filtersPerGroup: fc.integer({ min: 1, max: 6 }),
      kernelSize: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
      // Keras forbids strides > 1 together with dilation > 1 (max over both axes): one or the other.
      stepMode: fc.constantFrom('none', 'strides', 'dilation'),
      step: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
      useBias: fc.boolean(),
      activation,
      batch: fc.integer({ min: 0, max: 3 }),
      // 'valid': the dilated kernel plus 0–6; 'same': 1–9, often smaller than the kernel.
      extra: fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })),
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      isa: fc.constantFrom(...info().availableIsas),
    })
    .map((r): Config => {
      const groups = r.groupMode === 'depthwise' ? 2 * r.perGroup : Number(r.groupMode);
      const channels = r.groupMode === 'depthwise' ? groups : groups * r.perGroup;
      const strides: [number, number] = r.stepMode === 'strides' ? r.step : [1, 1];
      const dilationRate: [number, number] = r.stepMode === 'dilation' ? r.step : [1, 1];
      const size = (axis: 0 | 1) =>
        r.padding === 'valid' ? (r.kernelSize[axis] - 1) * dilationRate[axis] + 1 + Math.min(r.extra[axis], 6) : 1 + r.extra[axis];
      return {
        dataFormat: r.dataFormat,
        groups,
        channels,
        filters: groups * r.filtersPerGroup,
        kernelSize: r.kernelSize,
        strides,
        dilationRate,
        padding: r.padding,
        useBias: r.useBias,
        activation: r.activation,
        batch: r.batch,
        height: size(0),
        width: size(1),
        seed: r.seed,
        isa: r.isa,
      };
    });
}

const describeConfig = (c: Config) => JSON.stringify(c);

function inputShape(c: Config, dataFormat: DataFormat = c.dataFormat): number[] {
  return dataFormat === 'channels_last' ? [c.batch, c.height, c.width, c.channels] : [c.batch, c.channels, c.height, c.width];
}

function layerArgs(c: Config, dataFormat: DataFormat = c.dataFormat): Conv2DArgs {
  return {
    filters: c.filters, kernelSize: c.kernelSize, strides: c.strides, dilationRate: c.dilationRate, padding: c.padding,
    dataFormat, groups: c.groups, useBias: c.useBias, activation: c.activation,
  };
}

/** The layer of `c`, built, with kernel ~ U(±√(3/K)) and bias ~ N(0, 0.5²); and an input ~ N(0, 1). */
function makeCase(c: Config, dataFormat: DataFormat = c.dataFormat) {
  const rng = new Rng(c.seed);
  const layer = new Conv2D(layerArgs(c, dataFormat));
  const xShape = inputShape(c, dataFormat);
  layer.build(xShape);
  const kShape = layer.kernel.shape;
  const K = kShape[0] * kShape[1] * kShape[2];
  const kernel = tensor(rng.uniformArray(kShape.reduce((a, b) => a * b, 1), -Math.sqrt(3 / K), Math.sqrt(3 / K)), kShape);
  const bias = c.useBias ? tensor(rng.normalArray(c.filters, 0.5), [c.filters]) : null;
  layer.setWeights(bias ? [kernel, bias] : [kernel]);
  const x = tensor(rng.normalArray(xShape.reduce((a, b) => a * b, 1)), xShape);
  return { layer, kernel, bias, x };
}

/** Runs `body` with the case's kernel set, then restores the automatic choice. */
function withIsa<T>(c: Config, body: () => T): T {
  setIsa(c.isa);
  try {
    return body();
  } finally {
    setIsa('');
  }
}

async function withIsaAsync<T>(c: Config, body: () => Promise<T>): Promise<T> {
  setIsa(c.isa);
  try {
    return await body();
  } finally {
    setIsa('');
  }
}

// ── properties ──────────────────────────────────────────────────────────────────────────────

describe('properties of Conv2D over random configurations', () => {
  test('apply matches the float64 reference within tolerance, and its shape is computeOutputShape', () => {
    fc.assert(
      fc.property(configArb(), (c) => withIsa(c, () => {
        const { layer, kernel, bias, x } = makeCase(c);
        const y = layer.apply(x);
        expect(y.shape).toEqual(layer.computeOutputShape(x.shape));
        // unknown batch (and spatial) dims stay unknown; the rest is the same
        const partial = layer.computeOutputShape([null, ...x.shape.slice(1)]);
        expect(partial).toEqual([null, ...y.shape.slice(1)]);
        expect(y.data.length).toBe(y.shape.reduce((a, b) => a * b, 1));
        const r = referenceConv2d(x, kernel, bias, {
          strides: c.strides, dilationRate: c.dilationRate, padding: c.padding, dataFormat: c.dataFormat, groups: c.groups,
          activation: c.activation ?? 'linear',
        });
        assertWithinBound(y, r, describeConfig(c));
      })),
      params(300),
    );
  });

  test('applyAsync is bit-identical to apply; { out } is bit-identical to a new output', async () => {
    await fc.assert(
      fc.asyncProperty(configArb(), (c) => withIsaAsync(c, async () => {
        const { layer, x } = makeCase(c);
        const label = describeConfig(c);
        const y = layer.apply(x);
        expectSameBits(await layer.applyAsync(x), y, `${label}: applyAsync`);
        const bare = new Float32Array(y.size).fill(Number.NaN); // an unwritten element would stay NaN
        expect(layer.apply(x, { out: bare }).data).toBe(bare);
        expectSameBits({ data: bare, shape: y.shape }, y, `${label}: apply out`);
        const outTensor = new Tensor(new Float32Array(y.size).fill(Number.NaN), y.shape);
        expect(await layer.applyAsync(x, { out: outTensor })).toBe(outTensor);
        expectSameBits(outTensor, y, `${label}: applyAsync out`);
        // the input is left as it was
        expectSameBits(x, makeCase(c).x, `${label}: input unchanged`);
      })),
      params(100),
    );
  });

  test('channels_first is bit-identical to channels_last, transposed (same weights, element-wise activations)', () => {
    // softmax works on the last axis, which is W for channels_first (as in Keras): not a transpose.
    const elementwise = fc.constantFrom<string | null>(null, ...ACTIVATION_NAMES.filter((a) => a !== 'softmax'));
    fc.assert(
      fc.property(configArb(elementwise), (c) => withIsa(c, () => {
        const { layer: last, x } = makeCase(c, 'channels_last');
        const first = new Conv2D(layerArgs(c, 'channels_first'));
        const xFirst = nhwcToNchw(x.data, x.shape);
        first.build(xFirst.shape);
        first.setWeights(last.getWeights());
        const yLast = last.apply(x);
        const yFirst = first.apply(xFirst);
        expectSameBits(yFirst, nhwcToNchw(yLast.data, yLast.shape), describeConfig(c));
      })),
      params(150),
    );
  });

  test('getConfig → fromConfig gives the same config and, with the same weights, the same outputs; getWeights/setWeights round-trip', () => {
    const extras = fc.record({
      name: fc.option(fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/), { nil: undefined }),
      trainable: fc.boolean(),
      kernelInitializer: fc.constantFrom<unknown>(
        undefined, null, 'he_normal', 'zeros', { class_name: 'RandomNormal', config: { mean: 0.5, stddev: 2, seed: 3 } },
      ),
      biasInitializer: fc.constantFrom<unknown>(undefined, 'ones', { class_name: 'Constant', config: { value: 0.25 } }),
      kernelRegularizer: fc.constantFrom<unknown>(undefined, 'l2', { class_name: 'L1L2', config: { l1: 0.1, l2: 0.2 } }),
      activityRegularizer: fc.constantFrom<unknown>(undefined, 'l1'),
      kernelConstraint: fc.constantFrom<unknown>(undefined, 'non_neg', { class_name: 'MaxNorm', config: { max_value: 2, axis: [0, 1, 2] } }),
      biasConstraint: fc.constantFrom<unknown>(undefined, 'unit_norm'),
      json: fc.boolean(), // through JSON text, as a saved model holds it
    });
    fc.assert(
      fc.property(configArb(), extras, (c, e) => {
        const label = `${describeConfig(c)} ${JSON.stringify(e)}`;
        const { json, ...rest } = e;
        const args = { ...layerArgs(c), ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as Conv2DArgs;
        const layer = new Conv2D(args);
        const config = layer.getConfig();
        const copy = Conv2D.fromConfig(json ? JSON.parse(JSON.stringify(config)) : config);
        expect(copy.getConfig()).toEqual(config);
        expect(Conv2D.fromConfig({ class_name: 'Conv2D', config }).getConfig()).toEqual(config);

        const { x } = makeCase(c);
        const y = layer.apply(x); // builds with the layer's own initializers
        const weights = layer.getWeights();
        copy.build(x.shape);
        copy.setWeights(weights);
        expectSameBits(copy.apply(x), y, `${label}: fromConfig copy`);
        expect(copy.losses).toEqual(layer.losses);
        // getWeights → setWeights → getWeights is the identity, and changes no output bit
        layer.setWeights(layer.getWeights());
        layer.getWeights().forEach((w, i) => expectSameBits(w, weights[i], `${label}: weight ${i}`));
        expectSameBits(layer.apply(x), y, `${label}: after the round trip`);
      }),
      params(100),
    );
  });
});

// ── invalid constructor arguments ───────────────────────────────────────────────────────────

/** Values that no argument takes as a number or a pair (and that are not null/undefined). */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string().map((s) => `no such ${s}`),
  fc.constantFrom<unknown>({}, { a: 1 }, [[1]], [null], Symbol('bad'), 7n, () => 1, new Date(0), new Float32Array(2)),
  fc.object({ maxDepth: 1 }).filter((o) => !('class_name' in o) && !('data' in o)),
);
const notPositiveInt: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 0 }),
  fc.double({ noInteger: true }), // includes NaN and ±Infinity
  fc.constantFrom(-0, Number.NaN, Infinity, -Infinity, 2.5),
);
/** Not an int or a pair of positive ints (`true` counts as 1, as Python's bool, so it is not here). */
const badPair: fc.Arbitrary<unknown> = fc.oneof(
  notPositiveInt,
  junk,
  fc.constant(false),
  fc.string({ maxLength: 4 }),
  fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 5 }).filter((a) => a.length !== 2),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.oneof(notPositiveInt, junk, fc.constant(null), fc.string(), fc.constant(false))),
);
const badName = (names: readonly string[]) =>
  fc.oneof(
    fc.string().filter((s) => !names.includes(s)),
    fc.constantFrom('Relu', 'RELU', ' relu', 'glorot', 'l1_l2', 'positive'),
  );
/** Strings that no activation / initializer / regularizer / constraint registry knows. */
const unknownIdentifier = fc.oneof(
  fc.string().map((s) => `no such ${s}`),
  fc.constantFrom('Relu', 'RELU', ' relu', 'glorot', 'l1_l2', 'positive', '', 'None'),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom<unknown>([], [1, 2], {}, { a: 1 }, { class_name: 'NoSuchClass', config: {} }, Symbol('id'), 3n),
);

/** [argument, bad value] pairs: each alone must make the constructor throw ValueError or TypeError. */
const badArgument: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('filters'), fc.oneof(notPositiveInt, junk, fc.constant(null), fc.string(), fc.boolean())),
  fc.tuple(fc.constant('kernelSize'), fc.oneof(badPair, fc.constant(null))),
  fc.tuple(fc.constant('strides'), badPair),
  fc.tuple(fc.constant('dilationRate'), badPair),
  fc.tuple(fc.constant('padding'), fc.oneof(badName(['valid', 'same']).filter((s) => !['valid', 'same'].includes(s.toLowerCase())), notPositiveInt, fc.boolean(), fc.constantFrom<unknown>({}, [], ['same'], 3n))),
  fc.tuple(fc.constant('dataFormat'), fc.oneof(
    badName([]).filter((s) => !['channels_last', 'channels_first'].includes(s.toLowerCase())),
    notPositiveInt, fc.boolean(), fc.constantFrom<unknown>({}, [], Symbol('df'), 3n),
  )),
  fc.tuple(fc.constant('groups'), fc.oneof(notPositiveInt, junk, fc.string(), fc.boolean(), fc.constantFrom(3, 5, 7))), // 3, 5, 7 do not divide filters = 4
  fc.tuple(fc.constant('activation'), unknownIdentifier.filter((v) => typeof v !== 'string' || !(activations.ACTIVATION_NAMES as readonly string[]).includes(v))),
  fc.tuple(fc.constantFrom('kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint'), unknownIdentifier),
  fc.tuple(fc.constant('useBias'), fc.oneof(fc.integer(), fc.string(), fc.constant(null), junk)),
  fc.tuple(fc.constant('trainable'), fc.oneof(fc.integer(), fc.string(), junk)),
  fc.tuple(fc.constant('name'), fc.oneof(fc.integer(), fc.boolean(), junk.filter((v) => typeof v !== 'string'))),
  fc.tuple(fc.constant('dtype'), fc.oneof(fc.string().filter((s) => s !== 'float32'), fc.integer(), fc.boolean(), fc.constantFrom<unknown>({}, { config: { name: 'float16' } }, []))),
  fc.tuple(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,10}$/).filter((k) => !KNOWN.has(k)), fc.integer()), // an unknown keyword
);

const KNOWN = new Set([
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'groups', 'activation', 'useBias',
  'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer',
  'kernelConstraint', 'biasConstraint', 'name', 'trainable', 'dtype', 'autocast', 'inputShape', 'batchInputShape', 'batchSize',
]);
const SNAKE: Record<string, string> = {
  kernelSize: 'kernel_size', dataFormat: 'data_format', dilationRate: 'dilation_rate', useBias: 'use_bias',
  kernelInitializer: 'kernel_initializer', biasInitializer: 'bias_initializer', kernelRegularizer: 'kernel_regularizer',
  biasRegularizer: 'bias_regularizer', activityRegularizer: 'activity_regularizer', kernelConstraint: 'kernel_constraint',
  biasConstraint: 'bias_constraint',
};

function show(v: unknown): string {
  if (typeof v === 'symbol' || typeof v === 'bigint' || typeof v === 'function') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A valid value for each argument that has a snake_case spelling. */
const VALID: Record<string, unknown> = {
  kernelSize: 3, dataFormat: 'channels_last', dilationRate: 1, useBias: true, kernelInitializer: 'zeros',
  biasInitializer: 'ones', kernelRegularizer: 'l2', biasRegularizer: 'l1', activityRegularizer: 'l2',
  kernelConstraint: 'non_neg', biasConstraint: 'max_norm',
};

/** The snake_case config (Keras JSON) for constructor args. */
function toConfig(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [SNAKE[k] ?? k, v]));
}

/** Throws unless `fn` throws a ValueError or a TypeError with a message. */
function expectValueOrTypeError(fn: () => unknown, label: string): void {
  let caught: unknown = null;
  let made: unknown = null;
  try {
    made = fn();
  } catch (err) {
    caught = err;
  }
  if (caught === null) throw new Error(`${label}: accepted (${show(made instanceof Conv2D ? made.getConfig() : made)})`);
  if (!(caught instanceof ValueError) && !(caught instanceof TypeError)) {
    throw new Error(`${label}: threw ${(caught as Error)?.name ?? typeof caught}: ${(caught as Error)?.message ?? String(caught)}`);
  }
  expect((caught as Error).message.length).toBeGreaterThan(0);
}

describe('invalid constructor arguments', () => {
  test('any invalid argument throws a ValueError or a TypeError (never another error, never a layer), by constructor and by fromConfig', () => {
    const valid = { filters: 4, kernelSize: 3, strides: 1, dilationRate: 1, padding: 'valid', groups: 1 };
    const cases = fc.oneof(
      // one bad argument, spelled in camelCase or Keras' snake_case, with the others valid
      fc.tuple(badArgument, fc.boolean()).map(([[key, value], snake]) => ({
        label: `${key} = ${show(value)}${snake ? ' (snake_case)' : ''}`,
        args: { ...valid, [snake && SNAKE[key] ? SNAKE[key] : key]: value } as Record<string, unknown>,
        config: toConfig({ ...valid, [key]: value }) as Record<string, unknown> | null,
      })),
      // strides > 1 together with dilation > 1 on any axes
      fc.tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), fc.boolean()).map(([st, d, sa, da]) => {
        const args = { ...valid, strides: sa ? [1, st] : [st, 1], dilationRate: da ? [1, d] : [d, 1] };
        return { label: `strides ${show(args.strides)} with dilation_rate ${show(args.dilationRate)}`, args: args as Record<string, unknown>, config: toConfig(args) as Record<string, unknown> | null };
      }),
      // both spellings of one argument (even with equal, valid values), a TypeError as in Python
      fc.constantFrom(...Object.keys(SNAKE)).map((camel) => ({
        label: `both ${camel} and ${SNAKE[camel]}`,
        args: { ...valid, [camel]: VALID[camel], [SNAKE[camel]]: VALID[camel] } as Record<string, unknown>,
        config: null as Record<string, unknown> | null,
      })),
    );
    fc.assert(
      fc.property(cases, ({ label, args, config }) => {
        expectValueOrTypeError(() => new Conv2D(args as unknown as Conv2DArgs), `new Conv2D: ${label}`);
        if (config) expectValueOrTypeError(() => Conv2D.fromConfig(config), `fromConfig: ${label}`);
      }),
      params(1000),
    );
  });
});
