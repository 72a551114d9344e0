/**
 * Zeros, Ones, Constant and Identity (keras/src/initializers/constant_initializers.py).
 */

import { invalidArgument, Messages, ValueError } from '../errors';
import { checkKwargs, isPlainObject, numberArg } from '../keras-object';
import { sizeOf } from '../tensor';
import { checkShape, Initializer } from './initializer';

/** All zeros — the Conv2D bias default. Names: `Zeros`, `zeros`, `zero`. */
export class Zeros extends Initializer {
  constructor(config: Record<string, never> = {}) {
    super();
    checkKwargs('Zeros', config, []);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return new Float32Array(sizeOf(shape));
  }

  override get className(): string {
    return 'Zeros';
  }
}

/** All ones. Names: `Ones`, `ones`, `one`. */
export class Ones extends Initializer {
  constructor(config: Record<string, never> = {}) {
    super();
    checkKwargs('Ones', config, []);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return new Float32Array(sizeOf(shape)).fill(1);
  }

  override get className(): string {
    return 'Ones';
  }
}

/** Config of {@link Constant}. */
export interface ConstantConfig {
  /** The scalar every element gets. Default 0. */
  value?: number;
}

/** Every element equal to one scalar. Names: `Constant`, `constant`. */
export class Constant extends Initializer {
  readonly value: number;

  /** @param config `{value}` (default 0), or the value itself. */
  constructor(config: ConstantConfig | number = {}) {
    super();
    if (typeof config === 'number') {
      this.value = config;
    } else {
      if (!isPlainObject(config)) throw invalidArgument('Constant', 'a number or a {value} config', config);
      checkKwargs('Constant', config, ['value']);
      this.value = numberArg('Constant', 'value', config.value ?? 0);
    }
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    return new Float32Array(sizeOf(shape)).fill(this.value);
  }

  override getConfig(): Record<string, unknown> {
    return { value: this.value };
  }

  override get className(): string {
    return 'Constant';
  }
}

/** Config of {@link Identity}. */
export interface IdentityConfig {
  /** Multiplier of the identity matrix. Default 1. */
  gain?: number;
}

/**
 * `gain` times the (possibly rectangular) identity matrix; 2-D shapes only, so on a Conv2D kernel
 * it fails as in Keras. Names: `Identity`, `identity`, `IdentityInitializer`.
 */
export class Identity extends Initializer {
  readonly gain: number;

  constructor(config: IdentityConfig = {}) {
    super();
    checkKwargs('Identity', config, ['gain']);
    this.gain = numberArg('Identity', 'gain', config.gain ?? 1);
  }

  call(shape: readonly number[]): Float32Array {
    checkShape(shape);
    if (shape.length !== 2) throw new ValueError(Messages.identityRank(shape));
    const [rows, cols] = shape;
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = this.gain;
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }

  override get className(): string {
    return 'Identity';
  }
}
