// Recycled large buffers.
//
// A fresh multi-megabyte allocation comes from the OS as untouched pages, and
// the first write to each 4 KiB page faults. On virtual machines that costs
// microseconds per page: writing a fresh 3.2 MB array measured about 2 ms of
// faults against 0.9 ms for the convolution that fills it. So the driver's
// large temporaries (the channels_first layout copies) and packed weights come
// from blocks kept after use (already faulted in), up to a cap; small buffers
// use plain allocation.
//
// Not used for arrays handed to JS: Node-API runs their finalizers only when
// the event loop turns, so a synchronous loop of calls would never get its
// blocks back.
#pragma once

#include <cstddef>

namespace simd_conv2d {

inline constexpr std::size_t kPoolMinBytes = std::size_t{1} << 20;
inline constexpr std::size_t kPoolMaxCachedBytes = std::size_t{64} << 20;
inline constexpr std::size_t kPoolAlignment = 64;

// A 64-byte aligned, uninitialised block of at least `bytes`. Thread-safe.
// Throws std::bad_alloc.
void* pool_acquire(std::size_t bytes);

// Returns a block from pool_acquire (with the same `bytes`), from any thread.
void pool_release(void* block, std::size_t bytes) noexcept;

// Bytes currently kept for reuse (for tests).
std::size_t pool_cached_bytes() noexcept;

}  // namespace simd_conv2d
