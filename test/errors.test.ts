/**
 * Every validation rule of the spec (section 2), with Keras' exact message, raised as a
 * ValueError at Keras' phase: construction, build, or call.
 */
import { Conv2D, ValueError, tensor, type Conv2DArgs } from '../lib';

function construct(args: Record<string, unknown>): Conv2D {
  return new Conv2D(args as unknown as Conv2DArgs);
}

function expectValueError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValueError);
  expect((caught as Error).name).toBe('ValueError');
  expect((caught as Error).message).toBe(message);
}

const ones = (shape: number[]) => tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);

describe('construction-time rules', () => {
  test('rule 1: unknown keyword arguments', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, foo: 1 }),
      "Unrecognized keyword arguments passed to Conv2D: {'foo': 1}");
    expectValueError(() => construct({ filters: 2, kernel_size: 3, kernel_sise: 3 }),
      "Unrecognized keyword arguments passed to Conv2D: {'kernel_sise': 3}");
    expect(() => construct({ filters: 2, kernelSize: 3, kernel_size: 3 })).toThrow(
      new TypeError('Conv2D: got both `kernelSize` and its Keras spelling `kernel_size`; pass one of them'));
  });

  test('rule 2: trainable must be a boolean', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, trainable: 'yes' }),
      "Expected `trainable` to be a boolean. Received: trainable=yes (of type <class 'str'>)");
    expectValueError(() => construct({ filters: 2, kernelSize: 3, trainable: 1 }),
      "Expected `trainable` to be a boolean. Received: trainable=1 (of type <class 'int'>)");
  });

  test('rule 3: kernel_size must be an int or a pair', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: [1, 2, 3] }),
      'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=[1, 2, 3]');
    expectValueError(() => construct({ filters: 2, kernelSize: 2.5 }),
      'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=2.5');
    expectValueError(() => construct({ filters: 2, kernelSize: { h: 3 } }),
      "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size={'h': 3}");
  });

  test('rule 3b: an element that is not an integer (no separator, as in Keras)', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: [3, 'a'] }),
      "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=[3, 'a']including element a of type <class 'str'>");
    expectValueError(() => construct({ filters: 2, kernelSize: [3, null] }),
      "The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=[3, None]including element None of type <class 'NoneType'>");
  });

  test('rule 3c: values must be > 0', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 0 }),
      'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=0, including values {0} that do not satisfy `value > 0`');
    expectValueError(() => construct({ filters: 2, kernelSize: [3, -1] }),
      'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=[3, -1], including values {-1} that do not satisfy `value > 0`');
    expectValueError(() => construct({ filters: 2, kernelSize: [0, -1] }),
      'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=[0, -1], including values {0, -1} that do not satisfy `value > 0`');
  });

  test('rule 4: the same checks for strides, then dilation_rate', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, strides: [1, 0] }),
      'The `strides` argument must be a tuple of 2 integers. Received strides=[1, 0], including values {0} that do not satisfy `value > 0`');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, dilationRate: 1.5 }),
      'The `dilation_rate` argument must be a tuple of 2 integers. Received dilation_rate=1.5');
    // strides are checked before dilation_rate
    expectValueError(() => construct({ filters: 2, kernelSize: 3, strides: 0, dilationRate: 0 }),
      'The `strides` argument must be a tuple of 2 integers. Received strides=0, including values {0} that do not satisfy `value > 0`');
  });

  test('rule 5: padding', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, padding: 'FULL' }),
      "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: full");
    expectValueError(() => construct({ filters: 2, kernelSize: 3, padding: 'causal' }),
      "The `padding` argument must be a list/tuple or one of {'valid', 'same'}. Received: causal");
    expect(construct({ filters: 2, kernelSize: 3, padding: 'SaMe' }).padding).toBe('same');
  });

  test('rule 6: data_format', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, dataFormat: 'NHWC' }),
      "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=nhwc");
    expect(construct({ filters: 2, kernelSize: 3, dataFormat: 'Channels_First' }).dataFormat).toBe('channels_first');
  });

  test('rules 7-10: unknown activation, initializer, regularizer, constraint', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, activation: 'Relu' }),
      'Could not interpret activation function identifier: Relu');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, kernelInitializer: 'glorot' }),
      'Could not interpret initializer identifier: glorot');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, biasInitializer: 'nope' }),
      'Could not interpret initializer identifier: nope');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, kernelRegularizer: 'l1_l2' }),
      'Could not interpret regularizer identifier: l1_l2');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, biasConstraint: 'positive' }),
      'Could not interpret constraint identifier: positive');
  });

  test('rule 9 order: the activity regularizer is resolved before unknown kwargs are reported', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, activityRegularizer: 'bad', foo: 1 }),
      'Could not interpret regularizer identifier: bad');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, kernelRegularizer: 'bad', foo: 1 }),
      "Unrecognized keyword arguments passed to Conv2D: {'foo': 1}");
  });

  test('rule 11: filters must be > 0', () => {
    expectValueError(() => construct({ filters: 0, kernelSize: 3 }),
      'Invalid value for argument `filters`. Expected a strictly positive value. Received filters=0.');
    expectValueError(() => construct({ filters: -4, kernelSize: 3 }),
      'Invalid value for argument `filters`. Expected a strictly positive value. Received filters=-4.');
  });

  test('rule 12: groups must be > 0', () => {
    expectValueError(() => construct({ filters: 4, kernelSize: 3, groups: 0 }),
      'The number of groups must be a positive integer. Received: groups=0.');
  });

  test('rule 13: filters divisible by groups', () => {
    expectValueError(() => construct({ filters: 5, kernelSize: 3, groups: 2 }),
      'The number of filters must be evenly divisible by the number of groups. Received: groups=2, filters=5.');
  });

  test('rule 15: strides > 1 with dilation_rate > 1 is rejected at construction (max over both axes)', () => {
    expectValueError(() => construct({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }),
      '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 2) and dilation_rate=(2, 2)');
    expectValueError(() => construct({ filters: 2, kernelSize: 3, strides: [2, 1], dilationRate: [1, 2] }),
      '`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2, 1) and dilation_rate=(1, 2)');
    expect(() => construct({ filters: 2, kernelSize: 3, strides: [2, 1], dilationRate: 1 })).not.toThrow();
  });

  test('missing required arguments fail like Python', () => {
    expect(() => construct({ kernelSize: 3 })).toThrow(
      new TypeError("Conv2D.__init__() missing 1 required positional argument: 'filters'"));
    expect(() => construct({})).toThrow(
      new TypeError("Conv2D.__init__() missing 2 required positional arguments: 'filters' and 'kernel_size'"));
  });

  test('only float32 is computed', () => {
    expect(() => construct({ filters: 2, kernelSize: 3, dtype: 'float16' })).toThrow(ValueError);
    expect(() => construct({ filters: 2, kernelSize: 3, dtype: 'float32' })).not.toThrow();
    expect(() => construct({
      filters: 2, kernelSize: 3,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    })).not.toThrow();
  });
});

