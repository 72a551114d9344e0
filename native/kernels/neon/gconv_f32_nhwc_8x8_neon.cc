// AArch64 Advanced SIMD small-group tile (GconvTile, kernel_table.h;
// conv/grouped.h): up to MR = 8 output pixels x L = 8 consecutive output
// channels (two q registers, V = 4 lanes each), which may belong to several
// groups. Two accumulators per pixel: 16 of the 32 vector registers.
//
// Per tap, each vector's input values come from a 4-float window load of
// the pixel's channels (two for kGconvTwoWindows), turned into each lane's
// own channel at step q by a byte table lookup (tbl) whose indices are built
// once per step from the pack-time selectors:
//   identity   (depthwise multiplier 1): no lookup, the window is the input;
//   in-lane / cross: tbl over one window (NEON has no cheaper in-lane form);
//   two windows: tbl over both, the selector's sign bit picking window B.
// Layers with fewer than 4 channels have windows of W < 4 floats, read one
// float at a time so that nothing past channel C - 1 is touched.
//
// Loop order: tap, then q (the step's weights and indices in registers), then
// pixels; each output's chain is vfmaq from +0 over taps in order and q in
// order, then + bias, then the epilogue: the contract's order and the NEON
// igemm kernel's arithmetic (also fused multiply-adds), and the epilogue is
// the igemm kernel's (neon_epilogue_inl.h), so both paths give the same bits.
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

constexpr int MR = static_cast<int>(kGconvF32Nhwc8x8NeonMR);
constexpr int V = 4;
constexpr int L = 8;
static_assert(kGconvF32Nhwc8x8NeonLanes == L && kGconvF32Nhwc8x8NeonWindow == V,
              "two vectors per block, windows of one vector");
// Lane map offsets (kernel_table.h) for two vectors per block.
constexpr int kMapWindows = gconv_map_window_a(0);  // A0, B0, A1, B1
constexpr int kMapSelectors = gconv_map_selectors(2);  // [q][L]

#define SC2D_NEON_UNROLL _Pragma("GCC unroll 8")

// W < 4 floats of a window, the other lanes zero (they are padding lanes,
// computed and never stored).
inline float32x4_t load_partial(const float* p, int width) {
  float lanes[V] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int i = 0; i < width; ++i) lanes[i] = p[i];
  return vld1q_f32(lanes);
}

template <bool Masked>
inline float32x4_t load_window(const float* p, int width) {
  if (Masked) return load_partial(p, width);
  return vld1q_f32(p);
}

// tbl byte indices for 4 selectors: lane i takes float (s & 3) of window A,
// or of window B (bytes 16..31 of a two-register table) when s < 0.
template <bool TwoWindows>
inline uint8x16_t byte_indices(const std::int32_t* sel) {
  const int32x4_t s = vld1q_s32(sel);
  uint32x4_t first = vshlq_n_u32(vreinterpretq_u32_s32(vandq_s32(s, vdupq_n_s32(3))), 2);
  if (TwoWindows) {
    first = vorrq_u32(first, vandq_u32(vreinterpretq_u32_s32(vshrq_n_s32(s, 31)), vdupq_n_u32(16)));
  }
  // Bytes first, first + 1, first + 2, first + 3 of each lane (little endian).
  return vreinterpretq_u8_u32(vmlaq_n_u32(vdupq_n_u32(0x03020100u), first, 0x01010101u));
}

