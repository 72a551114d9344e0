/**
 * `--seed N` with `--random-weights`: the layer's own initializers, made reproducible. The kernel
 * initializer gets seed N and the bias initializer seed N + 1 (so equal distributions do not give
 * equal draws), where they take a seed at all (Zeros, Constant, Identity... do not and are
 * deterministic anyway).
 */
import { Conv2D } from '../conv2d';

type Json = Record<string, unknown>;

const isDict = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

// Keras' default for kernel_initializer=None, spelled out so it can carry a seed.
const DEFAULT_KERNEL_INITIALIZER = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };

function withSeed(initializer: unknown, seed: number): unknown {
  if (isDict(initializer) && isDict(initializer.config) && 'seed' in initializer.config) {
    return { ...initializer, config: { ...initializer.config, seed } };
  }
  return initializer;
}

/** The config with its initializers seeded; names such as 'glorot_uniform' are resolved first. */
export function seededConfig(config: Json, seed: number): Json {
  // getConfig() spells every initializer out as {class_name, config}, whatever form the file used.
  const full = Conv2D.fromConfig(config).getConfig() as unknown as Json;
  return {
    ...full,
    kernel_initializer: withSeed(full.kernel_initializer ?? DEFAULT_KERNEL_INITIALIZER, seed),
    bias_initializer: withSeed(full.bias_initializer, seed + 1),
  };
}
