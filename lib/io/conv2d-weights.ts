/**
 * Conv2D.loadWeights / saveWeights: a Conv2D's kernel and bias to and from Keras' weight files,
 * with Keras' checks (variable count, then each variable's shape) made before anything changes,
 * so a rejected file leaves the layer as it was.
 */
import { KerasFileMessages, ValueError, invalidArgument } from '../errors';
import { Tensor } from '../tensor';
import type { Conv2D } from '../conv2d';
import { normalizeLayerPath, readStoredLayer, writeModelWeights, type StoredLayer } from './keras-weights';
import { readKerasArchive, withArchiveWeightsFile } from './keras-archive';

/** Options of `loadWeights` and `saveWeights`. */
export interface WeightsFileOptions {
  /**
   * The layer's group in the file: `'layers/conv2d'` (the default: a model's first Conv2D),
   * `'layers/conv2d_1'` for its second, and so on. A leading `/` and a trailing `/vars` are accepted.
   */
  layerPath?: string;
}

/** Keras' own name for the model that `saveWeights` pretends holds the layer. */
const MODEL_NAME = 'sequential';

function readOptions(options: unknown): string {
  if (options === undefined) return normalizeLayerPath(undefined);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('options', 'an object such as { layerPath }', options);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'layerPath') throw new TypeError(KerasFileMessages.unknownOption(key));
  }
  return normalizeLayerPath((options as WeightsFileOptions).layerPath);
}

function readFilePath(path: unknown, expected: string): string {
  if (typeof path !== 'string' || path === '') throw invalidArgument('path', expected, path);
  return path;
}

/** The stored variables, copied out of the file, after Keras' count check and our dtype check. */
interface LoadedVariables {
  kernel: Tensor;
  bias: Tensor | null;
}

function takeVariables(layer: Conv2D, stored: StoredLayer): LoadedVariables {
  const names = layer.useBias ? ['kernel', 'bias'] : ['kernel'];
  if (stored.keys.length !== names.length) {
    throw new ValueError(KerasFileMessages.variableCount(layer.name, names.length, stored.keys.length, names));
  }
  const copy = (index: number): Tensor => {
    const v = stored.variable(index);
    return new Tensor(v.data.slice(), v.shape);
  };
  return { kernel: copy(0), bias: layer.useBias ? copy(1) : null };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks the shapes against the layer (built) or against what its arguments allow (unbuilt: the
 * kernel then decides the input channels), builds an unbuilt layer, and sets the weights.
 */
function assign(layer: Conv2D, { kernel, bias }: LoadedVariables): void {
  let expected: number[];
  if (layer.built) {
    expected = layer.kernel.shape;
  } else {
    const received = kernel.shape;
    if (received.length !== 4 || received[2] < 1) {
      throw new ValueError(KerasFileMessages.kernelForBuild(layer.name, received, layer.kernelSize, layer.filters));
    }
    expected = [layer.kernelSize[0], layer.kernelSize[1], received[2], layer.filters];
  }
  if (!sameShape(kernel.shape, expected)) {
    throw new ValueError(KerasFileMessages.assignShape(`${layer.name}/kernel`, expected, kernel.shape));
  }
  if (bias && !sameShape(bias.shape, [layer.filters])) {
    throw new ValueError(KerasFileMessages.assignShape(`${layer.name}/bias`, [layer.filters], bias.shape));
  }
  if (!layer.built) {
    const channels = expected[2] * layer.groups;
    layer.build(layer.dataFormat === 'channels_last' ? [null, null, null, channels] : [null, channels, null, null]);
  }
  layer.setWeights(bias ? [kernel, bias] : [kernel]);
}

/**
 * Loads the layer group `layerPath` of the HDF5 file `h5File` into `layer`. `shown` is the file
 * the user named (a `.keras` archive when `h5File` is its extracted `model.weights.h5`).
 */
export async function loadConv2DFromHdf5(layer: Conv2D, h5File: string, layerPath: string, shown: string): Promise<void> {
  const variables = await readStoredLayer(h5File, layerPath, (stored) => takeVariables(layer, stored), shown);
  assign(layer, variables);
}

/** `Conv2D.loadWeights`: from a `.weights.h5` file, or from the `model.weights.h5` of a `.keras` archive. */
export async function loadConv2DWeights(layer: Conv2D, path: unknown, options?: unknown): Promise<void> {
  const file = readFilePath(path, 'a path to a .weights.h5 (or .keras) file');
  const layerPath = readOptions(options);
  if (!file.endsWith('.keras')) return loadConv2DFromHdf5(layer, file, layerPath, file);
  const archive = readKerasArchive(file);
  return withArchiveWeightsFile(archive, (h5File) => loadConv2DFromHdf5(layer, h5File, layerPath, file));
}

/** `Conv2D.saveWeights`: a `.weights.h5` laid out as Keras writes a Sequential holding this one layer. */
export async function saveConv2DWeights(layer: Conv2D, path: unknown, options?: unknown): Promise<void> {
  const file = readFilePath(path, 'a path ending in .weights.h5');
  if (!file.endsWith('.weights.h5')) throw new ValueError(KerasFileMessages.saveFilename(file));
  const layerPath = readOptions(options);
  if (!layer.built) throw new ValueError(KerasFileMessages.saveUnbuilt(layer.name));
  await writeModelWeights(file, MODEL_NAME, [{ layerPath, name: layer.name, variables: layer.weights }]);
}
