/**
 * One layer's variables in Keras 3's weight-file layout (spec section 11; saving_lib.py H5IOStore):
 * every saveable owns a group `<path>/vars` whose attribute `name` is the object's name and whose
 * datasets "0", "1", ... are its variables in creation order. A Sequential or Functional model
 * stores its layers under `layers/<snake_case class name>[_k]`, so a model's first Conv2D is
 * `layers/conv2d` (datasets `0` kernel, `1` bias) and the model itself owns the empty root `vars`.
 */
import { FileFormatError, KerasFileMessages } from '../errors';
import { Tensor, sizeOf } from '../tensor';
import { readHdf5, writeHdf5, type H5Dataset, type H5File, type H5Group } from './hdf5';

/** Where Keras puts the first Conv2D of a Sequential or Functional model. */
export const DEFAULT_LAYER_PATH = 'layers/conv2d';

/** A variable as stored: its dtype is checked by the reader, so `data` is float32. */
export interface StoredVariable {
  /** `layers/conv2d/vars/0` */
  path: string;
  shape: number[];
  data: Float32Array;
}

/** What a layer group holds: the `name` attribute (null if absent) and the member names of `vars`. */
export interface StoredLayer {
  /** The group path without `/vars`, e.g. `layers/conv2d`. */
  layerPath: string;
  name: string | null;
  keys: string[];
  /** Reads dataset `"i"` (checked to be float32); only valid inside the reading callback. */
  variable(index: number): StoredVariable;
}

/**
 * `'layers/conv2d'` from what users write: a leading `/` and a trailing `/vars` are optional,
 * as h5py users see the group either way.
 */
export function normalizeLayerPath(layerPath: unknown): string {
  if (layerPath === undefined) return DEFAULT_LAYER_PATH;
  if (typeof layerPath !== 'string') throw new TypeError(KerasFileMessages.layerPath(layerPath));
  let parts = layerPath.split('/').filter((p) => p !== '');
  if (parts[parts.length - 1] === 'vars') parts = parts.slice(0, -1);
  // The root `vars` group belongs to the model; '.'/'..' have no meaning in HDF5 paths.
  if (parts.length === 0 || parts[0] === 'vars' || parts.some((p) => p === '.' || p === '..')) {
    throw new TypeError(KerasFileMessages.layerPath(layerPath));
  }
  return parts.join('/');
}

/** Runs `fn` on the layer group at `layerPath` of the weight file `file` (`shown` names it in errors). */
export function readStoredLayer<T>(
  file: string,
  layerPath: string,
  fn: (layer: StoredLayer) => T,
  shown: string = file,
): Promise<T> {
  return readHdf5(file, (f) => fn(openLayer(f, layerPath, shown)), shown);
}

function openLayer(f: H5File, layerPath: string, shown: string): StoredLayer {
  if (f.keys().includes('model_weights') || 'layer_names' in f.attrs) {
    throw new FileFormatError(shown, KerasFileMessages.legacyH5());
  }
  let resolved = layerPath;
  let vars = getGroup(f, `${layerPath}/vars`);
  // Keras 2.13's .weights.h5 named the container `_layer_checkpoint_dependencies`; Keras 3 reads
  // it under that name (H5Entry), and so do we.
  if (!vars && f.keys().includes('_layer_checkpoint_dependencies')) {
    resolved = layerPath.replace(/^layers(?=\/|$)/, '_layer_checkpoint_dependencies');
    vars = getGroup(f, `${resolved}/vars`);
  }
  if (!vars) throw new FileFormatError(shown, KerasFileMessages.noLayer(layerPath, listLayers(f)));
  const group = vars;
  const keys = group.keys();
  const name = readNameAttribute(group);
  return {
    layerPath: resolved,
    name,
    keys,
    variable(index: number): StoredVariable {
      const key = String(index);
      const path = `${resolved}/vars/${key}`;
      const entry = keys.includes(key) ? group.get(key) : null;
      if (!isDataset(entry)) throw new FileFormatError(shown, KerasFileMessages.noDataset(`${resolved}/vars`, key, keys));
      const dtype = float32OrName(entry);
      if (dtype !== null) throw new FileFormatError(shown, KerasFileMessages.notFloat32(path, dtype));
      const shape = entry.shape ?? [];
      const value = entry.value;
      if (!(value instanceof Float32Array) || value.length !== sizeOf(shape)) {
        throw new FileFormatError(shown, KerasFileMessages.corruptHdf5(`${path} did not read back as ${sizeOf(shape)} float32 values`));
      }
      return { path, shape: [...shape], data: value };
    },
  };
}

