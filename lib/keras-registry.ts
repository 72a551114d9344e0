/**
 * One lookup table of Keras classes, as `keras.<module>.get` / `serialize` use it: resolves an
 * identifier (a name, a `{class_name, config}` dict, an instance, a subclass or a plain function)
 * and writes the dict Keras saves. Initializers, regularizers and constraints each declare a table.
 */
import { ValueError } from './errors';
import { customObject, isPlainObject, kerasObject, readKerasDict, type KerasObjectConfig } from './keras-object';

type Config = Record<string, unknown>;
type Ctor<T> = abstract new (...args: never[]) => T;

/** What every registered object offers. */
export interface KerasSerializable {
  readonly className: string;
  getConfig(): Config;
}

export interface RegistryClass<T> {
  ctor: Ctor<T>;
  /** Builds an instance from a config dict (each constructor checks its own fields). */
  make: (config: Config) => T;
  /** The Python module of the class' public name, when it is not the table's. */
  module?: string;
}

export interface RegistrySpec<T extends KerasSerializable> {
  /** The module built-ins serialize with, e.g. 'keras.constraints'. */
  module: string;
  /** The abstract base: its instances are returned as they are, its subclasses built with no arguments. */
  base: Ctor<T>;
  classes: Record<string, RegistryClass<T>>;
  /** Further accepted names (snake_case forms, aliases) → class name. Lookup is case-sensitive. */
  aliases: Record<string, string>;
  /** Wraps a plain function identifier. */
  wrapFunction: (fn: (...args: never[]) => unknown) => T;
  /** The wrapper's class: such objects serialize by name only. */
  functionClass: Ctor<T>;
  /** The ValueError text for an identifier nothing matches. */
  unknown: (identifier: unknown) => string;
}

export class KerasRegistry<T extends KerasSerializable> {
  /** Every string `get` accepts. */
  readonly names: readonly string[];
  private readonly lookup = new Map<string, RegistryClass<T>>();

  constructor(private readonly spec: RegistrySpec<T>) {
    for (const [name, entry] of Object.entries(spec.classes)) this.lookup.set(name, entry);
    for (const [alias, target] of Object.entries(spec.aliases)) this.lookup.set(alias, spec.classes[target]);
    this.names = Object.freeze([...this.lookup.keys()]);
  }

  /** `keras.<module>.get(identifier)`; null and undefined give null. */
  get(identifier: unknown): T | null {
    if (identifier === null || identifier === undefined) return null;
    const { base } = this.spec;
    if (identifier instanceof base) return identifier as T;
    if (typeof identifier === 'string') {
      const entry = this.lookup.get(identifier);
      if (entry) return entry.make({});
    } else if (typeof identifier === 'function') {
      if (identifier.prototype instanceof base) return new (identifier as new () => T)();
      return this.spec.wrapFunction(identifier as (...args: never[]) => unknown);
    } else if (isPlainObject(identifier)) {
      const { className, config } = readKerasDict(identifier);
      const entry = typeof className === 'string' ? this.lookup.get(className) : undefined;
      if (entry) return entry.make(config);
    }
    throw new ValueError(this.spec.unknown(identifier));
  }

  /** The `{module, class_name, config, registered_name}` dict Keras writes; null for null. */
  serialize(x: T | null): KerasObjectConfig | null {
    if (x === null) return null;
    if (x instanceof this.spec.functionClass) return customObject('function', x.className);
    const entry = this.spec.classes[x.className];
    if (entry && x.constructor === entry.ctor) {
      return kerasObject(entry.module ?? this.spec.module, x.className, x.getConfig());
    }
    // A user subclass: Keras can only name it.
    return { module: null, class_name: x.className, config: x.getConfig(), registered_name: x.className };
  }
}
