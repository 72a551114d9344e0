/**
 * A `.keras` model archive (spec section 11; saving_lib.py): a zip holding `metadata.json`,
 * `config.json` (the serialized model) and `model.weights.h5` (the weights, laid out as a
 * `.weights.h5`). The zip reader checks every member's CRC, as Python's zipfile stores members
 * uncompressed and a damaged byte would otherwise read as a wrong weight.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { FileFormatError, KerasFileMessages, NpyMessages, invalidArgument } from '../errors';
import { readZipMembers, type ZipMember } from './zip';

export interface KerasArchive {
  /** The archive's path, as given. */
  path: string;
  /** The member names, in archive order. */
  members: string[];
  /** `metadata.json` (`keras_version`, `date_saved`), or null when the archive has none (Keras never reads it). */
  metadata: Record<string, unknown> | null;
  /** `config.json`: `{ module, class_name, config: { name, layers, ... }, build_config, ... }`. */
  config: Record<string, unknown>;
  /** The bytes of `model.weights.h5`, or null when the archive has none. */
  weights: Uint8Array | null;
}

const ZIP_LOCAL_HEADER = Buffer.from('PK\x03\x04', 'latin1');
const ZIP_EMPTY_ARCHIVE = Buffer.from('PK\x05\x06', 'latin1');

/** Reads a `.keras` archive: its JSON members parsed, its weights as bytes. */
export function readKerasArchive(path: string): KerasArchive {
  if (typeof path !== 'string' || path === '') throw invalidArgument('path', 'a path to a .keras file', path);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileFormatError(path, code === 'EISDIR' ? KerasFileMessages.isDirectory() : KerasFileMessages.noSuchFile());
  }
  const head = bytes.subarray(0, 4);
  if (!head.equals(ZIP_LOCAL_HEADER) && !head.equals(ZIP_EMPTY_ARCHIVE)) throw new FileFormatError(path, KerasFileMessages.notZip());
  const members = readZipMembersOfKerasFile(bytes, path);
  const member = (name: string): Uint8Array | null => members.find((m) => m.name === name)?.data ?? null;
  const json = (name: string): Record<string, unknown> | null => {
    const data = member(name);
    if (!data) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(data).toString('utf8'));
    } catch (e) {
      throw new FileFormatError(path, KerasFileMessages.badJson(name, (e as Error).message));
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new FileFormatError(path, KerasFileMessages.badJson(name, 'expected a JSON object'));
    }
    return parsed as Record<string, unknown>;
  };
  const config = json('config.json');
  if (!config) throw new FileFormatError(path, KerasFileMessages.missingMember('config.json'));
  return {
    path,
    members: members.map((m) => m.name),
    metadata: json('metadata.json'),
    config,
    weights: member('model.weights.h5'),
  };
}

/** The zip reader was written for .npz files; its one .npz-worded error gets .keras words here. */
function readZipMembersOfKerasFile(bytes: Uint8Array, path: string): ZipMember[] {
  try {
    return readZipMembers(bytes, path);
  } catch (e) {
    if (e instanceof FileFormatError && e.message === new FileFormatError(path, NpyMessages.notZip()).message) {
      throw new FileFormatError(path, KerasFileMessages.truncatedZip());
    }
    throw e;
  }
}

/**
 * Writes the archive's `model.weights.h5` to a private temporary directory (h5wasm opens files by
 * path), runs `fn` on that file and removes the directory, whatever `fn` does.
 */
export async function withArchiveWeightsFile<T>(archive: KerasArchive, fn: (h5File: string) => Promise<T>): Promise<T> {
  if (!archive.weights) {
    const npz = archive.members.includes('model.weights.npz');
    throw new FileFormatError(archive.path, npz ? KerasFileMessages.npzWeights() : KerasFileMessages.noWeightsMember());
  }
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'simd-conv2d-keras-'));
  try {
    const file = nodePath.join(dir, 'model.weights.h5');
    fs.writeFileSync(file, archive.weights);
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