/** The group at `path`, or null; walks one level at a time so a missing parent is not an HDF5 error. */
function getGroup(f: H5Group, path: string): H5Group | null {
  let node: H5Group = f;
  for (const part of path.split('/')) {
    if (!node.keys().includes(part)) return null;
    const child = node.get(part);
    if (!child || (child as { type?: unknown }).type !== 'Group') return null;
    node = child as H5Group;
  }
  return node;
}

function isDataset(entry: unknown): entry is H5Dataset {
  return !!entry && (entry as { type?: unknown }).type === 'Dataset';
}

/** The layer groups a file does hold (`layers/conv2d, layers/conv2d_1`), for "no layer at" errors. */
function listLayers(f: H5File): string[] {
  const found: string[] = [];
  for (const container of ['layers', '_layer_checkpoint_dependencies']) {
    const group = getGroup(f, container);
    if (!group) continue;
    for (const key of group.keys()) if (getGroup(group, `${key}/vars`)) found.push(`${container}/${key}`);
  }
  return found;
}

function readNameAttribute(group: H5Group): string | null {
  if (!('name' in group.attrs)) return null;
  const value = group.attrs.name.value;
  return typeof value === 'string' ? value : null;
}

/** null for float32 (either byte order: h5wasm converts), else the dtype in NumPy's words. */
function float32OrName(d: H5Dataset): string | null {
  const m = d.metadata;
  // HDF5 type classes (H5Tpublic.h); Keras tags bfloat16 data with a `dtype` attribute.
  if ('dtype' in d.attrs && d.attrs.dtype.value === 'bfloat16') return 'bfloat16';
  if (m.type === 1) return m.size === 4 ? null : `float${m.size * 8}`;
  if (m.type === 0) return `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
  const classes: Record<number, string> = {
    2: 'time', 3: 'string', 4: 'bitfield', 5: 'opaque', 6: 'compound', 7: 'reference', 8: 'enum', 9: 'vlen', 10: 'array',
  };
  return classes[m.type] ?? `HDF5 type class ${m.type}`;
}

/** What `writeModelWeights` stores for one layer. */
export interface LayerToWrite {
  layerPath: string;
  /** The layer's `.name`, stored as the `name` attribute of its `vars` group. */
  name: string;
  variables: readonly Tensor[];
}

/**
 * Writes (overwriting) a `.weights.h5` as Keras writes it for a model holding these layers:
 * `vars` (empty, attribute name = `modelName`) and `<layerPath>/vars` with the variables as
 * float32 datasets "0", "1", ... .
 */
export function writeModelWeights(file: string, modelName: string, layers: readonly LayerToWrite[]): Promise<void> {
  return writeHdf5(file, (f) => {
    f.create_group('vars');
    (f.get('vars') as H5Group).create_attribute('name', modelName);
    for (const layer of layers) {
      const vars = makeGroups(f, `${layer.layerPath}/vars`);
      vars.create_attribute('name', layer.name);
      layer.variables.forEach((v, i) => {
        vars.create_dataset({ name: String(i), data: v.data, shape: [...v.shape], dtype: '<f' });
      });
    }
  });
}

/** Creates each missing group along `path` (h5wasm makes one level per call). */
function makeGroups(f: H5File, path: string): H5Group {
  let node: H5Group = f;
  for (const part of path.split('/')) {
    if (!node.keys().includes(part)) node.create_group(part);
    node = node.get(part) as H5Group;
  }
  return node;
}
