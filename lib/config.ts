/**
 * Keras 3 JSON for the layer: `getConfig` writes Keras' snake_case keys in Keras' order
 * (spec section 10); `configToArgs` reads that JSON, any subset of it, or the
 * `{class_name: 'Conv2D', config}` wrapper of a saved model, and rejects unknown keys as Keras does.
 */
import { SNAKE_TO_CAMEL, type Conv2DArgs } from './args';
import { ValueError, Messages } from './errors';
import { serializeActivation } from './activations';
import { serializeInitializer } from './initializers';
import { serializeRegularizer } from './regularizers';
import { serializeConstraint } from './constraints';
import type { Conv2D } from './conv2d';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The JSON `getConfig()` returns. */
export interface Conv2DConfig {
  name: string;
  trainable: boolean;
  dtype: { module: 'keras'; class_name: 'DTypePolicy'; config: { name: 'float32' }; registered_name: null };
  activity_regularizer?: Json;
  filters: number;
  kernel_size: [number, number];
  strides: [number, number];
  padding: string;
  data_format: string;
  dilation_rate: [number, number];
  groups: number;
  activation: Json;
  use_bias: boolean;
  kernel_initializer: Json;
  bias_initializer: Json;
  kernel_regularizer: Json;
  bias_regularizer: Json;
  kernel_constraint: Json;
  bias_constraint: Json;
}

export function getConfig(layer: Conv2D): Conv2DConfig {
  const a = layer.args;
  const activity = serializeRegularizer(a.activityRegularizer) as Json;
  const head = {
    name: layer.name,
    trainable: layer.trainable,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
  } as const;
  // Keras' Layer.get_config puts a set activity_regularizer right after dtype; BaseConv's
  // update() then keeps that position. Unset, it sits after bias_regularizer.
  const config: Record<string, unknown> = { ...head };
  if (activity !== null) config.activity_regularizer = activity;
  Object.assign(config, {
    filters: layer.filters,
    kernel_size: [...layer.kernelSize],
    strides: [...layer.strides],
    padding: layer.padding,
    data_format: layer.dataFormat,
    dilation_rate: [...layer.dilationRate],
    groups: layer.groups,
    activation: serializeActivation(layer.activation) as Json,
    use_bias: layer.useBias,
    kernel_initializer: a.kernelInitializerWasNull ? null : (serializeInitializer(a.kernelInitializer) as Json),
    bias_initializer: a.biasInitializerWasNull ? null : (serializeInitializer(a.biasInitializer) as Json),
    kernel_regularizer: serializeRegularizer(a.kernelRegularizer) as Json,
    bias_regularizer: serializeRegularizer(a.biasRegularizer) as Json,
  });
  if (activity === null) config.activity_regularizer = null;
  config.kernel_constraint = serializeConstraint(a.kernelConstraint) as Json;
  config.bias_constraint = serializeConstraint(a.biasConstraint) as Json;
  return config as unknown as Conv2DConfig;
}

/** Converts Keras JSON into constructor args (`Conv2D(**config)`). */
export function configToArgs(config: Record<string, unknown>): Conv2DArgs {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`config: expected a Keras config object, received ${config === null ? 'null' : typeof config}`);
  }
  let inner = config;
  if ('class_name' in config && typeof config.config === 'object' && config.config !== null) {
    const cls = config.class_name;
    if (cls !== 'Conv2D' && cls !== 'Convolution2D') {
      throw new ValueError(`Expected a Conv2D config, received class_name=${JSON.stringify(cls)}.`);
    }
    inner = config.config as Record<string, unknown>;
  }
  const args: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inner)) {
    const mapped = SNAKE_TO_CAMEL[key];
    if (mapped) args[mapped] = value;
    else unknown[key] = value;
  }
  if (Object.keys(unknown).length > 0) throw new ValueError(Messages.unrecognizedKwargs(unknown));
  return args as unknown as Conv2DArgs;
}
