#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace simd_conv2d {

void check_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "simd-conv2d: internal check failed: %s (%s:%d)\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace simd_conv2d
