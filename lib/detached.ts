/**
 * Detached buffers. `structuredClone(buf, { transfer: [buf] })`, `postMessage(buf, [buf])` and
 * `buf.transfer()` detach an ArrayBuffer: every view on it then reads as length 0, so without this
 * check a detached input would look like an empty one (and pass for a batch of 0).
 */
import { isSharedArrayBuffer } from 'node:util/types';

/** True when the (non-shared) ArrayBuffer under `view` has been detached (transferred). */
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0) return false;
  const buffer = view.buffer;
  if (isSharedArrayBuffer(buffer)) return false; // cannot be detached (util.types: any realm's)
  const flag = (buffer as { detached?: unknown }).detached; // ArrayBuffer.prototype.detached (Node >= 22)
  if (typeof flag === 'boolean') return flag;
  try {
    // Node 20 has no `detached`; constructing a view over a detached buffer throws, over an empty one it does not.
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The TypeError for an argument whose ArrayBuffer is detached. */
export function detachedError(name: string, view: ArrayBufferView): TypeError {
  return new TypeError(
    `${name}: expected a ${view.constructor.name} with live memory, received one whose ArrayBuffer is detached ` +
      '(transferred with postMessage / structuredClone / transfer()); pass a copy or a fresh array',
  );
}
