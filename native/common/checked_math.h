// int64 arithmetic that reports overflow instead of wrapping.
//
// Every size that reaches an allocation or an index is derived from user
// input, so products and sums are formed only through these helpers.
#pragma once

#include <cstdint>
#include <limits>

namespace simd_conv2d {

inline bool checked_mul(std::int64_t a, std::int64_t b, std::int64_t* out) {
#if defined(__GNUC__) || defined(__clang__)
  return !__builtin_mul_overflow(a, b, out);
#else
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if (a == 0 || b == 0) { *out = 0; return true; }
  if (a > 0 ? (b > 0 ? a > kMax / b : b < kMin / a)
            : (b > 0 ? a < kMin / b : a < kMax / b)) {
    return false;
  }
  *out = a * b;
  return true;
#endif
}

inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t* out) {
#if defined(__GNUC__) || defined(__clang__)
  return !__builtin_add_overflow(a, b, out);
#else
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if ((b > 0 && a > kMax - b) || (b < 0 && a < kMin - b)) return false;
  *out = a + b;
  return true;
#endif
}

// Product of n factors; false on overflow.
inline bool checked_product(const std::int64_t* factors, int n, std::int64_t* out) {
  std::int64_t acc = 1;
  for (int i = 0; i < n; ++i) {
    if (!checked_mul(acc, factors[i], &acc)) return false;
  }
  *out = acc;
  return true;
}

// For a >= 0, b > 0 with a + b not overflowing (callers bound both first).
inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace simd_conv2d
