/**
 * The Conv2D argument vocabulary: Keras enums as string-literal unions, the args interface
 * (camelCase, with defaults), and the normalization that turns user input into a checked,
 * fully-defaulted `NormalizedConv2DArgs` — raising Keras' ValueErrors in Keras' order.
 */
import { ValueError, Messages } from './errors';
import { imageDataFormat } from './keras-json';
import { getActivation, type Activation, type ActivationFn, type ActivationName } from './activations';
import { getInitializer, type Initializer } from './initializers';
import { getRegularizer, type Regularizer } from './regularizers';
import { getConstraint, type Constraint } from './constraints';

export type PaddingMode = 'valid' | 'same';
export const PADDING_MODES: readonly PaddingMode[] = ['valid', 'same'];

export type DataFormat = 'channels_last' | 'channels_first';
export const DATA_FORMATS: readonly DataFormat[] = ['channels_last', 'channels_first'];

/** An int, or a pair `[height, width]`. */
export type IntOrPair = number | readonly [number, number] | readonly number[];

/** Anything `getActivation` understands: a Keras name, a function, a serialized dict, or null (linear). */
export type ActivationIdentifier = ActivationName | string | ActivationFn | Record<string, unknown> | null;
/** A Keras initializer name, `{class_name, config}` dict, instance, function or constant tensor. */
export type InitializerIdentifier = string | Initializer | Record<string, unknown> | ((shape: readonly number[]) => ArrayLike<number>) | null;
/** A Keras regularizer name, dict, instance or function. */
export type RegularizerIdentifier = string | Regularizer | Record<string, unknown> | ((x: { data: Float32Array; shape: readonly number[] }) => number) | null;
/** A Keras constraint name, dict, instance or function. */
export type ConstraintIdentifier = string | Constraint | Record<string, unknown> | null | ((w: { data: Float32Array; shape: readonly number[] }) => { data: Float32Array; shape: readonly number[] });

/** Arguments of `new Conv2D(args)`; Keras' names in camelCase, with Keras' defaults. */
export interface Conv2DArgs {
  /** The number of output filters (output channels). Required, > 0, divisible by `groups`. */
  filters: number;
  /** Height and width of the convolution window: an int or `[kh, kw]`. Required. */
  kernelSize: IntOrPair;
  /** Strides along height and width. Default `1`. `strides > 1` is incompatible with `dilationRate > 1`. */
  strides?: IntOrPair;
  /** `'valid'` (no padding) or `'same'` (output = ceil(input / stride); odd extra row/column at the bottom/right). Case-insensitive. Default `'valid'`. */
  padding?: PaddingMode | string;
  /**
   * `'channels_last'` (NHWC) or `'channels_first'` (NCHW), case-insensitive. Default: `image_data_format`
   * from `$KERAS_HOME/keras.json` or `~/.keras/keras.json`, else `'channels_last'`; resolved at construction.
   */
  dataFormat?: DataFormat | string | null;
  /** Dilation rate for dilated (atrous) convolution. Default `1`. */
  dilationRate?: IntOrPair;
  /** Number of groups the input channels are split into; each group gets `filters / groups` filters. Default `1`. */
  groups?: number;
  /** Activation applied to the output. Default `null` (linear). */
  activation?: ActivationIdentifier;
  /** Whether to add a bias vector. Default `true`. */
  useBias?: boolean;
  /** Kernel initializer. Default `'glorot_uniform'`; `null` also means glorot_uniform. */
  kernelInitializer?: InitializerIdentifier;
  /** Bias initializer. Default `'zeros'`; `null` also means zeros. */
  biasInitializer?: InitializerIdentifier;
  /** Penalty on the kernel, reported in `layer.losses`. Default `null`. */
  kernelRegularizer?: RegularizerIdentifier;
  /** Penalty on the bias, reported in `layer.losses`. Default `null`. */
  biasRegularizer?: RegularizerIdentifier;
  /** Penalty on the output (after activation), divided by the batch size, reported in `layer.losses`. Default `null`. */
  activityRegularizer?: RegularizerIdentifier;
  /** Projection applied to the kernel by `applyConstraints()` (what an optimizer calls after each update). Default `null`. */
  kernelConstraint?: ConstraintIdentifier;
  /** Projection applied to the bias by `applyConstraints()`. Default `null`. */
  biasConstraint?: ConstraintIdentifier;
  /** Layer name. Default: `conv2d`, `conv2d_1`, … unique in this process. */
  name?: string | null;
  /** Whether the weights are trainable (and so regularized). Default `true`. */
  trainable?: boolean;
  /** Only `'float32'` (or Keras' DTypePolicy config for float32). Default `'float32'`. */
  dtype?: string | Record<string, unknown> | null;
  /** Accepted for Keras compatibility; computation is always float32. */
  autocast?: boolean;
  /** Accepted for Keras compatibility (Keras 3 ignores these on a bare layer). */
  inputShape?: readonly (number | null)[] | null;
  /** Accepted for Keras compatibility. */
  batchInputShape?: readonly (number | null)[] | null;
  /** Accepted for Keras compatibility. */
  batchSize?: number | null;
}

