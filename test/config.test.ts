/** getConfig / fromConfig: Keras 3 JSON, key order, subsets, the saved-model wrapper, round trips. */
import { Conv2D, Convolution2D, ValueError, type Conv2DArgs } from '../lib';

const DEFAULT_CONFIG = {
  name: 'conv2d_cfg',
  trainable: true,
  dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
  filters: 32,
  kernel_size: [3, 3],
  strides: [1, 1],
  padding: 'valid',
  data_format: 'channels_last',
  dilation_rate: [1, 1],
  groups: 1,
  activation: 'linear',
  use_bias: true,
  kernel_initializer: {
    module: 'keras.initializers', class_name: 'GlorotUniform',
    config: { seed: null, input_axes: null, output_axes: null }, registered_name: null,
  },
  bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
};

describe('getConfig', () => {
  test('Conv2D(32, 3) gives Keras 3 JSON with keys in Keras order', () => {
    const config = new Conv2D({ filters: 32, kernelSize: 3, name: 'conv2d_cfg', dataFormat: 'channels_last' }).getConfig();
    expect(JSON.stringify(config)).toBe(JSON.stringify(DEFAULT_CONFIG));
  });

  test('built-in activations serialize as their canonical name', () => {
    expect(new Conv2D({ filters: 2, kernelSize: 1, activation: 'swish' }).getConfig().activation).toBe('silu');
    expect(new Conv2D({ filters: 2, kernelSize: 1, activation: 'relu' }).getConfig().activation).toBe('relu');
    expect(new Conv2D({ filters: 2, kernelSize: 1, activation: null }).getConfig().activation).toBe('linear');
  });

  test('a set activity_regularizer sits right after dtype', () => {
    const config = new Conv2D({ filters: 2, kernelSize: 1, activityRegularizer: 'l2' }).getConfig();
    const keys = Object.keys(config);
    expect(keys.slice(0, 5)).toEqual(['name', 'trainable', 'dtype', 'activity_regularizer', 'filters']);
    expect(keys.filter((k) => k === 'activity_regularizer')).toHaveLength(1);
    expect(config.activity_regularizer).toEqual({
      module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null,
    });
  });

  test('regularizers, constraints and initializers serialize as Keras objects', () => {
    const config = new Conv2D({
      filters: 4, kernelSize: [3, 1], strides: [2, 1], padding: 'SAME', dataFormat: 'channels_first', groups: 2,
      useBias: false, kernelInitializer: 'he_normal', kernelRegularizer: 'l1', kernelConstraint: 'max_norm',
      biasConstraint: 'non_neg',
    }).getConfig();
    expect(config.kernel_size).toEqual([3, 1]);
    expect(config.strides).toEqual([2, 1]);
    expect(config.padding).toBe('same');
    expect(config.data_format).toBe('channels_first');
    expect(config.use_bias).toBe(false);
    expect(config.kernel_initializer).toEqual({
      module: 'keras.initializers', class_name: 'HeNormal',
      config: { seed: null, input_axes: null, output_axes: null }, registered_name: null,
    });
    expect(config.kernel_regularizer).toEqual({
      module: 'keras.regularizers', class_name: 'L1', config: { l1: 0.009999999776482582 }, registered_name: null,
    });
    expect(config.kernel_constraint).toEqual({
      module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 2, axis: 0 }, registered_name: null,
    });
    expect(config.bias_constraint).toEqual({
      module: 'keras.constraints', class_name: 'NonNeg', config: {}, registered_name: null,
    });
  });

  test('null initializers are reported as null (and mean the defaults)', () => {
    const layer = new Conv2D({ filters: 3, kernelSize: 1, kernelInitializer: null, biasInitializer: null });
    const config = layer.getConfig();
    expect(config.kernel_initializer).toBeNull();
    expect(config.bias_initializer).toBeNull();
    layer.build([1, 1, 1, 2]);
    expect(Array.from(layer.bias!.data)).toEqual([0, 0, 0]);
    const limit = Math.sqrt(6 / (2 + 3));
    expect(Array.from(layer.kernel.data).every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Array.from(layer.kernel.data).some((v) => v !== 0)).toBe(true);
  });
});

