// Reference MR=4 x NR=8 indirect-GEMM tile in plain C++.
//
// It defines the bits every other path is compared against, so it does the
// arithmetic in the documented order and nothing clever: separate multiply
// and add (the build uses -ffp-contract=off so the compiler cannot fuse them
// behind our back), the bias added once after the sum, as Keras adds it to
// the convolution's result (seeding the accumulators with a large bias would
// round every partial sum at the bias' magnitude).
#include "kernels/epilogue_f64.h"
#include "kernels/scalar/scalar_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr std::int64_t MR = kConvF32Nhwc4x8ScalarMR;
constexpr std::int64_t NR = kConvF32Nhwc4x8ScalarNR;

// R rows known at compile time lets the compiler keep R x NR accumulators in
// registers (and vectorise the NR loop with baseline SSE2). One call does one
// NR block j: bias and weights at block j's place, outputs at output[r] + j * NR.
template <int R>
void block_rows(const ConvTile& tile, std::int64_t j, const Epilogue& epilogue) {
  const float* bias = tile.bias + j * tile.block_stride;
  const float* weights = tile.weights + j * tile.block_stride;
  const std::int64_t cols = j < tile.more_blocks ? NR : tile.cols;
  float acc[R][NR] = {};
  for (std::int64_t t = 0; t < tile.taps; ++t) {
    const std::int64_t tap_input = tile.input_taps[t];
    const float* a[R];
    for (int r = 0; r < R; ++r) a[r] = tile.input + (tile.input_rows[r] + tap_input);
    const float* w = weights + tile.tap_offsets[t];
    for (std::int64_t c = 0; c < tile.channels; ++c, w += NR) {
      for (int r = 0; r < R; ++r) {
        const float x = a[r][c];
        for (std::int64_t i = 0; i < NR; ++i) acc[r][i] += x * w[i];
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (std::int64_t i = 0; i < NR; ++i) acc[r][i] += bias[i];
    apply_epilogue_f64(acc[r], cols, epilogue);
    float* dst = tile.output[r] + j * NR;
    for (std::int64_t i = 0; i < cols; ++i) dst[i] = acc[r][i];
  }
}

template <int R>
void tile_rows(const ConvTile& tile, const Epilogue& epilogue) {
  for (std::int64_t j = 0; j <= tile.more_blocks; ++j) block_rows<R>(tile, j, epilogue);
}

}  // namespace

void conv_f32_nhwc_4x8_scalar(const ConvTile& tile, const Epilogue& epilogue) {
  check_conv_tile(tile, MR, NR);
  switch (tile.rows) {
    case 1: return tile_rows<1>(tile, epilogue);
    case 2: return tile_rows<2>(tile, epilogue);
    case 3: return tile_rows<3>(tile, epilogue);
    default: return tile_rows<4>(tile, epilogue);
  }
}

}  // namespace simd_conv2d
