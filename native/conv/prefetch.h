// Prefetching the output lines a tile is about to store into.
//
// `apply` writes into a new array each call, and V8 frees old ones only when
// it collects garbage, so in a loop the outputs cycle through tens of
// megabytes that have left the caches. The SIMD tiles store a few pixels'
// channels at a time, each pixel's row a separate stream; without help every
// first store to a line waits for it to come from memory. Touching the
// tile's lines when the driver sets the tile up lets those fetches overlap
// the tile's arithmetic. (A read prefetch: the baseline x86-64 driver has no
// write-prefetch instruction; the line then only changes state on the store.)
//
// Into L2 (prefetcht2), not L1: a 1x1 tile's outputs are 12 rows x 1 KiB =
// 192 lines, far more misses than L1 can track at once, and on Zen 4 the
// prefetcht0 form left L3's `apply` (a new 3 MiB output each call, one
// thread) at 1.33 ms against 0.99 ms into a reused array; into L2 it is
// 1.09-1.13 ms (bench/fresh-output.js, medians; 2 threads 0.66 -> 0.58 ms).
// The stores then find their lines in L2, a few cycles away.
//
// Measured with `apply` in a loop (new output each call), Zen 3, best of
// alternating runs: grouped L9 0.78 -> 0.62 ms at 2 threads and 1.34 -> 1.00
// ms at 1; L2 1.73 -> 1.62 ms, L12 3.59 -> 3.42 ms at 2 threads. Into a
// reused (cached) output the C++ core timed the same within noise. The
// depthwise kernels prefetch the next output row as they store this one
// (conv/depthwise.cc).
#pragma once

#include <cstdint>

namespace simd_conv2d {

inline void prefetch_output(const float* first, std::int64_t floats) {
#if defined(__GNUC__) || defined(__clang__)
  constexpr std::uintptr_t kLine = 64;
  const auto begin = reinterpret_cast<std::uintptr_t>(first) & ~(kLine - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(first + floats);
  for (std::uintptr_t a = begin; a < end; a += kLine) {
    __builtin_prefetch(reinterpret_cast<const void*>(a), 1, 1);  // prefetcht2: into L2
  }
#else
  (void)first;
  (void)floats;
#endif
}

}  // namespace simd_conv2d
