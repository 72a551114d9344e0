// AVX2 + FMA indirect-GEMM tile: MR = 6 output pixels x NR = 16 output
// channels, 12 ymm accumulators (+ 2 weight vectors + 1 broadcast = 15 of the
// 16 registers; the inner loop is spill-free, checked with objdump). The
// body is shared with the AVX-512 kernel (x86/conv_tile_inl.h), so both
// compute bitwise-identical outputs.
//
// Built with -mavx2 -mfma only (CMake SC2D_AVX2_SOURCES, binding.gyp target
// simd_conv2d_avx2). ODR safety (conv-design §4): everything but the two
// exported functions has internal linkage, and no std:: template or shared
// inline function is instantiated here; scripts/check-isa-leaks.sh checks
// both.
#include "kernels/x86/avx2_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/conv_tile_inl.h"
#include "kernels/x86/x86_kernels.h"

#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr int MR = static_cast<int>(kConvF32Nhwc6x16Avx2MR);
static_assert(kConvF32Nhwc6x16Avx2NR == 2 * Avx2Ops::kLanes, "NR is two vectors");
constexpr int kUnroll = 1;  // see conv_tile_inl.h

}  // namespace

void conv_f32_nhwc_6x16_avx2(const ConvTile& tile, const Epilogue& epilogue) {
  check_conv_tile(tile, MR, kConvF32Nhwc6x16Avx2NR);
  switch (tile.rows) {
    case 1: return conv_tile<Avx2Ops, MR, 1, kUnroll>(tile, epilogue);
    case 2: return conv_tile<Avx2Ops, MR, 2, kUnroll>(tile, epilogue);
    case 3: return conv_tile<Avx2Ops, MR, 3, kUnroll>(tile, epilogue);
    case 4: return conv_tile<Avx2Ops, MR, 4, kUnroll>(tile, epilogue);
    case 5: return conv_tile<Avx2Ops, MR, 5, kUnroll>(tile, epilogue);
    default: return conv_tile<Avx2Ops, MR, 6, kUnroll>(tile, epilogue);
  }
}

void activate_f32_avx2(float* values, std::int64_t count, const Epilogue& epilogue) {
  if (count > 0) activate_floats<Avx2Ops>(values, count, epilogue);
}

}  // namespace simd_conv2d
