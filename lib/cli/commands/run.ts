/** `simd-conv2d run`: a Keras Conv2D layer over .npy input, to a .npy output or a summary. */
import { Command, Option } from 'commander';

import type { Conv2D } from '../../conv2d';
import { CliMessages, ValueError } from '../../errors';
import { writeNpy } from '../../io/npy';
import { setNumThreads } from '../../runtime';
import type { Tensor } from '../../tensor';
import { applyInChunks } from '../batched-apply';
import { readInputBatch } from '../input-batch';
import { addLayerSourceOptions, layerChannels, loadLayer, type LayerSourceOptions } from '../layer-source';
import { positiveInteger, threadCount } from '../options';
import { convFlops, formatNumber, shapeText, tensorStats, throughputLine } from '../throughput';

interface RunOptions extends LayerSourceOptions {
  input: string;
  output?: string;
  batchSize?: number;
  threads?: number;
}

const EXAMPLES = `
Examples:
  $ simd-conv2d run --config layer.json --random-weights --seed 1 --input x.npy
      output (4, 8, 8, 32)  min 0  max 1.971  mean 0.1627
      4 images in 0.004424 s: 904.2 images/s, 4.266 GFLOP/s
  $ simd-conv2d run --keras model.keras --layer conv2d_1 --input images/ --output y.npy --batch-size 32
  $ simd-conv2d run --config layer.json --weights model.weights.h5 --layer-path layers/conv2d --input x.npy --threads 2

The input is float32 .npy: (N, H, W, C), or (N, C, H, W) for channels_first; a 3-D array is one
image. A directory means every *.npy in it, in name order, stacked along the batch axis.
Exit codes: 0 done, 1 a file or value is wrong, 2 the command line is wrong.`;

/** The input's channel count must be the one the layer's weights were made for. */
function checkChannels(layer: Conv2D, x: Tensor, input: string): void {
  const expected = layerChannels(layer);
  const received = x.shape[layer.dataFormat === 'channels_last' ? 3 : 1];
  if (expected !== null && received !== expected) {
    throw new ValueError(CliMessages.inputChannels(`--input ${input}`, received, layer.name, expected));
  }
}

async function runCommand(o: RunOptions): Promise<void> {
  if (o.threads !== undefined) setNumThreads(o.threads);
  const layer = await loadLayer(o);
  const { tensor: x } = readInputBatch(o.input, layer.dataFormat);
  checkChannels(layer, x, o.input);
  // Random weights are drawn here, before the clock starts.
  if (!layer.built) layer.build(x.shape);
  const { output, seconds } = await applyInChunks(layer, x, o.batchSize);
  if (o.output !== undefined) {
    writeNpy(o.output, output);
    process.stdout.write(`wrote ${o.output}: output ${shapeText(output.shape)}\n`);
  } else {
    const s = tensorStats(output);
    const extra = s.nonFinite > 0 ? `  (${s.nonFinite} NaN/Inf values left out)` : '';
    process.stdout.write(
      `output ${shapeText(output.shape)}  min ${formatNumber(s.min)}  max ${formatNumber(s.max)}  mean ${formatNumber(s.mean)}${extra}\n`,
    );
  }
  process.stdout.write(`${throughputLine(x.shape[0], seconds, convFlops(layer, output))}\n`);
}

export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .summary('run a Conv2D layer on .npy input')
    .description('Runs a Keras Conv2D layer (from a config, a .keras file or a .weights.h5) on float32 .npy input.');
  addLayerSourceOptions(cmd)
    .requiredOption('--input <x.npy|dir>', 'a float32 .npy batch or image, or a directory of them')
    .option('--output <y.npy>', 'write the output here (otherwise print its shape and min/max/mean)')
    .addOption(new Option('--batch-size <n>', 'images per call (a progress bar shows on a terminal)').argParser(positiveInteger))
    .addOption(new Option('--threads <n>', 'threads per convolution (default: the cores this process may use)').argParser(threadCount))
    .addHelpText('after', EXAMPLES)
    .action((opts: RunOptions) => runCommand(opts));
}
