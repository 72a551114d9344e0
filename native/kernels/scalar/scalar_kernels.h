// Portable reference microkernels (any CPU, baseline flags).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kConvF32Nhwc4x8ScalarMR = 4;
constexpr std::int64_t kConvF32Nhwc4x8ScalarNR = 8;

void conv_f32_nhwc_4x8_scalar(const ConvTile& tile, const Epilogue& epilogue);

}  // namespace simd_conv2d
