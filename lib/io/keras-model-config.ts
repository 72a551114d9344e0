/**
 * Finds the Conv2D layers of a saved model's `config.json` and where Keras stored each one's
 * weights. Keras names a container's layers in its weight file by snake_case class name,
 * de-duplicated in layer order (`conv2d`, `conv2d_1`, ...; saving_lib.py `_save_container_state`),
 * never by layer name, so the path of a layer follows from its position among same-class layers.
 *
 * Only the model's own `layers` are searched: a layer inside a nested model lives under that
 * model's path in a way this reader does not reproduce, so nested models are reported, not entered.
 */
import { FileFormatError, KerasFileMessages, ValueError } from '../errors';

/** A Conv2D entry of `config.layers` and the group Keras stored its weights in. */
export interface Conv2DEntry {
  /** The layer's name (`config.name`). */
  name: string;
  /** Its `get_config()` dict, as `Conv2D.fromConfig` takes it. */
  config: Record<string, unknown>;
  /** `build_config.input_shape`, or null when the entry has none. */
  inputShape: (number | null)[] | null;
  /** `layers/conv2d`, `layers/conv2d_1`, ... */
  weightsPath: string;
}

export interface ModelLayers {
  modelName: string;
  conv2d: Conv2DEntry[];
  /** `ClassName 'name'` for every layer, for messages. */
  described: string[];
  /** Names of nested models (layers whose config has its own `layers`). */
  nested: string[];
}

// Keras deserializes both names into the class Conv2D, whose __name__ names the weights group.
const CONV2D_CLASS_NAMES = new Set(['Conv2D', 'Convolution2D']);

/** Keras' `naming.to_snake_case`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Lists a model config's layers; `source` names the file in errors. */
export function modelLayers(modelConfig: Record<string, unknown>, source: string): ModelLayers {
  // config.json is `{class_name, config: {name, layers}}`; a bare `{name, layers}` is taken too.
  const inner = asRecord(modelConfig.config) ?? modelConfig;
  const layers = inner.layers;
  if (!Array.isArray(layers)) {
    const what = typeof modelConfig.class_name === 'string' ? `class_name '${modelConfig.class_name}'` : 'no class_name';
    throw new FileFormatError(source, KerasFileMessages.notAModel(what));
  }
  const used = new Map<string, number>();
  const result: ModelLayers = {
    modelName: typeof inner.name === 'string' ? inner.name : String(modelConfig.class_name ?? 'model'),
    conv2d: [],
    described: [],
    nested: [],
  };
  layers.forEach((raw, i) => {
    const entry = asRecord(raw);
    const className = entry && typeof entry.class_name === 'string' ? entry.class_name : null;
    const config = entry ? asRecord(entry.config) : null;
    if (!entry || !className || !config) {
      throw new FileFormatError(source, KerasFileMessages.badLayerEntry(i));
    }
    const name = typeof config.name === 'string' ? config.name : typeof entry.name === 'string' ? entry.name : `#${i}`;
    result.described.push(`${className} '${name}'`);
    if (Array.isArray(config.layers)) result.nested.push(name);
    const isConv = CONV2D_CLASS_NAMES.has(className);
    const snake = toSnakeCase(isConv ? 'Conv2D' : className);
    const seen = used.get(snake);
    used.set(snake, seen === undefined ? 0 : seen + 1);
    if (!isConv) return;
    const suffix = seen === undefined ? '' : `_${seen + 1}`;
    const build = asRecord(entry.build_config);
    const shape = build?.input_shape;
    result.conv2d.push({
      name,
      config,
      inputShape: Array.isArray(shape) ? (shape as (number | null)[]) : null,
      weightsPath: `layers/${snake}${suffix}`,
    });
  });
  return result;
}

/** The Conv2D named `layerName`, or the first Conv2D. */
export function pickConv2D(model: ModelLayers, layerName: string | undefined, source: string): Conv2DEntry {
  if (layerName === undefined) {
    const first = model.conv2d[0];
    if (!first) throw new FileFormatError(source, KerasFileMessages.noConv2D(model.modelName, model.described, model.nested));
    return first;
  }
  const found = model.conv2d.find((e) => e.name === layerName);
  if (!found) {
    throw new ValueError(KerasFileMessages.noSuchConv2D(layerName, model.conv2d.map((e) => e.name), model.nested));
  }
  return found;
}
