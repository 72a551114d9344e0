/**
 * The Keras Conv2D layer: normalized args → build (weights) → apply / applyAsync.
 * Weights are packed for the native kernel once, when they change, never per call.
 */
import { normalizeArgs, type Conv2DArgs, type IntOrPair, type NormalizedConv2DArgs, type DataFormat, type PaddingMode } from './args';
import { ValueError, Messages, invalidArgument } from './errors';
import { Tensor, type TensorLike } from './tensor';
import { readPartialShape, readTensor } from './input';
import { convOutputShape, channelAxis, type PartialShape } from './shape';
import { encodeConvParams, native, type NativeConvParams, type NativePackedWeights } from './binding';
import type { Activation } from './activations';
import { getConfig, configToArgs, type Conv2DConfig } from './config';
import { readApplyOptions, convOutput, finishOut, type OutArgument, type OutTarget } from './out-argument';
import { loadConv2DWeights, saveConv2DWeights, type WeightsFileOptions } from './io/conv2d-weights';
import { conv2DFromKerasFile } from './io/keras-file';
import { runQueued, throwIfAborted } from './compute-queue';

/** Options of `apply`, `applyAsync` and `call`. */
export interface ApplyOptions {
  /**
   * Write the result into this caller-owned array instead of a new one: a `Float32Array` of the
   * result's element count, or a `Tensor` / `{ data: Float32Array, shape }` of the result's shape.
   * The returned tensor's `data` is that array (and the Tensor itself when one was passed). It must
   * not share memory with the input. With `applyAsync`, an `out` on a SharedArrayBuffer is written
   * in place by the compute thread (leave it alone until the promise settles); one on an ArrayBuffer
   * is written when the call ends, and if it was detached meanwhile the call rejects with a
   * TypeError. Default: a new array per call.
   */
  out?: OutArgument;
  /**
   * Cancels the call: with `applyAsync`, an abort before the convolution started removes it from
   * the compute queue and the promise rejects with the signal's reason (once it runs it completes);
   * `apply` only checks that the signal is not already aborted.
   */
  signal?: AbortSignal;
}

/** Everything one forward pass needs, prepared on the main thread before the native call. */
interface PreparedCall {
  input: Tensor;
  output: Tensor;
  params: NativeConvParams;
  packed: NativePackedWeights | null;
  /** The caller's `out`, or null. The kernel writes into it directly when the activation is fused. */
  out: OutTarget | null;
  signal: AbortSignal | undefined;
}

/** The most elements `build` creates a kernel of: 2^31 − 1 (8 GiB of float32). */
const MAX_KERNEL_ELEMENTS = 2 ** 31 - 1;

export class Conv2D {
  /** Keras' class name, used in serialized configs. */
  static readonly className = 'Conv2D';

  readonly name: string;
  /** Whether the weights are trainable (frozen layers contribute no weight penalties). */
  trainable: boolean;
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
  readonly dataFormat: DataFormat;
  readonly dilationRate: [number, number];
  readonly groups: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  /** Resolved arguments (initializers, regularizers, constraints), as getConfig reports them. */
  readonly args: Readonly<NormalizedConv2DArgs>;
  readonly dtype = 'float32';

  private kernelValue: Tensor | null = null;
  private biasValue: Tensor | null = null;
  private packedWeights: NativePackedWeights | null = null;
  /** The kernel set `packedWeights` was packed for; a setIsa() in between means a repack. */
  private packedIsa = '';
  private builtChannels: number | null = null;
  private activityLoss: number | null = null;

