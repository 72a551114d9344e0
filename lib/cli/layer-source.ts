/**
 * The layer a command runs, from the options `run` and `image` share: a Keras config (--config)
 * with weights from a .weights.h5 (--weights) or from its own initializers (--random-weights), or a
 * whole .keras file (--keras), optionally with its weights replaced (--weights).
 */
import * as fs from 'node:fs';

import { Command, Option } from 'commander';

import type { DataFormat } from '../args';
import { Conv2D } from '../conv2d';
import { CliMessages, FileFormatError, UsageError } from '../errors';
import { seedValue } from './options';
import { requireFile } from './required-file';
import { seededConfig } from './seeded-config';

export interface LayerSourceOptions {
  config?: string;
  keras?: string;
  layer?: string;
  weights?: string;
  layerPath?: string;
  randomWeights?: boolean;
  seed?: number;
  dataFormat?: DataFormat;
}

/** Adds the layer options to a command (help text in the order a user reads them). */
export function addLayerSourceOptions(
  cmd: Command,
  seedHelp = 'with --random-weights: seed n for the kernel initializer, n + 1 for the bias',
): Command {
  return cmd
    .option('--config <file.json>', "the layer's Keras config: get_config() JSON, or {\"class_name\": \"Conv2D\", \"config\": {...}}")
    .option('--keras <model.keras>', 'a Keras 3 .keras file: the layer and its weights')
    .option('--layer <name>', 'with --keras: which Conv2D layer of the model (default: the first one)')
    .option('--weights <file.weights.h5>', 'weights saved by Keras save_weights() (or layer.saveWeights)')
    .option('--layer-path <path>', 'with --weights: the layer\'s group inside the file, e.g. layers/conv2d')
    .option('--random-weights', "with --config and no --weights: draw the weights from the layer's initializers")
    .addOption(new Option('--seed <n>', seedHelp).argParser(seedValue))
    .addOption(
      new Option('--data-format <format>', "override the layer's data_format").choices(['channels_last', 'channels_first']),
    );
}

/** Whether any layer option (other than --seed) was given: `image` uses a built-in filter bank otherwise. */
export function hasLayerSource(o: LayerSourceOptions): boolean {
  return [o.config, o.keras, o.layer, o.weights, o.layerPath, o.randomWeights, o.dataFormat].some((v) => v !== undefined);
}

function checkCombination(o: LayerSourceOptions): void {
  if (o.config !== undefined && o.keras !== undefined) throw new UsageError(CliMessages.layerSourceBoth());
  if (o.config === undefined && o.keras === undefined) throw new UsageError(CliMessages.layerSourceMissing());
  if (o.layer !== undefined && o.keras === undefined) throw new UsageError(CliMessages.optionNeeds('--layer', '--keras'));
  if (o.layerPath !== undefined && o.weights === undefined) throw new UsageError(CliMessages.optionNeeds('--layer-path', '--weights'));
  if (o.randomWeights && o.keras !== undefined) throw new UsageError(CliMessages.optionConflict('--random-weights', '--keras'));
  if (o.randomWeights && o.weights !== undefined) throw new UsageError(CliMessages.optionConflict('--random-weights', '--weights'));
  if (o.seed !== undefined && !o.randomWeights) throw new UsageError(CliMessages.optionNeeds('--seed', '--random-weights'));
  if (o.config !== undefined && o.weights === undefined && !o.randomWeights) {
    throw new UsageError(CliMessages.configWithoutWeights(o.config));
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  requireFile('--config', file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new FileFormatError(file, CliMessages.configNotJson(err.message));
    throw err;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const received = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new FileFormatError(file, CliMessages.configNotObject(received));
  }
  return parsed as Record<string, unknown>;
}

/** The config with `data_format` set, in either the bare or the {class_name, config} form. */
function withDataFormat(config: Record<string, unknown>, dataFormat: DataFormat): Record<string, unknown> {
  const inner = config.config;
  if ('class_name' in config && typeof inner === 'object' && inner !== null) {
    return { ...config, config: { ...(inner as Record<string, unknown>), data_format: dataFormat } };
  }
  return { ...config, data_format: dataFormat };
}

/** The same layer with another data format; the kernel layout (kh, kw, cin/groups, f) is the same in both. */
function reformatted(layer: Conv2D, dataFormat: DataFormat): Conv2D {
  if (layer.dataFormat === dataFormat) return layer;
  const copy = Conv2D.fromConfig({ ...layer.getConfig(), data_format: dataFormat });
  if (layer.built) {
    const channels = layer.kernel.shape[2] * layer.groups;
    copy.build(dataFormat === 'channels_last' ? [null, null, null, channels] : [null, channels, null, null]);
    copy.setWeights(layer.getWeights());
  }
  return copy;
}

/** Builds the layer the options describe, with its weights (random ones are drawn at build). */
export async function loadLayer(o: LayerSourceOptions): Promise<Conv2D> {
  checkCombination(o);
  let layer: Conv2D;
  if (o.config !== undefined) {
    let config = readConfigFile(o.config);
    if (o.dataFormat) config = withDataFormat(config, o.dataFormat);
    if (o.seed !== undefined) config = seededConfig(config, o.seed);
    layer = Conv2D.fromConfig(config);
  } else {
    const file = o.keras as string;
    requireFile('--keras', file);
    layer = await Conv2D.fromKerasFile(file, o.layer);
    if (o.dataFormat) layer = reformatted(layer, o.dataFormat);
  }
  if (o.weights !== undefined) {
    requireFile('--weights', o.weights);
    await layer.loadWeights(o.weights, o.layerPath === undefined ? {} : { layerPath: o.layerPath });
  }
  return layer;
}

/** Input channels the layer's weights were made for, or null before it is built. */
export function layerChannels(layer: Conv2D): number | null {
  return layer.built ? layer.kernel.shape[2] * layer.groups : null;
}
