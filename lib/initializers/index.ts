/**
 * Keras 3 initializers (spec section 7): name lookup, deserialization of config dicts, and the
 * serialized form written into layer configs.
 */

import { Messages, ValueError } from '../errors';
import { isPlainObject, isTensorLike, KerasObjectConfig, readKerasDict } from '../keras-object';
import { KerasRegistry, type RegistryClass } from '../keras-registry';
import { Tensor } from '../tensor';
import { Constant, Identity, Ones, Zeros } from './constant';
import { BaseInitializer, FunctionInitializer, Initializer, ValueInitializer } from './initializer';
import { Orthogonal } from './orthogonal';
import { RandomNormal, RandomUniform, TruncatedNormal } from './random';
import { STFT } from './stft';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from './variance-scaling';

export { Initializer, BaseInitializer, FunctionInitializer, ValueInitializer } from './initializer';
export { Zeros, Ones, Constant, Identity } from './constant';
export type { ConstantConfig, IdentityConfig } from './constant';
export { RandomNormal, RandomUniform, TruncatedNormal } from './random';
export type { NormalConfig, UniformConfig } from './random';
export {
  VarianceScaling,
  GlorotUniform,
  GlorotNormal,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  computeFans,
} from './variance-scaling';
export type { FanMode, Distribution, VarianceScalingConfig, PresetConfig } from './variance-scaling';
export { Orthogonal } from './orthogonal';
export type { OrthogonalConfig } from './orthogonal';
export { STFT } from './stft';
export type { StftConfig, StftSide, StftScaling } from './stft';
export { getWindow } from './windows';

// Config dicts come from JSON, so their fields are checked by each constructor, not by the type.
const CLASSES: Record<string, RegistryClass<Initializer>> = {
  // The base class' public name is keras.Initializer.
  Initializer: { module: 'keras', ctor: BaseInitializer, make: () => new BaseInitializer() },
  Constant: { ctor: Constant, make: (c) => new Constant(c) },
  Identity: { ctor: Identity, make: (c) => new Identity(c) },
  Ones: { ctor: Ones, make: (c) => new Ones(c as Record<string, never>) },
  STFT: { ctor: STFT, make: (c) => new STFT(c) },
  Zeros: { ctor: Zeros, make: (c) => new Zeros(c as Record<string, never>) },
  GlorotNormal: { ctor: GlorotNormal, make: (c) => new GlorotNormal(c) },
  GlorotUniform: { ctor: GlorotUniform, make: (c) => new GlorotUniform(c) },
  HeNormal: { ctor: HeNormal, make: (c) => new HeNormal(c) },
  HeUniform: { ctor: HeUniform, make: (c) => new HeUniform(c) },
  LecunNormal: { ctor: LecunNormal, make: (c) => new LecunNormal(c) },
  LecunUniform: { ctor: LecunUniform, make: (c) => new LecunUniform(c) },
  Orthogonal: { ctor: Orthogonal, make: (c) => new Orthogonal(c) },
  RandomNormal: { ctor: RandomNormal, make: (c) => new RandomNormal(c) },
  RandomUniform: { ctor: RandomUniform, make: (c) => new RandomUniform(c) },
  TruncatedNormal: { ctor: TruncatedNormal, make: (c) => new TruncatedNormal(c) },
  VarianceScaling: { ctor: VarianceScaling, make: (c) => new VarianceScaling(c) },
};

/** Keras' `utils.naming.to_snake_case` for the class names above (`HeNormal` → `he_normal`, `STFT` → `stft`). */
function toSnakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const REGISTRY = new KerasRegistry<Initializer>({
  module: 'keras.initializers',
  base: Initializer,
  classes: CLASSES,
  aliases: {
    ...Object.fromEntries(Object.keys(CLASSES).map((name) => [toSnakeCase(name), name])),
    IdentityInitializer: 'Identity',
    normal: 'RandomNormal',
    one: 'Ones',
    STFTInitializer: 'STFT',
    OrthogonalInitializer: 'Orthogonal',
    uniform: 'RandomUniform',
    zero: 'Zeros',
  },
  wrapFunction: (fn) => new FunctionInitializer(fn as unknown as (shape: readonly number[]) => Float32Array | number[]),
  functionClass: FunctionInitializer,
  unknown: Messages.initializer,
});

/** Every string {@link getInitializer} accepts. */
export const INITIALIZER_NAMES: readonly string[] = REGISTRY.names;

/** Flattens a nested list of numbers (a serialized NumPy array) with its shape. */
function fromNestedList(value: unknown): Tensor | null {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat = shape.length === 0 ? [value] : (value as unknown[]).flat(shape.length - 1);
  if (!flat.every((v) => typeof v === 'number')) return null;
  const t = new Tensor(Float32Array.from(flat as number[]), shape.length === 0 ? [] : shape);
  return t;
}

/**
 * Resolves an initializer identifier as `keras.initializers.get` does.
 *
 * - `null`/`undefined` → `null` (the layer decides the default);
 * - a name: class name, snake_case, or alias (`'zero'`, `'one'`, `'normal'`, `'uniform'`,
 *   `'IdentityInitializer'`, `'OrthogonalInitializer'`, `'STFTInitializer'`), built with defaults;
 * - a dict `{class_name, config}` (with or without `module`/`registered_name`), built from `config`
 *   (unknown keys → TypeError, as `Cls(**config)`); `{class_name: '__numpy__', config: {value}}` too;
 * - an {@link Initializer} instance (returned as is) or subclass (built with no arguments);
 * - a function `(shape) => Float32Array | number[]`;
 * - a TensorLike `{data, shape}`: its values, which must match the weight's shape at call time.
 *
 * @throws ValueError `Could not interpret initializer identifier: ...` for anything else.
 */
export function getInitializer(identifier: unknown): Initializer | null {
  if (isTensorLike(identifier)) return new ValueInitializer(identifier);
  if (isPlainObject(identifier) && identifier.class_name === '__numpy__') {
    const value = fromNestedList(readKerasDict(identifier).config.value);
    if (value) return new ValueInitializer(value);
    throw new ValueError(Messages.initializer(identifier));
  }
  return REGISTRY.get(identifier);
}

/**
 * The `{module, class_name, config, registered_name}` dict Keras writes for an initializer, e.g.
 * `{module: 'keras.initializers', class_name: 'GlorotUniform', config: {seed: null, input_axes:
 * null, output_axes: null}, registered_name: null}`; `null` for `null`. Tensor values serialize
 * as Keras' `__numpy__` form; functions and user subclasses by name only.
 */
export function serializeInitializer(i: Initializer | null): KerasObjectConfig | null {
  if (i instanceof ValueInitializer) {
    const value = new Tensor(i.value.data, i.value.shape).toArray();
    return { module: null, class_name: '__numpy__', config: { value, dtype: 'float32' }, registered_name: null };
  }
  return REGISTRY.serialize(i);
}