/** Every argument resolved, checked and defaulted. */
export interface NormalizedConv2DArgs {
  name: string;
  trainable: boolean;
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: PaddingMode;
  dataFormat: DataFormat;
  dilationRate: [number, number];
  groups: number;
  activation: Activation;
  useBias: boolean;
  kernelInitializer: Initializer;
  biasInitializer: Initializer;
  /** Whether the user passed `null` (reported back as `null` by getConfig, as Keras does). */
  kernelInitializerWasNull: boolean;
  biasInitializerWasNull: boolean;
  kernelRegularizer: Regularizer | null;
  biasRegularizer: Regularizer | null;
  activityRegularizer: Regularizer | null;
  kernelConstraint: Constraint | null;
  biasConstraint: Constraint | null;
}

/** Keras' snake_case argument names → ours. The constructor accepts either spelling. */
export const SNAKE_TO_CAMEL: Readonly<Record<string, keyof Conv2DArgs>> = {
  name: 'name',
  trainable: 'trainable',
  dtype: 'dtype',
  filters: 'filters',
  kernel_size: 'kernelSize',
  strides: 'strides',
  padding: 'padding',
  data_format: 'dataFormat',
  dilation_rate: 'dilationRate',
  groups: 'groups',
  activation: 'activation',
  use_bias: 'useBias',
  kernel_initializer: 'kernelInitializer',
  bias_initializer: 'biasInitializer',
  kernel_regularizer: 'kernelRegularizer',
  bias_regularizer: 'biasRegularizer',
  activity_regularizer: 'activityRegularizer',
  kernel_constraint: 'kernelConstraint',
  bias_constraint: 'biasConstraint',
  autocast: 'autocast',
  input_shape: 'inputShape',
  batch_input_shape: 'batchInputShape',
  batch_size: 'batchSize',
};

/** Rewrites Keras' snake_case keys to camelCase; giving both spellings of one argument is an error. */
function camelizeKeys(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const camel = key.includes('_') ? SNAKE_TO_CAMEL[key] : undefined;
    if (camel === undefined) {
      out[key] = value;
      continue;
    }
    if (args[camel] !== undefined && value !== undefined) {
      throw new TypeError(`Conv2D: got both \`${camel}\` and its Keras spelling \`${key}\`; pass one of them`);
    }
    if (value !== undefined) out[camel] = value;
  }
  return out;
}

const KNOWN_KEYS = new Set([
  'filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'groups', 'activation',
  'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
  'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'name', 'trainable', 'dtype',
  'autocast', 'inputShape', 'batchInputShape', 'batchSize',
]);

const nameCounts = new Map<string, number>();

