#include "cpu/cpu_features.h"

namespace simd_conv2d {

bool cpu_supports_isa(std::string_view isa) {
  if (isa == "scalar") return true;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  // libgcc's probe also checks XCR0, i.e. that the OS saves the wide
  // registers, not just that the instructions exist.
  __builtin_cpu_init();
  if (isa == "avx2") {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  if (isa == "avx512") {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  }
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
  // Advanced SIMD is part of the AArch64 base architecture.
  if (isa == "neon") return true;
#endif
  return false;
}

}  // namespace simd_conv2d