describe('build-time rules (construction succeeds)', () => {
  test('rule 17: input channels divisible by groups', () => {
    const layer = construct({ filters: 4, kernelSize: 3, groups: 2 });
    expectValueError(() => layer.build([1, 4, 4, 5]),
      'The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 5 channels (full input shape is (1, 4, 4, 5)).');
    const cf = construct({ filters: 4, kernelSize: 3, groups: 2, dataFormat: 'channels_first' });
    expectValueError(() => cf.build([null, 3, 8, 8]),
      'The number of input channels must be evenly divisible by the number of groups. Received groups=2, but the input has 3 channels (full input shape is (None, 3, 8, 8)).');
  });

  test('rule 18: rank other than 4', () => {
    const layer = construct({ filters: 4, kernelSize: 3 });
    expectValueError(() => layer.build([1, 2, 6, 6, 2]),
      'Kernel shape must have the same length as input, but received kernel of shape (3, 3, 2, 4) and input of shape (1, 2, 6, 6, 2).');
    expect(layer.built).toBe(false);
  });

  test('rule 20: valid padding with a non-positive known output size', () => {
    const layer = construct({ filters: 4, kernelSize: 3 });
    expectValueError(() => layer.build([1, 2, 8, 3]),
      'Computed output size would be zero or negative. Received `inputs shape=(1, 2, 8, 3)`, `kernel shape=(3, 3, 3, 4)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.');
    const dilated = construct({ filters: 4, kernelSize: 3, dilationRate: [1, 3] });
    expectValueError(() => dilated.build([null, 8, 6, 1]),
      'Computed output size would be zero or negative. Received `inputs shape=(None, 8, 6, 1)`, `kernel shape=(3, 3, 1, 4)`, `dilation_rate=[1 3]`, `strides=(1, 1)`, `padding=valid`.');
    // Unknown spatial dims skip the check; 'same' never fails it.
    expect(() => construct({ filters: 4, kernelSize: 3 }).build([null, null, null, 3])).not.toThrow();
    expect(() => construct({ filters: 4, kernelSize: 9, padding: 'same' }).build([1, 2, 2, 3])).not.toThrow();
  });
});

