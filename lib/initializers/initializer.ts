/**
 * The initializer base class, and the wrappers for the non-class identifiers Keras accepts
 * (a plain function, a tensor of initial values).
 */

import { invalidArgument, Messages, NotImplementedError, ValueError } from '../errors';
import { sizeOf, TensorLike } from '../tensor';

/** A weight initializer: `call(shape)` returns the row-major float32 values for that shape. */
export abstract class Initializer {
  /** The values for a weight of `shape` (row-major, `prod(shape)` elements). */
  abstract call(shape: readonly number[]): Float32Array;

  /** The constructor arguments with Keras' snake_case keys, as `get_config()` reports them. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  /** The Keras class name written in serialized configs. */
  get className(): string {
    return this.constructor.name;
  }
}

/** Rejects shapes that are not arrays of non-negative integers (a JS-side TypeError). */
export function checkShape(shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalidArgument('shape', 'an array of non-negative integers', shape);
  }
}

/**
 * `keras.initializers.Initializer` itself (names `'Initializer'`/`'initializer'`): it resolves, but
 * calling it fails as in Keras.
 */
export class BaseInitializer extends Initializer {
  call(): Float32Array {
    throw new NotImplementedError(Messages.initializerNotImplemented());
  }

  override get className(): string {
    return 'Initializer';
  }
}

/** A user function `(shape) => values` used as an initializer. */
export class FunctionInitializer extends Initializer {
  constructor(readonly fn: (shape: readonly number[]) => Float32Array | ArrayLike<number>) {
    super();
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    const values = this.fn(shape);
    const expected = sizeOf(shape);
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw invalidArgument(`initializer ${this.className} result`, 'a Float32Array or an array of numbers', values);
    }
    if (values.length !== expected) {
      throw new ValueError(Messages.initializerOutputSize(this.className, values.length, shape, expected));
    }
    // Copy even a Float32Array: the caller owns the weight buffer it gets back.
    return Float32Array.from(values);
  }

  override get className(): string {
    return this.fn.name || 'lambda';
  }
}

/** A tensor passed where an initializer is expected: its values are the initial weights. */
export class ValueInitializer extends Initializer {
  readonly value: TensorLike;

  constructor(value: TensorLike) {
    super();
    if (value.data.length !== sizeOf(value.shape)) {
      throw new RangeError(
        `initializer value: expected ${sizeOf(value.shape)} elements for shape [${value.shape.join(', ')}], received ${value.data.length}`,
      );
    }
    this.value = { data: Float32Array.from(value.data), shape: [...value.shape] };
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    const own = this.value.shape;
    if (own.length !== shape.length || own.some((d, i) => d !== shape[i])) {
      throw new ValueError(Messages.initializerValueShape(own, shape));
    }
    return Float32Array.from(this.value.data);
  }

  override get className(): string {
    return '__numpy__';
  }
}
