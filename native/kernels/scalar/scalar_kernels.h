// Portable reference microkernels (any CPU, baseline flags).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kConvF32Nhwc4x8ScalarMR = 4;
constexpr std::int64_t kConvF32Nhwc4x8ScalarNR = 8;

void conv_f32_nhwc_4x8_scalar(const ConvTile& tile, const Epilogue& epilogue);

// Small-group tile (conv/grouped.h): 4 pixels x 8 lanes spanning groups.
constexpr std::int64_t kGconvF32NhwcScalarMR = 4;
constexpr std::int64_t kGconvF32NhwcScalarLanes = 8;
constexpr std::int64_t kGconvF32NhwcScalarWindow = 8;

void gconv_f32_nhwc_scalar(const GconvTile& tile, const Epilogue& epilogue);

// Depthwise run (conv/depthwise.h): any C, weights padded to 8 channels
// like the SIMD tables (the padding is not read).
constexpr std::int64_t kDwconvF32NhwcScalarLanes = 8;

void dwconv_f32_nhwc_scalar(const DwconvRun& run, const Epilogue& epilogue);

}  // namespace simd_conv2d
