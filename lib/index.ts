/** simd-conv2d: the Keras Conv2D layer for Node.js over a native SIMD kernel. */
export { Conv2D, Convolution2D, type ApplyOptions } from './conv2d';
export type { OutArgument } from './out-argument';
export { conv2d, conv2dAsync, type Conv2DOptions } from './functional';
export { Tensor, tensor, zeros, sizeOf, type TensorLike } from './tensor';
export { ValueError, NotImplementedError, FileFormatError } from './errors';
export { readKerasArchive, type KerasArchive } from './io/keras-archive';
export type { WeightsFileOptions } from './io/conv2d-weights';
export { readNpy, writeNpy, readNpz, decodeNpy, encodeNpy, decodeNpz } from './io/npy';
export type {
  Conv2DArgs, DataFormat, PaddingMode, IntOrPair, ActivationIdentifier, InitializerIdentifier,
  RegularizerIdentifier, ConstraintIdentifier,
} from './args';
export type { Conv2DConfig } from './config';
export * as activations from './activations';
export * as initializers from './initializers';
export * as regularizers from './regularizers';
export * as constraints from './constraints';
export { info, getIsa, setIsa, setNumThreads, getNumThreads } from './runtime';
export { getStats, type ComputeStats } from './compute-queue';