/** Keras' per-process unique names: `conv2d`, `conv2d_1`, `conv2d_2`, … */
export function uniqueLayerName(prefix = 'conv2d'): string {
  const n = nameCounts.get(prefix) ?? 0;
  nameCounts.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Keras' `standardize_tuple(value, 2, name)`. */
export function standardizePair(value: unknown, name: string): [number, number] {
  let msg = Messages.tupleArg(name, value);
  let pair: unknown[];
  if (typeof value === 'number' && Number.isInteger(value)) {
    pair = [value, value];
  } else if (typeof value === 'boolean') {
    // Python's bool is an int.
    pair = [Number(value), Number(value)];
  } else if (typeof value === 'string' || Array.isArray(value)) {
    pair = [...value];
    if (pair.length !== 2) throw new ValueError(msg);
    for (const e of pair) {
      const ok = (typeof e === 'number' && Number.isInteger(e)) || typeof e === 'boolean';
      if (!ok) {
        msg += Messages.tupleElement(e);
        throw new ValueError(msg);
      }
    }
    pair = pair.map(Number);
  } else {
    throw new ValueError(msg);
  }
  const values = pair as number[];
  const bad = values.filter((v) => v <= 0);
  if (bad.length > 0) throw new ValueError(msg + Messages.tupleNotPositive(bad));
  return [values[0], values[1]];
}

/** Keras' `standardize_padding`: lower-cased 'valid' or 'same'. */
export function standardizePadding(value: unknown): PaddingMode {
  if (typeof value !== 'string') {
    // Keras passes lists/tuples through, to fail at build; anything else fails on `.lower()`.
    throw new ValueError(Messages.paddingAtBuild(value));
  }
  const lowered = value.toLowerCase();
  if (lowered !== 'valid' && lowered !== 'same') throw new ValueError(Messages.padding(lowered));
  return lowered;
}

/** Keras' `standardize_data_format`: null → keras.json's image_data_format. */
export function standardizeDataFormat(value: unknown): DataFormat {
  if (value === null || value === undefined) return imageDataFormat();
  const lowered = String(value).toLowerCase();
  if (lowered !== 'channels_last' && lowered !== 'channels_first') throw new ValueError(Messages.dataFormat(lowered));
  return lowered;
}

function checkDtype(dtype: unknown): void {
  if (dtype === undefined || dtype === null || dtype === 'float32') return;
  if (typeof dtype === 'object') {
    const cfg = (dtype as { config?: { name?: unknown } }).config;
    if (cfg?.name === 'float32') return;
  }
  throw new ValueError(
    `simd-conv2d computes in float32 only. Received dtype=${JSON.stringify(dtype)}; expected 'float32' or a DTypePolicy config named 'float32'.`,
  );
}

function checkPositiveInt(value: unknown, message: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ValueError(message);
  return value;
}

/** Resolves and checks constructor arguments in the order Keras does (spec section 2). */
export function normalizeArgs(args: Conv2DArgs): NormalizedConv2DArgs {
  if (args === null || typeof args !== 'object') {
    throw new TypeError(`Conv2D: expected an args object such as { filters: 32, kernelSize: 3 }, received ${args === null ? 'null' : typeof args}`);
  }
  const a = camelizeKeys(args as unknown as Record<string, unknown>);
  // Python checks the signature before running any of __init__.
  const missing = ['filters', 'kernelSize'].filter((k) => a[k] === undefined);
  if (missing.length > 0) {
    const names = missing.map((k) => (k === 'kernelSize' ? "'kernel_size'" : "'filters'"));
    throw new TypeError(
      `Conv2D.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${names.join(' and ')}`,
    );
  }
  // Layer.__init__: activity regularizer first, then unknown kwargs, then trainable.
  const activityRegularizer = getRegularizer(a.activityRegularizer ?? null);
  const unknown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (!KNOWN_KEYS.has(k) && v !== undefined) unknown[k] = v;
  if (Object.keys(unknown).length > 0) throw new ValueError(Messages.unrecognizedKwargs(unknown));
  const trainable = a.trainable ?? true;
  if (typeof trainable !== 'boolean') throw new ValueError(Messages.trainableNotBool(trainable));
  checkDtype(a.dtype);
  if (a.name !== undefined && a.name !== null && typeof a.name !== 'string') {
    throw new TypeError(`name: expected a string, received ${typeof a.name}`);
  }
  if (a.useBias !== undefined && typeof a.useBias !== 'boolean') {
    throw new TypeError(`useBias: expected a boolean, received ${typeof a.useBias}`);
  }

  // BaseConv.__init__, in Keras' order.
  const filters = a.filters;
  const groups = a.groups ?? 1;
  const kernelSize = standardizePair(a.kernelSize, 'kernel_size');
  const strides = standardizePair(a.strides ?? 1, 'strides');
  const dilationRate = standardizePair(a.dilationRate ?? 1, 'dilation_rate');
  const padding = standardizePadding(a.padding ?? 'valid');
  const dataFormat = standardizeDataFormat(a.dataFormat);
  const activation = getActivation(a.activation ?? null);
  const useBias = (a.useBias as boolean | undefined) ?? true;
  const kernelInitArg = a.kernelInitializer === undefined ? 'glorot_uniform' : a.kernelInitializer;
  const biasInitArg = a.biasInitializer === undefined ? 'zeros' : a.biasInitializer;
  // The seed's rule: a null initializer means the default one (glorot_uniform / zeros).
  const kernelInitializer = getInitializer(kernelInitArg) ?? (getInitializer('glorot_uniform') as Initializer);
  const biasInitializer = getInitializer(biasInitArg) ?? (getInitializer('zeros') as Initializer);
  const kernelRegularizer = getRegularizer(a.kernelRegularizer ?? null);
  const biasRegularizer = getRegularizer(a.biasRegularizer ?? null);
  const kernelConstraint = getConstraint(a.kernelConstraint ?? null);
  const biasConstraint = getConstraint(a.biasConstraint ?? null);

  checkPositiveInt(filters, Messages.filters(filters));
  checkPositiveInt(groups, Messages.groups(groups));
  if ((filters as number) % (groups as number) !== 0) {
    throw new ValueError(Messages.filtersGroups(groups as number, filters as number));
  }
  if (Math.max(...strides) > 1 && Math.max(...dilationRate) > 1) {
    throw new ValueError(Messages.stridesDilation(strides, dilationRate));
  }

  return {
    name: (a.name as string | null | undefined) ?? uniqueLayerName(),
    trainable,
    filters: filters as number,
    kernelSize,
    strides,
    padding,
    dataFormat,
    dilationRate,
    groups: groups as number,
    activation,
    useBias,
    kernelInitializer,
    biasInitializer,
    kernelInitializerWasNull: a.kernelInitializer === null,
    biasInitializerWasNull: a.biasInitializer === null,
    kernelRegularizer,
    biasRegularizer,
    activityRegularizer,
    kernelConstraint,
    biasConstraint,
  };
}
