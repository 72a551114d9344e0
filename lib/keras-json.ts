/**
 * Reads Keras' user config file for the default `data_format`, as Keras does:
 * `$KERAS_HOME/keras.json` when KERAS_HOME is set, else `~/.keras/keras.json`.
 * A missing or unreadable file, invalid JSON, or a value other than the two formats
 * leaves the default `channels_last` (Keras treats invalid JSON as `{}`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DataFormat } from './args';

/** The directory Keras reads its config from. */
export function kerasHome(): string {
  const fromEnv = process.env.KERAS_HOME;
  if (fromEnv) return fromEnv;
  return path.join(os.homedir(), '.keras');
}

/** `image_data_format` from keras.json, read afresh on each call (Keras reads it at construction). */
export function imageDataFormat(): DataFormat {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(kerasHome(), 'keras.json'), 'utf8'));
  } catch {
    return 'channels_last';
  }
  const value = (parsed as { image_data_format?: unknown } | null)?.image_data_format;
  return value === 'channels_first' || value === 'channels_last' ? value : 'channels_last';
}