  /**
   * `new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' })`, or positionally like Keras'
   * `Conv2D(32, 3, activation='relu')`: `new Conv2D(32, 3, { activation: 'relu' })`.
   * Keras' snake_case names (`kernel_size`, …) are accepted as well as camelCase.
   */
  constructor(args: Conv2DArgs);
  constructor(filters: number, kernelSize: IntOrPair, args?: Omit<Conv2DArgs, 'filters' | 'kernelSize'>);
  constructor(
    argsOrFilters: Conv2DArgs | number,
    kernelSize?: IntOrPair,
    rest?: Omit<Conv2DArgs, 'filters' | 'kernelSize'>,
  ) {
    const args: Conv2DArgs =
      typeof argsOrFilters === 'number'
        ? { ...(rest ?? {}), filters: argsOrFilters, kernelSize: kernelSize as IntOrPair }
        : argsOrFilters;
    const a = normalizeArgs(args);
    this.args = a;
    this.name = a.name;
    this.trainable = a.trainable;
    this.filters = a.filters;
    this.kernelSize = a.kernelSize;
    this.strides = a.strides;
    this.padding = a.padding;
    this.dataFormat = a.dataFormat;
    this.dilationRate = a.dilationRate;
    this.groups = a.groups;
    this.activation = a.activation;
    this.useBias = a.useBias;
  }

  /** Builds a layer from Keras JSON (`getConfig()` output, any subset of it, or `{class_name, config}`). */
  static fromConfig(config: Conv2DConfig | Record<string, unknown>): Conv2D {
    return new this(configToArgs(config as Record<string, unknown>));
  }

  /**
   * One Conv2D of a saved Keras model (`.keras` zip): the layer named `layerName`, or the first
   * Conv2D, with its config, build shape and weights. Layers of nested models are not searched.
   */
  static async fromKerasFile(path: string, layerName?: string): Promise<Conv2D> {
    return conv2DFromKerasFile((config) => this.fromConfig(config), path, layerName);
  }

  /**
   * Loads kernel and bias from a Keras `.weights.h5` (or a `.keras` archive's weights): by default
   * the model's first Conv2D, group `layers/conv2d`. An unbuilt layer is built from the kernel's shape.
   */
  async loadWeights(path: string, options?: WeightsFileOptions): Promise<void> {
    await loadConv2DWeights(this, path, options);
  }

  /** Writes a `.weights.h5` as Keras' `save_weights` does for a Sequential holding only this layer. */
  async saveWeights(path: string, options?: WeightsFileOptions): Promise<void> {
    await saveConv2DWeights(this, path, options);
  }

  /** Keras 3 config JSON: snake_case keys in Keras' order. */
  getConfig(): Conv2DConfig {
    return getConfig(this);
  }

  get built(): boolean {
    return this.kernelValue !== null;
  }

  /** The kernel, shape `(kh, kw, inputChannels / groups, filters)` in both data formats. */
  get kernel(): Tensor {
    if (!this.kernelValue) throw new ValueError(Messages.unbuiltWeight('kernel'));
    return this.kernelValue;
  }

  /** The bias, shape `(filters)`, or null when `useBias` is false. */
  get bias(): Tensor | null {
    if (!this.built && this.useBias) throw new ValueError(Messages.unbuiltWeight('bias'));
    return this.biasValue;
  }

  /** `[kernel, bias]` (bias only with useBias); empty before build. */
  get weights(): Tensor[] {
    if (!this.kernelValue) return [];
    return this.biasValue ? [this.kernelValue, this.biasValue] : [this.kernelValue];
  }

  get trainableWeights(): Tensor[] {
    return this.trainable ? this.weights : [];
  }

  get nonTrainableWeights(): Tensor[] {
    return this.trainable ? [] : this.weights;
  }

