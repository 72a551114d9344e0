// The x86 small-group kernels (GconvTile, kernel_table.h; conv/grouped.h),
// as seen from baseline code: declarations and constants only. Definitions
// live in native/kernels/avx2/ and native/kernels/avx512/, compiled with
// their ISA's flags; call them only when cpu_supports_isa() says the CPU can.
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

// AVX-512: up to 12 output pixels x 16 lanes (one zmm), windows of 16.
constexpr std::int64_t kGconvF32Nhwc12x16Avx512MR = 12;
constexpr std::int64_t kGconvF32Nhwc12x16Avx512Lanes = 16;
constexpr std::int64_t kGconvF32Nhwc12x16Avx512Window = 16;

void gconv_f32_nhwc_12x16_avx512(const GconvTile& tile, const Epilogue& epilogue);

}  // namespace simd_conv2d
