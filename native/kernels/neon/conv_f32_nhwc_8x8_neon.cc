// MR=8 x NR=8 indirect-GEMM tile for AArch64 Advanced SIMD.
//
// Register budget (32 q registers): 8 rows x 2 vectors = 16 accumulators,
// 8 weight vectors (4 packed channel rows of NR=8 floats) and 2 input
// vectors (4 channels of a row, one 128-bit load each) = 26. Each input
// vector feeds 8 lane-indexed FMAs (`fmla v.4s, w.4s, x.s[lane]`), each
// weight vector MR of them: 16 loads per 64 FMAs. Loading 4 channels of a row
// at once and indexing lanes is XNNPACK's "ld128" igemm idea: rows come from
// unrelated addresses (indirection), so they cannot be read as a packed
// panel, and a broadcast load per row and channel would need 4x the input
// loads.
// NR = 8 divides the usual channel counts (no zero lanes for Cout = 8k),
// matches the scalar table's packing, and MR = 8 keeps the FMA/load ratio at
// 4. Tails of 2 and 1 channels use a 64-bit load and a broadcast. The kernel
// never reads an input row past `channels` floats nor writes an output row
// past `cols`.
//
// GCC's pre-register-allocation scheduler turns the 8-row loop into one with
// a dozen vector register moves per 64 FMAs (moves that compete with FMAs
// for the SIMD pipes on Cortex-A7x/Neoverse); CMake builds this file with
// -fno-schedule-insns under GCC, which leaves the loop move- and spill-free
// (objdump). The source order alternates two rows so dependent FMAs are four
// instructions apart even without that scheduler.
//
// Reduction order per output, as the contract in kernel_table.h requires:
// +0, one FMA per (tap, channel) in order, then + bias, then the epilogue.
// Each lane-indexed FMA for channel c of a row is issued after the one for
// channel c-1 of the same accumulator, so the order is exact; the bits equal
// a scalar std::fma loop in that order (tests/test_neon_kernel.cc checks it).
//
// Epilogue (neon_epilogue_inl.h, shared with the small-group kernel): relu,
// relu6, leaky_relu, hard_sigmoid, hard_silu and linear in registers with
// exactly the bits of apply_epilogue_f64 (the reference); every other
// activation stores the row and calls apply_epilogue_f64 on it.
//
// Functions here take or return vector types, so they all stay in an
// anonymous namespace (no shared inline symbols built with other flags).
#include <arm_neon.h>

#include "kernels/epilogue_f64.h"
#include "kernels/neon/neon_epilogue_inl.h"
#include "kernels/neon/neon_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr std::int64_t MR = kConvF32Nhwc8x8NeonMR;
constexpr std::int64_t NR = kConvF32Nhwc8x8NeonNR;
static_assert(NR == 8, "two q registers per row");

// -O2 does not fully unroll these short loops on its own; unrolled, the
// accumulator arrays become registers.
#define SC2D_NEON_UNROLL _Pragma("GCC unroll 8")

// The FMAs for 4 consecutive channels of one or two rows. w[2k], w[2k+1]
// are channel k's packed weights (output channels 0..3 and 4..7) and lane k
// of x is the row's input for that channel. Each accumulator sees its 4 FMAs
// in channel order; the two rows' FMAs alternate so that dependent FMAs are
// four instructions apart.
inline void row_x4(float32x4_t& lo, float32x4_t& hi, float32x4_t x, const float32x4_t (&w)[8]) {
  lo = vfmaq_laneq_f32(lo, w[0], x, 0);
  hi = vfmaq_laneq_f32(hi, w[1], x, 0);
  lo = vfmaq_laneq_f32(lo, w[2], x, 1);
  hi = vfmaq_laneq_f32(hi, w[3], x, 1);
  lo = vfmaq_laneq_f32(lo, w[4], x, 2);
  hi = vfmaq_laneq_f32(hi, w[5], x, 2);
  lo = vfmaq_laneq_f32(lo, w[6], x, 3);
  hi = vfmaq_laneq_f32(hi, w[7], x, 3);
}

inline void rows2_x4(float32x4_t& lo0, float32x4_t& hi0, float32x4_t& lo1, float32x4_t& hi1,
                     float32x4_t x0, float32x4_t x1, const float32x4_t (&w)[8]) {
  lo0 = vfmaq_laneq_f32(lo0, w[0], x0, 0);
  hi0 = vfmaq_laneq_f32(hi0, w[1], x0, 0);
  lo1 = vfmaq_laneq_f32(lo1, w[0], x1, 0);
  hi1 = vfmaq_laneq_f32(hi1, w[1], x1, 0);
  lo0 = vfmaq_laneq_f32(lo0, w[2], x0, 1);
  hi0 = vfmaq_laneq_f32(hi0, w[3], x0, 1);
  lo1 = vfmaq_laneq_f32(lo1, w[2], x1, 1);
  hi1 = vfmaq_laneq_f32(hi1, w[3], x1, 1);
  lo0 = vfmaq_laneq_f32(lo0, w[4], x0, 2);
  hi0 = vfmaq_laneq_f32(hi0, w[5], x0, 2);
  lo1 = vfmaq_laneq_f32(lo1, w[4], x1, 2);
  hi1 = vfmaq_laneq_f32(hi1, w[5], x1, 2);
  lo0 = vfmaq_laneq_f32(lo0, w[6], x0, 3);
  hi0 = vfmaq_laneq_f32(hi0, w[7], x0, 3);
  lo1 = vfmaq_laneq_f32(lo1, w[6], x1, 3);
  hi1 = vfmaq_laneq_f32(hi1, w[7], x1, 3);
}

