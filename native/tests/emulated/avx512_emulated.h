// The product's AVX-512 kernels compiled against SIMDe (test builds only; see
// conv_f32_nhwc_12x32_avx512_simde.cc), so its logic runs on AVX2 machines.
// Defined only when the test target sets SC2D_TEST_AVX512_EMULATED.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

void conv_f32_nhwc_12x32_avx512_emulated(const ConvTile& tile, const Epilogue& epilogue);
void activate_f32_avx512_emulated(float* values, std::int64_t count, const Epilogue& epilogue);
void dwconv_f32_nhwc_avx512_emulated(const DwconvRun& run, const Epilogue& epilogue);
void gconv_f32_nhwc_12x16_avx512_emulated(const GconvTile& tile, const Epilogue& epilogue);
void pointwise_f32_nhwc_4x6x16_avx512_emulated(const PointwiseRun& run, const Epilogue& epilogue);

}  // namespace simd_conv2d

namespace sc2d_test {

// The registry's "avx512" table with the emulated igemm, small-group, depthwise and pointwise kernels, named
// "avx512-emulated"; null when this build has no emulation or no AVX-512
// table. It needs AVX2 + FMA to run (the emulation's halves are native).
const simd_conv2d::KernelTable* avx512_emulated_table();

}  // namespace sc2d_test
