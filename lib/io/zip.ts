/**
 * Reads the members of a zip archive held in memory, as `.npz` files need: stored or deflated
 * members, listed in archive order, each checked against its CRC-32.
 *
 * fflate's `unzipSync` does not check CRCs or header signatures, so a flipped byte in a stored
 * member would come back as a wrong number; this reader walks the central directory itself,
 * bounds-checks every offset, and uses fflate only to inflate.
 */
import { inflateSync } from 'fflate';
import { FileFormatError, NpyMessages } from '../errors';

export interface ZipMember {
  name: string;
  data: Uint8Array;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** The members of the zip in `bytes`; `source` names the file in errors. */
export function readZipMembers(bytes: Uint8Array, source: string): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (detail: string): never => {
    throw new FileFormatError(source, NpyMessages.corruptZip(detail));
  };
  const end = findEndRecord(view);
  if (end < 0) throw new FileFormatError(source, NpyMessages.notZip());
  const count = view.getUint16(end + 10, true);
  const directorySize = view.getUint32(end + 12, true);
  const directoryStart = view.getUint32(end + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryStart === 0xffffffff) {
    throw new FileFormatError(source, NpyMessages.zip64());
  }
  if (directoryStart + directorySize > end) corrupt('the central directory runs past its end record');

  const members: ZipMember[] = [];
  let at = directoryStart;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directoryStart + directorySize || view.getUint32(at, true) !== DIRECTORY_ENTRY) {
      corrupt(`central directory entry ${i} is missing or damaged`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const packedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > directoryStart + directorySize) corrupt(`central directory entry ${i} runs past the directory`);
    // Bit 11 marks a UTF-8 name; Python writes ASCII names unflagged, so latin1 covers the rest.
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString(flags & 0x800 ? 'utf8' : 'latin1');
    const member = (detail: string): never => {
      throw new FileFormatError(source, NpyMessages.member(name, detail));
    };
    if (flags & 1) member('encrypted members are not supported');

    const local = view.getUint32(at + 42, true);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_HEADER) member('local header is missing or damaged');
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + packedSize > directoryStart) member('data runs past the start of the central directory');
    const packed = bytes.subarray(dataStart, dataStart + packedSize);

    const data = unpack(packed, method, size, member);
    if (data.length !== size) member(`unpacked to ${data.length} bytes, the archive says ${size}`);
    const actualCrc = crc32(data);
    if (actualCrc !== crc) member(NpyMessages.crc(crc, actualCrc));
    members.push({ name, data });
    at = next;
  }
  return members;
}

/** The end record sits in the last 22 bytes, unless an archive comment (up to 64 KiB) follows it. */
function findEndRecord(view: DataView): number {
  const last = view.byteLength - END_RECORD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (view.getUint32(at, true) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

function unpack(packed: Uint8Array, method: number, size: number, fail: (detail: string) => never): Uint8Array {
  if (method === 0) return packed;
  if (method !== 8) return fail(NpyMessages.compression(method));
  try {
    // One spare byte: fflate stops writing at the end of a given buffer, so a stream longer
    // than the archive says shows up as size + 1 instead of being cut silently.
    return inflateSync(packed, { out: new Uint8Array(size + 1) });
  } catch (e) {
    return fail(`cannot inflate: ${(e as Error).message}`);
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as zip uses. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
