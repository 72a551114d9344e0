// Reference MR=4 x NR=8 indirect-GEMM tile in plain C++.
//
// It defines the bits every other path is compared against, so it does the
// arithmetic in the documented order and nothing clever: separate multiply
// and add (the build uses -ffp-contract=off so the compiler cannot fuse them
// behind our back), the bias added once after the sum, as Keras adds it to
// the convolution's result (seeding the accumulators with a large bias would
// round every partial sum at the bias' magnitude).
#include "common/check.h"
#include "kernels/epilogue_f64.h"
#include "kernels/scalar/scalar_kernels.h"

namespace simd_conv2d {

void conv_f32_nhwc_4x8_scalar(std::int64_t rows_valid, std::int64_t cols_valid,
                              std::int64_t taps, std::int64_t channels,
                              const float* const* indirection, const float* packed, float* out,
                              std::int64_t out_stride, const Epilogue& epilogue) {
  constexpr std::int64_t MR = kConvF32Nhwc4x8ScalarMR;
  constexpr std::int64_t NR = kConvF32Nhwc4x8ScalarNR;
  SC2D_CHECK(rows_valid >= 1 && rows_valid <= MR);
  SC2D_CHECK(cols_valid >= 1 && cols_valid <= NR);
  SC2D_CHECK(taps >= 1 && channels >= 1);
  SC2D_CHECK(indirection != nullptr && packed != nullptr && out != nullptr);
  SC2D_CHECK(rows_valid == 1 || out_stride >= cols_valid);

  float acc[MR][NR];
  for (std::int64_t r = 0; r < MR; ++r) {
    for (std::int64_t j = 0; j < NR; ++j) acc[r][j] = 0.0f;
  }

  const float* w = packed + NR;
  for (std::int64_t tap = 0; tap < taps; ++tap) {
    const float* const* rows = indirection + tap * MR;
    const float* a0 = rows[0];
    const float* a1 = rows[1];
    const float* a2 = rows[2];
    const float* a3 = rows[3];
    for (std::int64_t c = 0; c < channels; ++c) {
      const float x0 = a0[c];
      const float x1 = a1[c];
      const float x2 = a2[c];
      const float x3 = a3[c];
      for (std::int64_t j = 0; j < NR; ++j) {
        const float wj = w[j];
        acc[0][j] += x0 * wj;
        acc[1][j] += x1 * wj;
        acc[2][j] += x2 * wj;
        acc[3][j] += x3 * wj;
      }
      w += NR;
    }
  }

  for (std::int64_t r = 0; r < rows_valid; ++r) {
    for (std::int64_t j = 0; j < NR; ++j) acc[r][j] += packed[j];
    apply_epilogue_f64(acc[r], cols_valid, epilogue);
    float* dst = out + r * out_stride;
    for (std::int64_t j = 0; j < cols_valid; ++j) dst[j] = acc[r][j];
  }
}

}  // namespace simd_conv2d