describe('call-time rules', () => {
  test('rule 16: rank below 4, before build', () => {
    const layer = construct({ filters: 2, kernelSize: 3, name: 'conv_rank' });
    expectValueError(() => layer.apply(ones([2, 5, 5])),
      "Input 0 with name 'None' of layer 'conv_rank' is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (2, 5, 5)");
    expectValueError(() => layer.apply(ones([5])),
      "Input 0 with name 'None' of layer 'conv_rank' is incompatible with the layer: expected min_ndim=4, found ndim=1. Full shape received: (5,)");
    expect(layer.built).toBe(false);
  });

  test('rule 18 at call: a 5-D input (Keras 3 no longer folds extra batch dims)', () => {
    const layer = construct({ filters: 2, kernelSize: 3 });
    expectValueError(() => layer.apply(ones([4, 7, 8, 8, 3])),
      'Kernel shape must have the same length as input, but received kernel of shape (3, 3, 3, 2) and input of shape (4, 7, 8, 8, 3).');
  });

  test('rule 21: channel dim differs from the one built with', () => {
    const layer = construct({ filters: 2, kernelSize: 3, name: 'conv_axes' });
    layer.apply(ones([1, 5, 5, 3]));
    expectValueError(() => layer.apply(ones([1, 5, 5, 4])),
      "Input 0 with name 'None' of layer 'conv_axes' is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape (1, 5, 5, 4)");
    const cf = construct({ filters: 2, kernelSize: 3, name: 'conv_axes_cf', dataFormat: 'channels_first' });
    cf.build([null, 3, null, null]);
    expectValueError(() => cf.apply(ones([2, 4, 5, 5])),
      "Input 0 with name 'None' of layer 'conv_axes_cf' is incompatible with the layer: expected axis 1 of input shape to have value 3, but received input with shape (2, 4, 5, 5)");
    // Other spatial and batch sizes are fine after build.
    expect(layer.apply(ones([3, 7, 6, 3])).shape).toEqual([3, 5, 4, 2]);
  });

  test('rule 20 at call: a later input too small for the kernel', () => {
    const layer = construct({ filters: 2, kernelSize: 3 });
    layer.build([null, null, null, 1]);
    expect(() => layer.apply(ones([1, 2, 2, 1]))).toThrow(ValueError);
  });
});

describe('input argument errors name the argument, the expectation and what was received', () => {
  const layer = construct({ filters: 2, kernelSize: 1 });
  test('not a tensor', () => {
    expect(() => layer.apply(null as never)).toThrow(TypeError);
    expect(() => layer.apply(null as never)).toThrow(/inputs: expected a Tensor or an object \{ data: Float32Array, shape: number\[\] \}, received null/);
  });
  test('data length does not match the shape', () => {
    expect(() => layer.apply({ data: new Float32Array(5), shape: [1, 2, 2, 1] })).toThrow(RangeError);
    expect(() => layer.apply({ data: new Float32Array(5), shape: [1, 2, 2, 1] })).toThrow(
      'inputs.data: expected 4 elements for shape [1, 2, 2, 1], received Float32Array of length 5');
  });
  test('bad shapes', () => {
    expect(() => layer.apply({ data: new Float32Array(4), shape: [1, 2, -2, 1] })).toThrow(/inputs.shape: expected an array of non-negative integers/);
    expect(() => layer.apply({ data: new Float32Array(4), shape: [1, 2, 2.5, 1] })).toThrow(TypeError);
  });
  test('other numeric arrays are converted', () => {
    const y = layer.apply({ data: new Float64Array(4).fill(1) as unknown as Float32Array, shape: [1, 2, 2, 1] });
    expect(y.shape).toEqual([1, 2, 2, 2]);
    const z = layer.apply({ data: [1, 1, 1, 1] as unknown as Float32Array, shape: [1, 2, 2, 1] });
    expect(Array.from(z.data)).toEqual(Array.from(y.data));
  });
});