describe('fromConfig', () => {
  const variants: Conv2DArgs[] = [
    { filters: 32, kernelSize: 3 },
    { filters: 8, kernelSize: [5, 3], strides: [2, 1], padding: 'same', dataFormat: 'channels_first' },
    { filters: 6, kernelSize: 3, dilationRate: [2, 3], groups: 3, activation: 'gelu', useBias: false },
    { filters: 4, kernelSize: 1, activation: 'leaky_relu', kernelInitializer: { class_name: 'RandomNormal', config: { mean: 1, stddev: 2, seed: 7 } } },
    { filters: 4, kernelSize: 2, kernelRegularizer: 'l1l2', biasRegularizer: 'l2', activityRegularizer: 'l1', trainable: false },
    { filters: 4, kernelSize: 2, kernelConstraint: 'unit_norm', biasConstraint: 'min_max_norm', biasInitializer: 'ones' },
    { filters: 4, kernelSize: 2, kernelInitializer: null, biasInitializer: null, activation: 'hard_swish' },
  ];

  test.each(variants.map((v, i) => [i, v]))('getConfig → fromConfig → getConfig is identical (#%d)', (_i, args) => {
    const config = new Conv2D(args as Conv2DArgs).getConfig();
    const again = Conv2D.fromConfig(JSON.parse(JSON.stringify(config))).getConfig();
    expect(JSON.stringify(again)).toBe(JSON.stringify(config));
  });

  test('any subset of keys; the rest default as Conv2D(**config)', () => {
    const layer = Conv2D.fromConfig({ filters: 8, kernel_size: 3, padding: 'same' });
    expect(layer.filters).toBe(8);
    expect(layer.kernelSize).toEqual([3, 3]);
    expect(layer.strides).toEqual([1, 1]);
    expect(layer.padding).toBe('same');
    expect(layer.useBias).toBe(true);
    expect(layer.getConfig().kernel_initializer).toMatchObject({ class_name: 'GlorotUniform' });
  });

  test("accepts Keras' older forms: dtype as a string, initializer config without input_axes", () => {
    const layer = Conv2D.fromConfig({
      filters: 2, kernel_size: [1, 1], dtype: 'float32',
      kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
    });
    expect(layer.getConfig().dtype).toEqual(DEFAULT_CONFIG.dtype);
  });

  test('the {class_name, config} wrapper of a saved model', () => {
    const layer = Conv2D.fromConfig({
      module: 'keras.layers', class_name: 'Conv2D', registered_name: null,
      config: { ...DEFAULT_CONFIG, name: 'saved_conv', filters: 16 },
      build_config: { input_shape: [null, 28, 28, 1] },
    });
    expect(layer.name).toBe('saved_conv');
    expect(layer.filters).toBe(16);
    expect(Convolution2D.fromConfig({ class_name: 'Convolution2D', config: { filters: 1, kernel_size: 1 } })).toBeInstanceOf(Conv2D);
  });

  test("unknown keys are rejected with Keras' message", () => {
    expect(() => Conv2D.fromConfig({ filters: 2, kernel_size: 3, bogus: true })).toThrow(
      new ValueError("Unrecognized keyword arguments passed to Conv2D: {'bogus': True}"));
  });

  test('missing required keys fail like Conv2D(**config)', () => {
    expect(() => Conv2D.fromConfig({ kernel_size: 3 })).toThrow(TypeError);
  });

  test('invalid values fail with the constructor messages', () => {
    expect(() => Conv2D.fromConfig({ filters: 2, kernel_size: 3, padding: 'full' })).toThrow(
      "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: full");
  });
});
