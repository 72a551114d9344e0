/**
 * Output storage for the native kernels, which write every element of it.
 *
 * `new Float32Array(n)` asks the allocator for zeroed memory; for outputs of a few hundred KiB and
 * up that is a fresh mapping every call, and the kernels then pay one page fault per 4 KiB while
 * they store (measured ~1 ms of a 1.8 ms ResNet 1x1 layer, worse with two threads faulting at
 * once). `Buffer.allocUnsafeSlow` takes plain malloc memory instead, which reuses what earlier
 * outputs freed: already mapped, so the stores run at cache speed. Its contents are stale until the
 * kernel overwrites them, so only callers that hand the array to a kernel that fills it use this;
 * an output is never returned to the user after a failed call.
 *
 * allocUnsafeSlow (not allocUnsafe) so small outputs get an ArrayBuffer of their own rather than a
 * slice of Node's shared pool: a user may transfer or detach `output.data.buffer`.
 */
export function uninitializedFloat32(length: number): Float32Array {
  if (length === 0) return new Float32Array(0);
  const bytes = Buffer.allocUnsafeSlow(length * 4);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}
