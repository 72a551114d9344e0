// AVX-512 (F/BW/DQ/VL) small-group tile (GconvTile, kernel_table.h;
// conv/grouped.h): up to MR = 12 output pixels x L = 16 consecutive output
// channels, which may belong to several groups. One zmm accumulator per pixel.
//
// Lanes get their input channel for step q from a 16-float window of the
// pixel's channels (two for kGconvTwoWindows) through a permute with the
// pack-time selector vector, as in the AVX2 kernel:
//   identity   no permute, the window is the input;
//   in-lane    vpermilps, inside each 128-bit quarter (ResNeXt's Cg = Fg = 4:
//              each quarter is one group);
//   cross      vpermps;
//   two windows: vpermps of both, blended on the selector's sign bit.
//
// Loop order: tap, then chunks of up to 4 steps (their weights and selectors
// in registers), then pixels, then the chunk's steps. A pixel's window is
// loaded once per chunk instead of once per step, so each FMA costs one
// in-lane permute and a quarter of a load; on Zen 4 an in-lane permute per
// zmm FMA still leaves the FMA pipes ~94% busy, where the AVX2 kernel's
// 8-lane vectors and 6-pixel passes reached about half of the FMA peak on
// L9. Each pixel's FMA chain is fma(x, w, acc) from +0 over taps in order
// and q in order, then + bias, then the activation: the contract's order and
// the igemm kernels' arithmetic, so every path and x86 ISA gives the same bits.
//
// Windows are always loaded under the window-width mask (all 16 lanes but
// for layers with C < 16): masked-off lanes are not accessed.
//
// Built with the AVX-512 flags only (CMake SC2D_AVX512_SOURCES, binding.gyp
// target simd_conv2d_avx512); everything but the exported kernel has
// internal linkage. On AVX2-only machines the test binary compiles this file
// against SIMDe (native/tests/emulated/).

// GCC 12's AVX-512 headers trip -W(maybe-)uninitialized on their own
// `__Y = __Y` placeholders (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include "kernels/x86/avx512_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/gconv_finish_inl.h"
#include "kernels/x86/gconv_x86_kernels.h"

#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr int MR = static_cast<int>(kGconvF32Nhwc12x16Avx512MR);
constexpr int L = 16;
static_assert(kGconvF32Nhwc12x16Avx512Lanes == L && kGconvF32Nhwc12x16Avx512Window == L,
              "one vector per block, windows of one vector");
// Lane map offsets (kernel_table.h) for one vector per block.
constexpr int kMapWindowA = gconv_map_window_a(0);
constexpr int kMapWindowB = kMapWindowA + 1;
constexpr int kMapSelectors = gconv_map_selectors(1);
// Steps whose weights and selectors are held in registers at once.
constexpr int kChunk = 4;

// N steps of one tap for R pixels: `in` is window A's first channel under
// this tap at offset 0, `w` the first step's weights, `sel` its selectors.
template <int Mode, int R, int N>
inline void steps_chunk(__m512* acc, const float* in, const std::int64_t* rows,
                        std::int64_t b_minus_a, __mmask16 window_mask, const float* w,
                        const std::int32_t* sel) {
  __m512 wq[N];
  __m512i sq[N];
  SC2D_GCONV_UNROLL
  for (int q = 0; q < N; ++q) {
    wq[q] = _mm512_loadu_ps(w + q * L);
    sq[q] = _mm512_loadu_si512(sel + q * L);
  }
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) {
    const float* p = in + rows[r];
    const __m512 xa = _mm512_maskz_loadu_ps(window_mask, p);
    __m512 xb = xa;
    if (Mode == kGconvTwoWindows) xb = _mm512_loadu_ps(p + b_minus_a);
    SC2D_GCONV_UNROLL
    for (int q = 0; q < N; ++q) {
      __m512 x;
      if (Mode == kGconvIdentity) {
        x = xa;
      } else if (Mode == kGconvInLane) {
        x = _mm512_permutevar_ps(xa, sq[q]);
      } else if (Mode == kGconvCross) {
        x = _mm512_permutexvar_ps(sq[q], xa);
      } else {
        x = _mm512_mask_blend_ps(_mm512_movepi32_mask(sq[q]),
                                 _mm512_permutexvar_ps(sq[q], xa),
                                 _mm512_permutexvar_ps(sq[q], xb));
      }
      acc[r] = _mm512_fmadd_ps(x, wq[q], acc[r]);
    }
  }
}

// In-lane blocks whose step q takes position q of every 128-bit quarter
// (each quarter one group of 4 channels: Cg = 4 with Fg = 4, ResNeXt's
// shape) are run with vpermilps by immediate, which keeps pace with the FMAs
// on Zen 4 where the by-register form does not (measured FMA + load +
// permute 1:1:1: 112 against 88 GFLOP/s). Not a pack-time mode: the kernel
// recognises the four selector vectors itself, once per call.
constexpr int kInLaneQuarterBroadcast = -1;

