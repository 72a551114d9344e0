// Validates a ConvParams and derives every size the driver uses.
//
// All arithmetic is int64 with overflow checks, and every dimension has a
// hard ceiling, so later index computations (products of these values)
// cannot overflow and allocations stay bounded. Invalid input produces an
// error message, never a crash.
#pragma once

#include <cstdint>
#include <string>

#include "conv/params.h"

namespace simd_conv2d {

struct ConvLimits {
  static constexpr std::int64_t kMaxDim = std::int64_t{1} << 30;  // N, H, W, C, F, groups
  static constexpr std::int64_t kMaxStride = std::int64_t{1} << 30;  // stride, dilation
  static constexpr std::int64_t kMaxKernelDim = std::int64_t{1} << 20;  // kh, kw
  // kh*kw; bounds the per-tile indirection buffer (taps * MR pointers).
  static constexpr std::int64_t kMaxTaps = std::int64_t{1} << 20;
  // Any tensor (input, output, weights, packed weights), in elements. Far
  // below int64 overflow after scaling by sizeof(float) and below 2^53, so
  // the count is exact in a JS number.
  static constexpr std::int64_t kMaxElements = std::int64_t{1} << 46;
};

struct ConvPlan {
  ConvParams params;
  std::int64_t out_h = 0;
  std::int64_t out_w = 0;
  std::int64_t pad_top = 0;
  std::int64_t pad_bottom = 0;
  std::int64_t pad_left = 0;
  std::int64_t pad_right = 0;
  std::int64_t cin_per_group = 0;
  std::int64_t filters_per_group = 0;
  std::int64_t taps = 0;             // kh * kw
  std::int64_t pixels = 0;           // batch * out_h * out_w: the GEMM M
  std::int64_t input_elements = 0;   // batch * height * width * channels
  std::int64_t output_elements = 0;  // batch * out_h * out_w * filters
};

// Fills *plan and returns true, or returns false with a one-sentence *error
// (no prefix; the caller names the operation). batch may be 0.
bool plan_conv2d(const ConvParams& params, ConvPlan* plan, std::string* error);

// Output size and (before, after) pads along one axis. Exposed for tests.
// Preconditions: the arguments passed plan_conv2d's range checks.
bool plan_axis(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
               Padding padding, std::int64_t* out, std::int64_t* pad_before,
               std::int64_t* pad_after);

}  // namespace simd_conv2d
