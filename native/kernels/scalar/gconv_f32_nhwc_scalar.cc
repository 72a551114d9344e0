// Reference small-group tile (GconvTile, kernel_table.h) in plain C++:
// MR = 4 pixels x L = 8 output channels spanning groups.
//
// Each lane reads its own input channel per step straight from the lane
// map's channel table; the arithmetic is the reference order of
// conv_f32_nhwc_4x8_scalar (separate multiply and add, -ffp-contract=off;
// bias added once after the sum), so both scalar paths give the same bits.
// Pixels are computed one at a time (the weights come from L1 for each):
// the order within each output is what the contract fixes.
#include "kernels/epilogue_f64.h"
#include "kernels/scalar/scalar_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr std::int64_t MR = kGconvF32NhwcScalarMR;
constexpr std::int64_t L = kGconvF32NhwcScalarLanes;
constexpr std::int64_t V = kGconvF32NhwcScalarWindow;

static_assert(L == 8 && V == 8, "the row kernel below spells out 8 lanes, one window");

// One output pixel, all 8 lanes, in named accumulators so they stay in
// registers (an array indexed in a rolled loop would live in memory, and
// every multiply-add would wait on a store). Lane j reads channel ch[j] at
// each step; Contiguous: channel window + j at the only step (depthwise
// multiplier 1 with C >= V), with no channel table to read.
template <bool Contiguous>
void tile_row(const GconvTile& tile, std::int64_t r, const Epilogue& epilogue) {
  const std::int32_t* channels =
      tile.lane_map + gconv_map_selectors(static_cast<int>(L / V)) + tile.steps * L;
  float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f, a4 = 0.0f, a5 = 0.0f, a6 = 0.0f, a7 = 0.0f;
  const float* pixel = tile.input + tile.input_rows[r];
  for (std::int64_t t = 0; t < tile.taps; ++t) {
    const float* x = pixel + tile.input_taps[t];
    const float* w = tile.weights + tile.tap_offsets[t];
    if (Contiguous) {
      x += channels[0];
      a0 += x[0] * w[0];
      a1 += x[1] * w[1];
      a2 += x[2] * w[2];
      a3 += x[3] * w[3];
      a4 += x[4] * w[4];
      a5 += x[5] * w[5];
      a6 += x[6] * w[6];
      a7 += x[7] * w[7];
      continue;
    }
    const std::int32_t* ch = channels;
    for (std::int64_t q = 0; q < tile.steps; ++q, w += L, ch += L) {
      a0 += x[ch[0]] * w[0];
      a1 += x[ch[1]] * w[1];
      a2 += x[ch[2]] * w[2];
      a3 += x[ch[3]] * w[3];
      a4 += x[ch[4]] * w[4];
      a5 += x[ch[5]] * w[5];
      a6 += x[ch[6]] * w[6];
      a7 += x[ch[7]] * w[7];
    }
  }
  float acc[L] = {a0, a1, a2, a3, a4, a5, a6, a7};
  for (std::int64_t j = 0; j < L; ++j) acc[j] += tile.bias[j];
  apply_epilogue_f64(acc, tile.lanes, epilogue);
  float* dst = tile.output + tile.output_rows[r];
  for (std::int64_t j = 0; j < tile.lanes; ++j) dst[j] = acc[j];
}

}  // namespace

void gconv_f32_nhwc_scalar(const GconvTile& tile, const Epilogue& epilogue) {
  check_gconv_tile(tile, MR, L, V);
  // One vector per block (L == V): lane_map[0] and [1] describe it alone.
  const bool contiguous = tile.lane_map[0] == kGconvIdentity && tile.lane_map[1] == V;
  for (std::int64_t r = 0; r < tile.rows; ++r) {
    if (contiguous) {
      tile_row<true>(tile, r, epilogue);
    } else {
      tile_row<false>(tile, r, epilogue);
    }
  }
}

}  // namespace simd_conv2d