template <int Q>
inline __m512 quarter_broadcast(__m512 x) {
  return _mm512_permute_ps(x, Q * 0x55);  // element Q of each quarter, in all four lanes of it
}

template <int R>
inline void quarter_broadcast_steps(__m512* acc, const float* in, const std::int64_t* rows,
                                    __mmask16 window_mask, const float* w) {
  const __m512 w0 = _mm512_loadu_ps(w);
  const __m512 w1 = _mm512_loadu_ps(w + L);
  const __m512 w2 = _mm512_loadu_ps(w + 2 * L);
  const __m512 w3 = _mm512_loadu_ps(w + 3 * L);
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) {
    const __m512 x = _mm512_maskz_loadu_ps(window_mask, in + rows[r]);
    acc[r] = _mm512_fmadd_ps(quarter_broadcast<0>(x), w0, acc[r]);
    acc[r] = _mm512_fmadd_ps(quarter_broadcast<1>(x), w1, acc[r]);
    acc[r] = _mm512_fmadd_ps(quarter_broadcast<2>(x), w2, acc[r]);
    acc[r] = _mm512_fmadd_ps(quarter_broadcast<3>(x), w3, acc[r]);
  }
}

// True when the block is in-lane with Cg = 4 and step q's selectors are
// position q of each lane's quarter.
bool is_quarter_broadcast(const GconvTile& tile) {
  if (tile.lane_map[0] != kGconvInLane || tile.steps != 4) return false;
  const std::int32_t* sel = tile.lane_map + kMapSelectors;
  const __m512i quarter = _mm512_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12);
  for (int q = 0; q < 4; ++q) {
    const __m512i want = _mm512_add_epi32(quarter, _mm512_set1_epi32(q));
    if (_mm512_cmpneq_epi32_mask(_mm512_loadu_si512(sel + q * L), want) != 0) return false;
  }
  return true;
}

template <int Mode, int R>
void gconv_tile(const GconvTile& tile, const Epilogue& epilogue) {
  const std::int32_t* map = tile.lane_map;
  const __mmask16 window_mask = static_cast<__mmask16>((1u << map[1]) - 1u);
  __m512 acc[R];
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_ps();

  const std::int64_t taps = tile.taps;
  const std::int64_t steps = tile.steps;
  const std::int64_t window_a = map[kMapWindowA];
  const std::int64_t b_minus_a = map[kMapWindowB] - window_a;
  const std::int32_t* selectors = map + kMapSelectors;
  for (std::int64_t t = 0; t < taps; ++t) {
    const float* in = tile.input + (tile.input_taps[t] + window_a);
    const float* w = tile.weights + tile.tap_offsets[t];
    const std::int32_t* sel = selectors;
    if (Mode == kInLaneQuarterBroadcast) {
      quarter_broadcast_steps<R>(acc, in, tile.input_rows, window_mask, w);
      continue;
    }
    std::int64_t q = 0;
    for (; q + kChunk <= steps; q += kChunk, w += kChunk * L, sel += kChunk * L) {
      steps_chunk<Mode, R, kChunk>(acc, in, tile.input_rows, b_minus_a, window_mask, w, sel);
    }
    for (; q < steps; ++q, w += L, sel += L) {
      steps_chunk<Mode, R, 1>(acc, in, tile.input_rows, b_minus_a, window_mask, w, sel);
    }
  }

  gconv_finish<Avx512Ops>(acc, tile, epilogue);
}

using TileFn = void (*)(const GconvTile&, const Epilogue&);

template <int Mode, int... Rs>
struct RowTable {
  static constexpr TileFn fns[sizeof...(Rs)] = {&gconv_tile<Mode, Rs>...};
};

template <int Mode>
TileFn row_kernel(int rows) {
  static_assert(MR == 12, "one instantiation per row count");
  return RowTable<Mode, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12>::fns[rows - 1];
}

}  // namespace

void gconv_f32_nhwc_12x16_avx512(const GconvTile& tile, const Epilogue& epilogue) {
  check_gconv_tile(tile, MR, L, L);
  const int rows = static_cast<int>(tile.rows);
  switch (tile.lane_map[0]) {
    case kGconvIdentity: return row_kernel<kGconvIdentity>(rows)(tile, epilogue);
    case kGconvInLane:
      if (is_quarter_broadcast(tile)) return row_kernel<kInLaneQuarterBroadcast>(rows)(tile, epilogue);
      return row_kernel<kGconvInLane>(rows)(tile, epilogue);
    case kGconvCross: return row_kernel<kGconvCross>(rows)(tile, epilogue);
    default: return row_kernel<kGconvTwoWindows>(rows)(tile, epilogue);
  }
}

}  // namespace simd_conv2d
