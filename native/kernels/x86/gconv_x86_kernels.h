// The x86 small-group kernels (GconvTile, kernel_table.h; conv/grouped.h),
// as seen from baseline code: declarations and constants only. Definitions
// live in native/kernels/avx2/, compiled with the AVX2 flags; call them only
// when cpu_supports_isa("avx2").
#pragma once

#include <cstdint>

#include "kernels/activation.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

// AVX2 + FMA: up to 12 output pixels x 8 lanes (one ymm), windows of 8.
constexpr std::int64_t kGconvF32Nhwc12x8Avx2MR = 12;
constexpr std::int64_t kGconvF32Nhwc12x8Avx2Lanes = 8;
constexpr std::int64_t kGconvF32Nhwc12x8Avx2Window = 8;

void gconv_f32_nhwc_12x8_avx2(const GconvTile& tile, const Epilogue& epilogue);

}  // namespace simd_conv2d
