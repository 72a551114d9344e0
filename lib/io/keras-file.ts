/**
 * Conv2D.fromKerasFile: one Conv2D of a saved `.keras` model, with its config, build shape and
 * weights, as `keras.saving.load_model(path).get_layer(name)` would give it.
 */
import { invalidArgument } from '../errors';
import type { Conv2D } from '../conv2d';
import { readKerasArchive, withArchiveWeightsFile } from './keras-archive';
import { modelLayers, pickConv2D } from './keras-model-config';
import { loadConv2DFromHdf5 } from './conv2d-weights';

/** Builds the layer with `make` (Conv2D.fromConfig, so subclasses get their own class). */
export async function conv2DFromKerasFile<T extends Conv2D>(
  make: (config: Record<string, unknown>) => T,
  path: unknown,
  layerName?: unknown,
): Promise<T> {
  if (typeof path !== 'string' || path === '') throw invalidArgument('path', 'a path to a .keras file', path);
  if (layerName !== undefined && typeof layerName !== 'string') {
    throw invalidArgument('layerName', 'a layer name (string) or undefined', layerName);
  }
  const archive = readKerasArchive(path);
  const entry = pickConv2D(modelLayers(archive.config, path), layerName, path);
  const layer = make(entry.config);
  // Without a build_config the kernel in the weights decides the input channels.
  if (entry.inputShape) layer.build(entry.inputShape);
  await withArchiveWeightsFile(archive, (h5File) => loadConv2DFromHdf5(layer, h5File, entry.weightsPath, path));
  return layer;
}
