/**
 * Shared plumbing for Keras' serialized-object dicts (`{module, class_name, config, registered_name}`)
 * and for snake_case constructor configs, used by initializers, regularizers and constraints.
 */

import { invalidArgument, Messages, ValueError } from './errors';
import { Tensor, TensorLike } from './tensor';

/** Keras' serialized form of a built-in object (serialization_lib.serialize_keras_object). */
// A type alias, not an interface, so it stays assignable to `Record<string, unknown>`.
export type KerasObjectConfig = {
  module: string | null;
  class_name: string;
  config: unknown;
  registered_name: string | null;
};

/** A plain `{...}` object (a Python dict in Keras terms), not an array, tensor or class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A `{data: Float32Array, shape: number[]}` value, as accepted wherever a tensor is. */
export function isTensorLike(v: unknown): v is TensorLike {
  if (v === null || typeof v !== 'object') return false;
  const o = v as { data?: unknown; shape?: unknown };
  return o.data instanceof Float32Array && Array.isArray(o.shape);
}

/** Wraps a TensorLike as a Tensor (validating its size), without copying the data. */
export function asTensor(v: TensorLike): Tensor {
  return v instanceof Tensor ? v : new Tensor(v.data, v.shape);
}

/** The `{module, class_name, config, registered_name}` dict for a built-in object. */
export function kerasObject(module: string, className: string, config: unknown): KerasObjectConfig {
  return { module, class_name: className, config, registered_name: null };
}

/** The dict for a user-supplied function or class, which Keras can only name, not rebuild. */
export function customObject(className: string, name: string): KerasObjectConfig {
  return { module: null, class_name: className, config: name, registered_name: name };
}

/**
 * Rejects keys a constructor does not take, with Python's TypeError text, so that a config dict
 * with a typo fails as loudly as `Cls(**config)` does in Keras.
 */
export function checkKwargs(className: string, config: object, allowed: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) throw new TypeError(Messages.unexpectedKwarg(className, key));
  }
}

/**
 * Reads `{class_name, config}` from a Keras dict, as `deserialize_keras_object` does when it is
 * given a table of known classes: `module` and `registered_name` are ignored, a missing or null
 * `config` means no arguments.
 */
export function readKerasDict(identifier: Record<string, unknown>): { className: unknown; config: Record<string, unknown> } {
  if (!('class_name' in identifier)) throw new ValueError(Messages.unknownConfigDict(identifier));
  const raw = identifier.config;
  const config = isPlainObject(raw) ? raw : {};
  return { className: identifier.class_name, config };
}

/** Python's `isinstance(v, (int, float))` for a JS value (booleans count, as in Python). */
export function isPyNumber(v: unknown): v is number | boolean {
  return typeof v === 'number' || typeof v === 'boolean';
}

/** Reads a numeric constructor argument: a number, or a JS-side TypeError naming the argument. */
export function numberArg(className: string, name: string, v: unknown): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'number') {
    throw invalidArgument(`${className}: ${name}`, 'a number', v);
  }
  return v;
}