template <int Mode, bool Masked, int R>
void gconv_tile(const GconvTile& tile, const Epilogue& epilogue) {
  const std::int32_t* map = tile.lane_map;
  const int width = map[1];
  float32x4_t acc0[R];  // lanes 0..3 of row r
  float32x4_t acc1[R];  // lanes 4..7
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = vdupq_n_f32(0.0f);

  const std::int64_t taps = tile.taps;
  if (taps > 0) {
    const std::int64_t a0 = map[kMapWindows];
    const std::int64_t b0 = map[kMapWindows + 1];
    const std::int64_t a1 = map[kMapWindows + 2];
    const std::int64_t b1 = map[kMapWindows + 3];
    const float* rows[R];
    SC2D_NEON_UNROLL
    for (int r = 0; r < R; ++r) rows[r] = tile.input + tile.input_rows[r];
    const std::int64_t steps = tile.steps;
    for (std::int64_t t = 0; t < taps; ++t) {
      const std::int64_t off = tile.input_taps[t];
      const float* w = tile.weights + tile.tap_offsets[t];
      if (Mode == kGconvIdentity) {
        const float32x4_t w0 = vld1q_f32(w);
        const float32x4_t w1 = vld1q_f32(w + V);
        SC2D_NEON_UNROLL
        for (int r = 0; r < R; ++r) {
          acc0[r] = vfmaq_f32(acc0[r], load_window<Masked>(rows[r] + off + a0, width), w0);
          acc1[r] = vfmaq_f32(acc1[r], load_window<Masked>(rows[r] + off + a1, width), w1);
        }
        continue;
      }
      constexpr bool kTwo = Mode == kGconvTwoWindows;
      const std::int32_t* sel = map + kMapSelectors;
      for (std::int64_t q = 0; q < steps; ++q, w += L, sel += L) {
        const float32x4_t w0 = vld1q_f32(w);
        const float32x4_t w1 = vld1q_f32(w + V);
        const uint8x16_t i0 = byte_indices<kTwo>(sel);
        const uint8x16_t i1 = byte_indices<kTwo>(sel + V);
        SC2D_NEON_UNROLL
        for (int r = 0; r < R; ++r) {
          const float* px = rows[r] + off;
          float32x4_t x0;
          float32x4_t x1;
          if (kTwo) {
            uint8x16x2_t t0;
            t0.val[0] = vreinterpretq_u8_f32(vld1q_f32(px + a0));
            t0.val[1] = vreinterpretq_u8_f32(vld1q_f32(px + b0));
            uint8x16x2_t t1;
            t1.val[0] = vreinterpretq_u8_f32(vld1q_f32(px + a1));
            t1.val[1] = vreinterpretq_u8_f32(vld1q_f32(px + b1));
            x0 = vreinterpretq_f32_u8(vqtbl2q_u8(t0, i0));
            x1 = vreinterpretq_f32_u8(vqtbl2q_u8(t1, i1));
          } else {
            x0 = vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(load_window<Masked>(px + a0, width)), i0));
            x1 = vreinterpretq_f32_u8(vqtbl1q_u8(vreinterpretq_u8_f32(load_window<Masked>(px + a1, width)), i1));
          }
          acc0[r] = vfmaq_f32(acc0[r], x0, w0);
          acc1[r] = vfmaq_f32(acc1[r], x1, w1);
        }
      }
    }
  }

  // + bias once, after the sum (Keras: conv(x, kernel) + bias).
  const float32x4_t bias0 = vld1q_f32(tile.bias);
  const float32x4_t bias1 = vld1q_f32(tile.bias + V);
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) {
    acc0[r] = vaddq_f32(acc0[r], bias0);
    acc1[r] = vaddq_f32(acc1[r], bias1);
  }

  const std::int64_t lanes = tile.lanes;
  const bool in_registers =
      activate_in_registers(acc0, epilogue) && activate_in_registers(acc1, epilogue);
  SC2D_NEON_UNROLL
  for (int r = 0; r < R; ++r) {
    float* out = tile.output + tile.output_rows[r];
    store_row(out, acc0[r], acc1[r], lanes);
    // Transcendental activations: the float64 reference on the stored row.
    if (!in_registers) apply_epilogue_f64(out, lanes, epilogue);
  }
}

#undef SC2D_NEON_UNROLL

using TileFn = void (*)(const GconvTile&, const Epilogue&);

template <int Mode, bool Masked, int... Rs>
struct RowTable {
  static constexpr TileFn fns[sizeof...(Rs)] = {&gconv_tile<Mode, Masked, Rs>...};
};

template <int Mode, bool Masked>
TileFn row_kernel(int rows) {
  static_assert(MR == 8, "one instantiation per row count");
  return RowTable<Mode, Masked, 1, 2, 3, 4, 5, 6, 7, 8>::fns[rows - 1];
}

}  // namespace

void gconv_f32_nhwc_8x8_neon(const GconvTile& tile, const Epilogue& epilogue) {
  check_gconv_tile(tile, MR, L, V);
  const std::int32_t mode = tile.lane_map[0];
  const bool masked = tile.lane_map[1] < V;
  const int rows = static_cast<int>(tile.rows);
  TileFn fn = nullptr;
  switch (mode) {
    case kGconvIdentity:
      fn = masked ? row_kernel<kGconvIdentity, true>(rows) : row_kernel<kGconvIdentity, false>(rows);
      break;
    case kGconvInLane:
    case kGconvCross:  // one tbl serves both
      fn = masked ? row_kernel<kGconvCross, true>(rows) : row_kernel<kGconvCross, false>(rows);
      break;
    default:
      fn = row_kernel<kGconvTwoWindows, false>(rows);
      break;
  }
  fn(tile, epilogue);
}

}  // namespace simd_conv2d
