/**
 * HDF5 through h5wasm: loaded once, on first use, and only by code that reads or writes `.h5`
 * files, so `require('simd-conv2d')` stays cheap and works where h5wasm cannot load.
 *
 * h5wasm's default HDF5 error handler prints a multi-screen `HDF5-DIAG` stack to stderr and then
 * returns quietly; we switch it to h5wasm's throwing handler and check a file's signature before
 * opening it, so a bad file ends in one FileFormatError naming the file instead.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type * as H5 from 'h5wasm';
import { FileFormatError, KerasFileMessages } from '../errors';

export type H5Api = typeof H5;
export type H5File = H5.File;
export type H5Group = H5.Group;
export type H5Dataset = H5.Dataset;

// TypeScript compiles `import()` to `require()` under module=commonjs, and h5wasm is ESM only;
// a Function body is left alone, so this stays a real dynamic import. The body is unique per
// load of this module: V8 caches compiled Function bodies by their text together with the
// loader that first compiled them, and where modules are loaded again in fresh contexts (Jest
// test files) a cached body would import through a loader already torn down.
const importEsm = new Function(
  'specifier',
  `return import(specifier); // ${process.hrtime.bigint()}-${Math.random()}`,
) as (specifier: string) => Promise<unknown>;

let loading: Promise<H5Api> | null = null;

/** The h5wasm module, ready to use. */
export function h5wasm(): Promise<H5Api> {
  loading ??= load().catch((e: unknown) => {
    loading = null; // let a later call try again (e.g. after the package was installed)
    throw e;
  });
  return loading;
}

async function load(): Promise<H5Api> {
  let api: H5Api;
  try {
    const imported = (await importEsm('h5wasm/node')) as { default?: H5Api } & H5Api;
    api = imported.default ?? imported;
    await api.ready;
  } catch (e) {
    throw new Error(KerasFileMessages.h5wasmUnavailable(e instanceof Error ? e.message : String(e)));
  }
  // Module is set once `ready` resolves; the handler is process-wide inside the wasm instance.
  const module = (await api.ready) as unknown as { activate_throwing_error_handler(): number };
  module.activate_throwing_error_handler();
  return api;
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Whether the file carries the HDF5 format signature. HDF5 looks for it at byte 0 and then at
 * 512, 1024, 2048, ... (a user block may precede the superblock), and so do we.
 */
export function hasHdf5Signature(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (fs.readSync(fd, head, 0, head.length, offset) === head.length && head.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** Throws the FileFormatError a user should see when `file` is missing, a directory, or not HDF5. */
export function assertReadableHdf5(file: string, shown: string = file): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new FileFormatError(shown, KerasFileMessages.noSuchFile());
  }
  if (stat.isDirectory()) throw new FileFormatError(shown, KerasFileMessages.isDirectory());
  if (!hasHdf5Signature(file)) throw new FileFormatError(shown, KerasFileMessages.notHdf5());
}

/**
 * The last `minor:` line of an HDF5 error stack ("File has been truncated"), which says what went
 * wrong in words; the rest is source locations.
 */
export function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const minors = [...text.matchAll(/minor:\s*(.+)/g)].map((m) => m[1].trim());
  return minors.length > 0 ? minors[minors.length - 1] : text.trim().split('\n')[0];
}

/**
 * Opens `file` read-only, runs `fn` and closes the file whatever happens. `shown` is the name
 * errors use (the `.keras` archive when `file` is its extracted member).
 */
export async function readHdf5<T>(file: string, fn: (f: H5File) => T, shown: string = file): Promise<T> {
  assertReadableHdf5(file, shown);
  const api = await h5wasm();
  let f: H5File;
  try {
    f = new api.File(nodePath.resolve(file), 'r');
  } catch (e) {
    throw new FileFormatError(shown, KerasFileMessages.corruptHdf5(hdf5Reason(e)));
  }
  try {
    return fn(f);
  } catch (e) {
    // HDF5 failing halfway through (a damaged object header) throws an Error holding its stack.
    if (e instanceof Error && e.constructor === Error && /major:/.test(e.message)) {
      throw new FileFormatError(shown, KerasFileMessages.corruptHdf5(hdf5Reason(e)));
    }
    throw e;
  } finally {
    closeQuietly(f);
  }
}

/** Creates (or truncates) `file`, runs `fn` and closes the file; on failure the partial file is removed. */
export async function writeHdf5(file: string, fn: (f: H5File) => void): Promise<void> {
  const api = await h5wasm();
  const absolute = nodePath.resolve(file);
  // Node says why a path cannot be written (no such directory, permission, a directory) in
  // plain words; HDF5 only says "unable to open file".
  try {
    fs.closeSync(fs.openSync(absolute, 'w'));
  } catch (e) {
    throw new FileFormatError(file, KerasFileMessages.cannotCreate((e as NodeJS.ErrnoException).code ?? String(e)));
  }
  let f: H5File;
  try {
    f = new api.File(absolute, 'w');
  } catch (e) {
    fs.rmSync(absolute, { force: true });
    throw new FileFormatError(file, KerasFileMessages.cannotCreate(hdf5Reason(e)));
  }
  try {
    fn(f);
  } catch (e) {
    closeQuietly(f);
    fs.rmSync(absolute, { force: true });
    throw e;
  }
  f.close();
}

function closeQuietly(f: H5File): void {
  try {
    f.close();
  } catch {
    // Closing a file HDF5 already gave up on can fail too; the first error is the one to report.
  }
}
