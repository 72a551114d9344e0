/** `simd-conv2d image`: a picture through a layer or a built-in filter bank, to a PNG mosaic of the maps. */
import { Command, Option } from 'commander';

import type { Conv2D } from '../../conv2d';
import { CliMessages, UsageError, ValueError } from '../../errors';
import { setNumThreads } from '../../runtime';
import { Tensor } from '../../tensor';
import { FILTER_BANK_NAMES, filterBankLayer, type FilterBankName } from '../filter-banks';
import { readImage, writeRgbPng } from '../image-io';
import { addLayerSourceOptions, hasLayerSource, layerChannels, loadLayer, type LayerSourceOptions } from '../layer-source';
import { featureMosaic } from '../mosaic';
import { integerIn, threadCount } from '../options';
import { shapeText } from '../throughput';

interface ImageOptions extends LayerSourceOptions {
  input: string;
  output: string;
  gray?: boolean;
  filter?: FilterBankName;
  filters?: number;
  scale: number;
  threads?: number;
}

const EXAMPLES = `
Filter banks (Keras kernels, 'valid' padding, no bias; lib/cli/filter-banks.ts):
  sobel      2 maps: x and y derivatives (3x3) of the luminance
  gaussian   1 map: 5x5 Gaussian blur (sigma 1) of the luminance
  laplacian  1 map: 3x3 Laplacian of the luminance
  random     --filters N maps (default 16): 3x3 Glorot-uniform kernels over the channels, --seed for repeatable ones

Each map is stretched to 0..255 by its own min and max (a constant map is mid-gray), and the maps are
laid out in a near-square grid with 2-pixel gutters.

Examples:
  $ simd-conv2d image --input examples/data/sample.png --filter sobel --output edges.png
      examples/data/sample.png: 176x176 RGB, sobel bank: output (1, 174, 174, 2)
      wrote edges.png: 2 maps of 174x174 px in a 2x1 grid, 350x174 px
  $ simd-conv2d image --input photo.jpg --gray --filter random --filters 9 --seed 3 --scale 2 --output maps.png
  $ simd-conv2d image --input photo.jpg --keras model.keras --layer conv2d --output maps.png

Exit codes: 0 done, 1 a file or value is wrong, 2 the command line is wrong.`;

/** NHWC to NCHW, for a layer that takes channels_first. */
function toChannelsFirst(x: Tensor): Tensor {
  const [n, h, w, c] = x.shape;
  const out = new Float32Array(x.size);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < c; ch++) out[(b * c + ch) * h * w + p] = x.data[(b * h * w + p) * c + ch];
    }
  }
  return new Tensor(out, [n, c, h, w]);
}

function checkBankOptions(o: ImageOptions): void {
  if (o.filter !== undefined && hasLayerSource(o)) {
    throw new UsageError(CliMessages.optionConflict('--filter', 'the layer options (--config, --keras, --weights, --random-weights, --data-format...)'));
  }
  if (o.filter === undefined && !hasLayerSource(o)) {
    throw new UsageError(CliMessages.imageLayerMissing(FILTER_BANK_NAMES));
  }
  if (o.filters !== undefined && o.filter !== 'random') throw new UsageError(CliMessages.optionNeeds('--filters', '--filter random'));
  if (o.filter !== undefined && o.filter !== 'random' && o.seed !== undefined) {
    throw new UsageError(CliMessages.optionNeeds('--seed', '--filter random or --random-weights'));
  }
}

async function imageLayer(o: ImageOptions, channels: number): Promise<{ layer: Conv2D; what: string }> {
  if (o.filter !== undefined) {
    return { layer: filterBankLayer(o.filter, channels, { filters: o.filters, seed: o.seed }), what: `${o.filter} bank` };
  }
  const layer = await loadLayer(o);
  const expected = layerChannels(layer);
  if (expected !== null && expected !== channels) {
    throw new ValueError(CliMessages.inputChannels(`--input ${o.input} (${o.gray ? 'gray' : 'RGB'})`, channels, layer.name, expected));
  }
  return { layer, what: `layer '${layer.name}'` };
}

async function imageCommand(o: ImageOptions): Promise<void> {
  checkBankOptions(o);
  if (o.threads !== undefined) setNumThreads(o.threads);
  const image = readImage(o.input, { gray: o.gray });
  const [, h, w, c] = image.shape;
  const { layer, what } = await imageLayer(o, c);
  const x = layer.dataFormat === 'channels_first' ? toChannelsFirst(image) : image;
  const y = await layer.applyAsync(x);
  const m = featureMosaic(y, layer.dataFormat, o.scale);
  writeRgbPng(o.output, m.width, m.height, m.rgba);
  process.stdout.write(
    `${o.input}: ${w}x${h} ${c === 1 ? 'gray' : 'RGB'}, ${what}: output ${shapeText(y.shape)}\n` +
      `wrote ${o.output}: ${m.channels} map${m.channels === 1 ? '' : 's'} of ${m.tileWidth}x${m.tileHeight} px ` +
      `in a ${m.cols}x${m.rows} grid, ${m.width}x${m.height} px\n`,
  );
}

export function registerImageCommand(program: Command): void {
  const cmd = program
    .command('image')
    .summary('feature maps of a PNG/JPEG picture, as one PNG mosaic')
    .description(
      'Reads a PNG or JPEG as float32 NHWC in [0, 1] (RGB, alpha dropped; --gray for BT.601 luminance), applies a ' +
        'built-in filter bank or a Keras Conv2D layer, and writes every output channel into one PNG mosaic.',
    )
    .requiredOption('--input <image>', 'a PNG or JPEG file')
    .requiredOption('--output <maps.png>', 'the PNG mosaic to write')
    .option('--gray', 'one luminance channel instead of RGB')
    .addOption(new Option('--filter <name>', 'a built-in filter bank instead of a layer').choices(FILTER_BANK_NAMES))
    .addOption(new Option('--filters <n>', 'with --filter random: how many filters (default 16)').argParser(integerIn(1, 4096)))
    .addOption(new Option('--scale <n>', 'upsample each map n times (nearest neighbour)').argParser(integerIn(1, 64)).default(1));
  addLayerSourceOptions(cmd, 'with --filter random or --random-weights: a seed for repeatable random kernels')
    .addOption(new Option('--threads <n>', 'threads per convolution').argParser(threadCount))
    .addHelpText('after', EXAMPLES)
    .action((opts: ImageOptions) => imageCommand(opts));
}
