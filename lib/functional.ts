/**
 * `conv2d(x, kernel, bias, options)`: the convolution as a function, like `keras.ops.conv` plus
 * bias and activation. The group count follows from the shapes (channels / kernel.shape[2]), as
 * in Keras' backends; strides > 1 together with dilation > 1 is allowed here, as in keras.ops.conv.
 */
import { standardizePair, standardizePadding, standardizeDataFormat, type IntOrPair, type DataFormat, type PaddingMode, type ActivationIdentifier } from './args';
import { getActivation } from './activations';
import { ValueError } from './errors';
import { Tensor, type TensorLike } from './tensor';
import { readTensor } from './input';
import { convOutputShape } from './shape';
import { readOut, readSignal, convOutput, finishOut, type OutArgument } from './out-argument';
import { runQueued, throwIfAborted } from './compute-queue';
import { encodeConvParams, native, type NativeConvParams } from './binding';

export interface Conv2DOptions {
  /** Default 1. */
  strides?: IntOrPair;
  /** 'valid' (default) or 'same', case-insensitive. */
  padding?: PaddingMode | string;
  /** Default: keras.json's image_data_format, else 'channels_last'. */
  dataFormat?: DataFormat | string | null;
  /** Default 1. */
  dilationRate?: IntOrPair;
  /** Default null (linear). */
  activation?: ActivationIdentifier;
  /**
   * Write the result into this caller-owned array instead of a new one (a `Float32Array` of the
   * result's element count, or a tensor of its shape); see `Conv2D.apply`'s `out`. It must not share
   * memory with `x`. Default: a new array.
   */
  out?: OutArgument;
  /** Cancels `conv2dAsync` before it starts (see `Conv2D.applyAsync`'s `signal`). */
  signal?: AbortSignal;
}

function prepare(xIn: TensorLike, kernelIn: TensorLike, biasIn: TensorLike | null | undefined, options: Conv2DOptions) {
  const x = readTensor(xIn, 'x');
  const kernel = readTensor(kernelIn, 'kernel');
  const bias = biasIn === null || biasIn === undefined ? null : readTensor(biasIn, 'bias');
  const strides = standardizePair(options.strides ?? 1, 'strides');
  const dilationRate = standardizePair(options.dilationRate ?? 1, 'dilation_rate');
  const padding = standardizePadding(options.padding ?? 'valid');
  const dataFormat = standardizeDataFormat(options.dataFormat);
  const activation = getActivation(options.activation ?? null);
  if (x.shape.length !== 4) throw new ValueError(`x: expected a 4-D input, received shape [${x.shape.join(', ')}]`);
  if (kernel.shape.length !== 4) {
    throw new ValueError(`kernel: expected shape (kh, kw, in_channels / groups, filters), received [${kernel.shape.join(', ')}]`);
  }
  const [kh, kw, cg, filters] = kernel.shape;
  if (kh === 0 || kw === 0 || cg === 0 || filters === 0) {
    throw new ValueError(`kernel: every dimension must be positive, received [${kernel.shape.join(', ')}]`);
  }
  const channels = dataFormat === 'channels_last' ? x.shape[3] : x.shape[1];
  if (channels % cg !== 0) {
    throw new ValueError(`kernel: the input's ${channels} channels are not a multiple of kernel.shape[2] = ${cg}`);
  }
  const groups = channels / cg;
  if (filters % groups !== 0) {
    throw new ValueError(`kernel: filters (${filters}) must be divisible by the group count ${groups} (= ${channels} channels / ${cg})`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== filters)) {
    throw new ValueError(`bias: expected shape [${filters}], received [${bias.shape.join(', ')}]`);
  }
  const outShape = convOutputShape(x.shape, { filters, kernelSize: [kh, kw], strides, dilationRate, padding, dataFormat }) as number[];
  const out = readOut(options.out, 'options.out');
  const output = convOutput(out, outShape, activation, x.data, 'x', 'options.out');
  const [n, h, w] = dataFormat === 'channels_last' ? [x.shape[0], x.shape[1], x.shape[2]] : [x.shape[0], x.shape[2], x.shape[3]];
  const params: NativeConvParams = {
    batch: n, height: h, width: w, channels,
    channelsFirst: dataFormat === 'channels_first',
    strideH: strides[0], strideW: strides[1], dilationH: dilationRate[0], dilationW: dilationRate[1],
    padding,
    activation: activation.fused ? activation.fused.name : 'linear',
    ...(activation.fused?.alpha !== undefined ? { alpha: activation.fused.alpha } : {}),
  };
  const packed = output.size > 0
    ? native().packWeights(kernel.data, bias ? bias.data : null, { kh, kw, cinPerGroup: cg, filters, groups })
    : null;
  const finish = (raw: Tensor): Tensor => finishOut(out, raw, activation, 'options.out');
  return { x, output, out, params, packed, finish };
}

/** `activation(conv(x, kernel) + bias)`, synchronously. Kernel shape `(kh, kw, in_channels / groups, filters)`. */
export function conv2d(x: TensorLike, kernel: TensorLike, bias: TensorLike | null = null, options: Conv2DOptions = {}): Tensor {
  const p = prepare(x, kernel, bias, options);
  if (p.packed) {
    // Released at once: its finalizer would only run once the event loop turns, and a loop of
    // calls that never yields would keep every call's packed weights until then.
    try {
      native().conv2d(p.packed, p.x.data, p.output.data, encodeConvParams(p.params));
    } finally {
      native().releasePackedWeights(p.packed);
    }
  }
  return p.finish(p.output);
}

/** `conv2d` with the convolution on a worker thread. */
export async function conv2dAsync(
  x: TensorLike, kernel: TensorLike, bias: TensorLike | null = null, options: Conv2DOptions = {},
): Promise<Tensor> {
  const signal = readSignal(options.signal, 'options.signal');
  const p = prepare(x, kernel, bias, options);
  if (!p.packed) {
    throwIfAborted(signal);
    return p.finish(p.output);
  }
  try {
    await runQueued(p.packed, p.x.data, p.output.data, encodeConvParams(p.params), signal, {
      input: p.x.data === (x as { data?: unknown }).data,
      output: p.output.data === p.out?.data,
      outName: 'options.out',
    });
  } finally {
    // A job holds its own share of the packed weights, so releasing the handle never waits on it.
    native().releasePackedWeights(p.packed);
  }
  return p.finish(p.output);
}
