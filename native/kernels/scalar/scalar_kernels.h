// Portable reference microkernels (any CPU, baseline flags).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kConvF32Nhwc4x8ScalarMR = 4;
constexpr std::int64_t kConvF32Nhwc4x8ScalarNR = 8;

void conv_f32_nhwc_4x8_scalar(std::int64_t rows_valid, std::int64_t cols_valid,
                              std::int64_t taps, std::int64_t channels,
                              const float* const* indirection, const float* packed, float* out,
                              std::int64_t out_stride, const Epilogue& epilogue);

}  // namespace simd_conv2d