// The same for 2 channels (lanes 0 and 1 of a 64-bit x).
inline void row_x2(float32x4_t& lo, float32x4_t& hi, float32x2_t x, const float32x4_t (&w)[4]) {
  lo = vfmaq_lane_f32(lo, w[0], x, 0);
  hi = vfmaq_lane_f32(hi, w[1], x, 0);
  lo = vfmaq_lane_f32(lo, w[2], x, 1);
  hi = vfmaq_lane_f32(hi, w[3], x, 1);
}

// ---------------------------------------------------------------- tile

// One NR block j of the tile: bias and weights at block j's place, outputs at
// output[r] + j * NR.
template <int R>
void block_rows(const ConvTile& tile, std::int64_t j, const Epilogue& epilogue) {
  const float* bias = tile.bias + j * tile.block_stride;
  const float* weights = tile.weights + j * tile.block_stride;
  float32x4_t lo[R];  // output channels 0..3 of row r
  float32x4_t hi[R];  // output channels 4..7
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) lo[r] = hi[r] = vdupq_n_f32(0.0f);

  const std::int64_t channels = tile.channels;
  for (std::int64_t t = 0; t < tile.taps; ++t) {
    const std::int64_t tap_input = tile.input_taps[t];
    const float* a[R];
    SC2D_NEON_UNROLL
    for (int r = 0; r < R; ++r) a[r] = tile.input + (tile.input_rows[r] + tap_input);
    const float* w = weights + tile.tap_offsets[t];

    std::int64_t c = 0;
    for (; c + 4 <= channels; c += 4, w += 4 * NR) {
      float32x4_t wv[8];
      SC2D_NEON_UNROLL
      for (int k = 0; k < 8; ++k) wv[k] = vld1q_f32(w + 4 * k);
      SC2D_NEON_UNROLL
      for (int r = 0; r + 1 < R; r += 2) {
        rows2_x4(lo[r], hi[r], lo[r + 1], hi[r + 1], vld1q_f32(a[r] + c), vld1q_f32(a[r + 1] + c),
                 wv);
      }
      if constexpr (R % 2 != 0) row_x4(lo[R - 1], hi[R - 1], vld1q_f32(a[R - 1] + c), wv);
    }
    if (c + 2 <= channels) {
      float32x4_t wv[4];
      SC2D_NEON_UNROLL
      for (int k = 0; k < 4; ++k) wv[k] = vld1q_f32(w + 4 * k);
      SC2D_NEON_UNROLL
      for (int r = 0; r < R; ++r) row_x2(lo[r], hi[r], vld1_f32(a[r] + c), wv);
      c += 2;
      w += 2 * NR;
    }
    if (c < channels) {
      const float32x4_t w0 = vld1q_f32(w);
      const float32x4_t w1 = vld1q_f32(w + 4);
      SC2D_NEON_UNROLL
      for (int r = 0; r < R; ++r) {
        const float32x4_t x = vld1q_dup_f32(a[r] + c);
        lo[r] = vfmaq_f32(lo[r], w0, x);
        hi[r] = vfmaq_f32(hi[r], w1, x);
      }
    }
  }

  // + bias once, after the sum (Keras: conv(x, kernel) + bias).
  const float32x4_t bias_lo = vld1q_f32(bias);
  const float32x4_t bias_hi = vld1q_f32(bias + 4);
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) {
    lo[r] = vaddq_f32(lo[r], bias_lo);
    hi[r] = vaddq_f32(hi[r], bias_hi);
  }

  const std::int64_t cols = j < tile.more_blocks ? NR : tile.cols;
  if (!activate_in_registers(lo, epilogue) || !activate_in_registers(hi, epilogue)) {
    // Transcendental activations: the float64 reference on the stored row.
    SC2D_NEON_UNROLL
    for (int r = 0; r < R; ++r) {
      store_row(tile.output[r] + j * NR, lo[r], hi[r], cols);
      apply_epilogue_f64(tile.output[r] + j * NR, cols, epilogue);
    }
    return;
  }
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) store_row(tile.output[r] + j * NR, lo[r], hi[r], cols);
}

template <int R>
void tile_rows(const ConvTile& tile, const Epilogue& epilogue) {
  for (std::int64_t j = 0; j <= tile.more_blocks; ++j) block_rows<R>(tile, j, epilogue);
}

#undef SC2D_NEON_UNROLL

}  // namespace

void conv_f32_nhwc_8x8_neon(const ConvTile& tile, const Epilogue& epilogue) {
  check_conv_tile(tile, MR, NR);
  switch (tile.rows) {
    case 1: return tile_rows<1>(tile, epilogue);
    case 2: return tile_rows<2>(tile, epilogue);
    case 3: return tile_rows<3>(tile, epilogue);
    case 4: return tile_rows<4>(tile, epilogue);
    case 5: return tile_rows<5>(tile, epilogue);
    case 6: return tile_rows<6>(tile, epilogue);
    case 7: return tile_rows<7>(tile, epilogue);
    default: return tile_rows<8>(tile, epilogue);
  }
}

}  // namespace simd_conv2d
