/**
 * NumPy `.npy` and `.npz` files for tensors: float32 in C (row-major) order, as NumPy's
 * `np.save` / `np.savez` / `np.savez_compressed` write them.
 *
 * Reading accepts format versions 1.0, 2.0 and 3.0, any header padding, and both byte orders
 * ('<f4', and '>f4', which is byte-swapped on read). Anything else (another dtype, Fortran order,
 * a truncated or padded data section, a damaged header) is a FileFormatError naming the file.
 * Writing produces exactly what `np.save` (NumPy 1.24) writes for a float32 C-order array:
 * version 1.0, or 2.0 when the header outgrows version 1.0's 16-bit length field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FileFormatError, NpyMessages, invalidArgument, pyTuple } from '../errors';
import { Tensor } from '../tensor';
import { parseNpyHeader, type PyValue } from './npy-header';
import { readZipMembers } from './zip';

/** What `encodeNpy` / `writeNpy` accept: a Tensor, or anything shaped like one. */
export interface NpyArray {
  data: Float32Array | ArrayLike<number>;
  shape: readonly number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Magic plus the two version bytes. */
const PREFIX_LENGTH = 8;
/** NumPy aligns the data on 64 bytes so that it can be memory-mapped for any dtype. */
const ALIGN = 64;
/** NumPy leaves room for the first axis to grow to 21 digits, so the header can be rewritten in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** The element count beyond which a shape is refused: 32-bit signed indexing everywhere downstream. */
const MAX_ELEMENTS = 2 ** 31 - 1;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Decodes a `.npy` file's bytes; `source` names it in errors. The tensor owns a fresh buffer. */
export function decodeNpy(bytes: Uint8Array, source = '<npy>'): Tensor {
  return decode(bytes, (message) => {
    throw new FileFormatError(source, message);
  });
}

function decode(bytes: Uint8Array, fail: (message: string) => never): Tensor {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('bytes', 'a Uint8Array', bytes);
  if (bytes.length < PREFIX_LENGTH + 2) fail(NpyMessages.tooShort(bytes.length));
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail(NpyMessages.magic(hexBytes(bytes.subarray(0, 6))));
  const [major, minor] = [bytes[6], bytes[7]];
  if (minor !== 0 || major < 1 || major > 3) fail(NpyMessages.version(major, minor));

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < PREFIX_LENGTH + lengthSize) fail(NpyMessages.tooShort(bytes.length));
  const headerLength = lengthSize === 2 ? view.getUint16(PREFIX_LENGTH, true) : view.getUint32(PREFIX_LENGTH, true);
  const headerStart = PREFIX_LENGTH + lengthSize;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(NpyMessages.headerPastEnd(headerLength, bytes.length - headerStart));

  const header = parseNpyHeader(headerText(bytes.subarray(headerStart, dataStart), major, fail), fail);
  const littleEndian = checkDescr(header.descr, fail);
  if (header.fortranOrder) fail(NpyMessages.fortranOrder());
  const shapeText = tupleText(header.shape);
  const size = elementCount(header.shape, () => fail(NpyMessages.tooManyElements(shapeText, MAX_ELEMENTS)));

  const expectedBytes = size * 4;
  const receivedBytes = bytes.length - dataStart;
  if (receivedBytes !== expectedBytes) fail(NpyMessages.dataLength(expectedBytes, receivedBytes, shapeText));
  // Always a copy: the input may be a pooled Buffer or start at an offset not divisible by 4.
  const data = new Float32Array(size);
  const dataBytes = new Uint8Array(data.buffer);
  dataBytes.set(bytes.subarray(dataStart));
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes32(dataBytes);
  return new Tensor(data, header.shape.map(Number));
}

/** Versions 1.0 and 2.0 store the header in latin1, 3.0 in UTF-8. */
function headerText(bytes: Uint8Array, major: number, fail: (message: string) => never): string {
  if (major < 3) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(NpyMessages.headerEncoding());
  }
}

/** Accepts float32 in either byte order; returns whether the data is little-endian. */
function checkDescr(descr: PyValue, fail: (message: string) => never): boolean {
  if (descr === '<f4') return true;
  if (descr === '>f4') return false;
  return fail(NpyMessages.dtype(describeDescr(descr)));
}

/** `dtype '<f8' (float64)` for a plain dtype string, `a structured dtype` for a field list. */
function describeDescr(descr: PyValue): string {
  if (typeof descr !== 'string') return 'a structured dtype';
  const match = /^[<>|=]?([fiucb])(\d+)$/.exec(descr);
  const kinds: Record<string, string> = { f: 'float', i: 'int', u: 'uint', c: 'complex' };
  if (!match) return `dtype '${descr}'`;
  const name = match[1] === 'b' ? 'bool' : `${kinds[match[1]]}${Number(match[2]) * 8}`;
  return `dtype '${descr}' (${name})`;
}