  /** Copies of the weights, `[kernel, bias]`. */
  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.data.slice(), w.shape));
  }

  /** Replaces the weights (copied) after Keras' count and shape checks; repacks them for the kernel. */
  setWeights(weights: readonly TensorLike[]): void {
    if (!Array.isArray(weights)) {
      throw invalidArgument('weights', 'an array [kernel, bias] of tensors', weights);
    }
    const current = this.weights;
    if (current.length !== weights.length) {
      throw new ValueError(Messages.setWeightsCount(this.name, weights.length, current.length));
    }
    const values = weights.map((w, i) => {
      const shape = (w as { shape?: unknown })?.shape;
      if (Array.isArray(shape) && (shape.length !== current[i].shape.length || shape.some((d, j) => d !== current[i].shape[j]))) {
        throw new ValueError(Messages.setWeightsShape(this.name, current[i].shape, shape));
      }
      const t = readTensor(w, `weights[${i}]`);
      return new Tensor(t.data.slice(), t.shape);
    });
    this.kernelValue = values[0];
    if (this.useBias) this.biasValue = values[1];
    this.dropPacked();
  }

  /** Number of scalars in the weights. */
  countParams(): number {
    if (!this.built) throw new ValueError(Messages.countParamsUnbuilt(this.name));
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Output shape for an input shape; unknown (null) batch/spatial dims stay null. */
  computeOutputShape(inputShape: readonly (number | null)[]): (number | null)[] {
    return convOutputShape(readPartialShape(inputShape, 'inputShape'), this);
  }

  /**
   * Creates the weights for an input shape (`null` allowed for batch and spatial dims).
   * Called by the first `apply`; calling it again is a no-op, as in Keras.
   */
  build(inputShape: readonly (number | null)[]): void {
    if (this.built) return;
    const shape = readPartialShape(inputShape, 'inputShape');
    const channels = this.dataFormat === 'channels_last' ? shape[shape.length - 1] : shape[1];
    if (channels === null || channels === undefined) throw new ValueError(Messages.channelsUnknown(shape));
    if (channels % this.groups !== 0) {
      throw new ValueError(Messages.channelsGroups(this.groups, channels, shape));
    }
    convOutputShape(shape, this);
    const kernelShape = [this.kernelSize[0], this.kernelSize[1], channels / this.groups, this.filters];
    const kernelSize = kernelShape.reduce((a, b) => a * b, 1);
    if (kernelSize > MAX_KERNEL_ELEMENTS) {
      // Refused before the initializer allocates (and fills) it: an empty input that declares
      // 2^30 channels must not make the layer build a kernel of gigabytes.
      throw new RangeError(Messages.kernelTooLarge(this.name, kernelShape, kernelSize, MAX_KERNEL_ELEMENTS, shape));
    }
    const kernel = new Tensor(this.args.kernelInitializer.call(kernelShape), kernelShape);
    const bias = this.useBias ? new Tensor(this.args.biasInitializer.call([this.filters]), [this.filters]) : null;
    this.kernelValue = kernel;
    this.biasValue = bias;
    this.builtChannels = channels;
    this.dropPacked();
  }

  /** Penalties: the activity penalty of the last call, then kernel and bias penalties (trainable only). */
  get losses(): number[] {
    const out: number[] = [];
    if (this.activityLoss !== null) out.push(this.activityLoss);
    if (this.trainable && this.kernelValue) {
      if (this.args.kernelRegularizer) out.push(this.args.kernelRegularizer.call(this.kernelValue));
      if (this.args.biasRegularizer && this.biasValue) out.push(this.args.biasRegularizer.call(this.biasValue));
    }
    return out;
  }

  /** Projects the weights through their constraints: what an optimizer calls after each update. */
  applyConstraints(): void {
    if (!this.trainable || !this.kernelValue) return;
    const project = (w: Tensor, c: NormalizedConv2DArgs['kernelConstraint'], what: string): Tensor => {
      if (!c) return w;
      const r = readTensor(c.call(w), `${what} constraint result`);
      if (r.shape.length !== w.shape.length || r.shape.some((d, i) => d !== w.shape[i])) {
        throw new ValueError(`The ${what} constraint must return a tensor of the same shape ${JSON.stringify(w.shape)}; it returned ${JSON.stringify(r.shape)}.`);
      }
      return r;
    };
    this.kernelValue = project(this.kernelValue, this.args.kernelConstraint, 'kernel');
    if (this.biasValue) this.biasValue = project(this.biasValue, this.args.biasConstraint, 'bias');
    this.dropPacked();
  }

  /** Runs the layer on the calling thread: `activation(conv2d(x, kernel) + bias)`. */
  apply(x: TensorLike, options?: ApplyOptions): Tensor {
    const call = this.prepare(x, options);
    throwIfAborted(call.signal);
    if (call.packed) native().conv2d(call.packed, call.input.data, call.output.data, encodeConvParams(call.params));
    return this.finish(call);
  }

  /**
   * The same as `apply`, with the convolution on the compute queue's thread, leaving the event loop
   * free. An input on an ArrayBuffer is copied when called (the call sees it as it was then, and
   * transferring it afterwards is harmless); one on a SharedArrayBuffer is read in place when the
   * call runs, so leave it unchanged until the promise settles.
   */
  async applyAsync(x: TensorLike, options?: ApplyOptions): Promise<Tensor> {
    const call = this.prepare(x, options);
    if (call.packed) {
      await runQueued(call.packed, call.input.data, call.output.data, encodeConvParams(call.params), call.signal, {
        input: call.input.data === (x as { data?: unknown }).data,
        output: call.output.data === call.out?.data,
        outName: 'out',
      });
    } else {
      throwIfAborted(call.signal);
    }
    return this.finish(call);
  }

  /** Alias of `apply`, named like Keras' `layer(x)` / tfjs' `layer.call(x)`. */
  call(x: TensorLike, options?: ApplyOptions): Tensor {
    return this.apply(x, options);
  }

  private prepare(x: TensorLike, options: ApplyOptions | undefined): PreparedCall {
    const { out, signal } = readApplyOptions(options);
    const input = readTensor(x, 'inputs');
    const shape = input.shape;
    this.activityLoss = null;
    if (shape.length < 4) throw new ValueError(Messages.minNdim(this.name, shape));
    if (this.built) {
      // Keras' InputSpec axes check runs at every rank >= 4, before the rank-4 check of the conv:
      // axis -1 (channels_last) or 1 (channels_first).
      const axis = this.dataFormat === 'channels_last' ? shape.length - 1 : channelAxis(this.dataFormat);
      if (shape[axis] !== this.builtChannels) {
        throw new ValueError(
          Messages.channelAxis(this.name, this.dataFormat === 'channels_last' ? -1 : 1, this.builtChannels as number, shape),
        );
      }
    } else {
      this.build(shape);
    }
    const outShape = convOutputShape(shape, this) as number[];
    const fused = this.activation.fused;
    const output = convOutput(out, outShape, this.activation, input.data, 'the input');
    const [n, c, h, w] =
      this.dataFormat === 'channels_last' ? [shape[0], shape[3], shape[1], shape[2]] : [shape[0], shape[1], shape[2], shape[3]];
    const params: NativeConvParams = {
      batch: n,
      height: h,
      width: w,
      channels: c,
      channelsFirst: this.dataFormat === 'channels_first',
      strideH: this.strides[0],
      strideW: this.strides[1],
      dilationH: this.dilationRate[0],
      dilationW: this.dilationRate[1],
      padding: this.padding,
      activation: fused ? fused.name : 'linear',
      ...(fused?.alpha !== undefined ? { alpha: fused.alpha } : {}),
    };
    // An empty output (batch 0, or a zero spatial dim with 'same') needs no native call.
    return { input, output, params, packed: output.size > 0 ? this.packed() : null, out, signal };
  }

  private finish(call: PreparedCall): Tensor {
    const out = finishOut(call.out, call.output, this.activation);
    const reg = this.args.activityRegularizer;
    if (reg) {
      const batch = out.shape[0];
      this.activityLoss = batch === 0 ? 0 : Math.fround(reg.call(out) / batch);
    }
    return out;
  }

  /**
   * Frees the packed copy now rather than when its handle is finalized (Node-API finalizers wait
   * for the event loop, so a loop of setWeights + apply that never yields would pile them up).
   * Calls already queued hold their own share of it.
   */
  private dropPacked(): void {
    if (this.packedWeights) native().releasePackedWeights(this.packedWeights);
    this.packedWeights = null;
  }

  private packed(): NativePackedWeights {
    const isa = native().getIsa();
    if (!this.packedWeights || this.packedIsa !== isa) {
      this.dropPacked();
      this.packedIsa = isa;
      const k = this.kernel;
      this.packedWeights = native().packWeights(k.data, this.biasValue ? this.biasValue.data : null, {
        kh: k.shape[0],
        kw: k.shape[1],
        cinPerGroup: k.shape[2],
        filters: k.shape[3],
        groups: this.groups,
      });
    }
    return this.packedWeights;
  }
}

/** Keras' alias: the same class. */
export const Convolution2D = Conv2D;
export type Convolution2D = Conv2D;

export type { PartialShape };
