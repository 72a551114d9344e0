// Always-on internal invariant checks.
//
// These guard the contracts between the driver and the microkernels. A broken
// contract there means reads or writes outside a buffer, so we stop the
// process with a message instead of corrupting memory; the checks run once
// per tile or per call, never per multiply-add, so they stay on in release.
#pragma once

namespace simd_conv2d {

[[noreturn]] void check_failed(const char* expr, const char* file, int line);

}  // namespace simd_conv2d

#define SC2D_CHECK(expr)                                              \
  do {                                                                \
    if (!(expr)) ::simd_conv2d::check_failed(#expr, __FILE__, __LINE__); \
  } while (0)