/** The product of the shape, refusing any axis or product over MAX_ELEMENTS (even with a zero axis). */
function elementCount(shape: readonly bigint[], tooMany: () => never): number {
  const limit = BigInt(MAX_ELEMENTS);
  if (shape.some((d) => d > limit)) tooMany();
  const size = shape.reduce((a, b) => a * b, 1n);
  return size > limit ? tooMany() : Number(size);
}

/** Python's repr of the shape tuple, with every digit (the entries may not fit in a number). */
function tupleText(shape: readonly bigint[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function swapBytes32(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    const [a, b] = [bytes[i], bytes[i + 1]];
    bytes[i] = bytes[i + 3];
    bytes[i + 1] = bytes[i + 2];
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Encodes a float32 array as `np.save` would: little-endian '<f4', C order. */
export function encodeNpy(t: NpyArray): Uint8Array {
  const data = toFloat32(t);
  const header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${pyTuple(t.shape)}, }` +
    ' '.repeat(t.shape.length > 0 ? Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(t.shape[0]).length) : 0);
  // The header ends with padding spaces and '\n' so the data starts on a 64-byte boundary;
  // NumPy pads by a full 64 when it is already aligned, and so does this, to match byte for byte.
  const padded = (lengthSize: number) => {
    const withNewline = header.length + 1;
    return withNewline + ALIGN - ((PREFIX_LENGTH + lengthSize + withNewline) % ALIGN);
  };
  const major = padded(2) <= 0xffff ? 1 : 2;
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = padded(lengthSize);
  const dataStart = PREFIX_LENGTH + lengthSize + headerLength;

  const out = new Uint8Array(dataStart + data.byteLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC);
  out.set([major, 0], 6);
  if (lengthSize === 2) view.setUint16(PREFIX_LENGTH, headerLength, true);
  else view.setUint32(PREFIX_LENGTH, headerLength, true);
  out.fill(0x20, PREFIX_LENGTH + lengthSize, dataStart - 1);
  out.set(Buffer.from(header, 'latin1'), PREFIX_LENGTH + lengthSize);
  out[dataStart - 1] = 0x0a;
  const dataBytes = out.subarray(dataStart);
  dataBytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!HOST_LITTLE_ENDIAN) swapBytes32(dataBytes);
  return out;
}

/** Checks `t` and returns its data as a Float32Array (the same one when it already is). */
function toFloat32(t: NpyArray): Float32Array {
  if (t === null || typeof t !== 'object') throw invalidArgument('tensor', 'an object with data and shape', t);
  const { data, shape } = t;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalidArgument('shape', 'an array of non-negative integers', shape);
  }
  const isArrayLike = data !== null && typeof data === 'object' && typeof (data as ArrayLike<number>).length === 'number';
  if (!isArrayLike) throw invalidArgument('data', 'a Float32Array or an array-like of numbers', data);
  if (!(data instanceof Float32Array)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') throw invalidArgument(`data[${i}]`, 'a number', data[i]);
    }
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new RangeError(NpyMessages.elementCount(size, shape, data.length));
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/** Reads a `.npy` file holding a float32 C-order array. */
export function readNpy(path: string): Tensor {
  return decodeNpy(readFile(path), path);
}

/** Writes `t` as a `.npy` file (float32, C order). */
export function writeNpy(path: string, t: NpyArray): void {
  if (typeof path !== 'string') throw invalidArgument('path', 'a file path string', path);
  writeFileSync(path, encodeNpy(t));
}

/** Decodes a `.npz` archive's bytes; keys are member names without '.npy', in archive order. */
export function decodeNpz(bytes: Uint8Array, source = '<npz>'): Map<string, Tensor> {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument('bytes', 'a Uint8Array', bytes);
  const tensors = new Map<string, Tensor>();
  for (const { name, data } of readZipMembers(bytes, source)) {
    const key = name.endsWith('.npy') ? name.slice(0, -4) : name;
    if (tensors.has(key)) throw new FileFormatError(source, NpyMessages.duplicateMember(key));
    tensors.set(key, decode(data, (message) => {
      throw new FileFormatError(source, NpyMessages.member(name, message));
    }));
  }
  return tensors;
}

/** Reads a `.npz` archive (`np.savez` or `np.savez_compressed`) of float32 C-order arrays. */
export function readNpz(path: string): Map<string, Tensor> {
  return decodeNpz(readFile(path), path);
}

function readFile(path: string): Uint8Array {
  if (typeof path !== 'string') throw invalidArgument('path', 'a file path string', path);
  try {
    return readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new FileFormatError(path, err.code === 'ENOENT' ? NpyMessages.noSuchFile() : NpyMessages.unreadable(err.message));
  }
}
