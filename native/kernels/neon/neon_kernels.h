// AArch64 Advanced SIMD (NEON) microkernels. Declared for every target so the
// registry and the tests can name them; defined only where
// SIMD_CONV2D_HAVE_NEON is (AArch64 builds). This header must not include
// <arm_neon.h>.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kConvF32Nhwc8x8NeonMR = 8;
constexpr std::int64_t kConvF32Nhwc8x8NeonNR = 8;

void conv_f32_nhwc_8x8_neon(const ConvTile& tile, const Epilogue& epilogue);

// Small-group tile (GconvTile): up to 8 output pixels x 8 lanes (two q
// registers), windows of 4 floats.
constexpr std::int64_t kGconvF32Nhwc8x8NeonMR = 8;
constexpr std::int64_t kGconvF32Nhwc8x8NeonLanes = 8;
constexpr std::int64_t kGconvF32Nhwc8x8NeonWindow = 4;

void gconv_f32_nhwc_8x8_neon(const GconvTile& tile, const Epilogue& epilogue);

// Depthwise run (conv/depthwise.h): tiles of 8 pixels x 4 channels.
constexpr std::int64_t kDwconvF32NhwcNeonLanes = 4;

void dwconv_f32_nhwc_neon(const DwconvRun& run, const Epilogue& epilogue);

}  // namespace simd_conv2d
