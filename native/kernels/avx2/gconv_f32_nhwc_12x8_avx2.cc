// AVX2 + FMA small-group tile (GconvTile, kernel_table.h; conv/grouped.h):
// up to MR = 12 output pixels x L = 8 consecutive output channels, which may
// belong to several groups. One ymm accumulator per pixel.
//
// Per tap the lanes' input values come from one 8-float "window" load of the
// pixel's channels (two for kGconvTwoWindows), turned into each lane's own
// channel at step q by a permute with the pack-time selector vector:
//   identity   (depthwise multiplier 1): no permute, the window is the input;
//   in-lane    (e.g. Cg = Fg = 4: lanes 0-3 = one group, 4-7 the next):
//              vpermilps, which stays inside each 128-bit half;
//   cross      any pattern: vpermps;
//   two windows: vpermps of both, blended on the selector's sign bit;
//   in-lane with Cg = Fg = 4 (each 128-bit half one group): the window is
//   loaded once per tap and permuted by immediate (L9 on Zen 4 with the
//   AVX2 table, best of alternating rounds: 0.545 -> 0.520 ms at 1 thread).
// A tile of up to 12 pixels runs as balanced passes of at most 6 (one pass
// keeps its 6 pixel offsets in general registers; 12 would spill them and
// reload one per FMA). Loop order in a pass: tap, then q (the step's weight
// and selector in registers), then pixels; each pixel's FMA chain is
// fma(x, w, acc) from +0 over taps in order and q in order, then + bias, then
// the activation: the contract's order and the igemm AVX2 kernel's
// arithmetic, so a layer gives the same bits on either path.
//
// Epilogue: linear and relu on registers, every other activation through a
// stack buffer with the x86 vector activations (x86/vec_math_inl.h): the same
// code the igemm kernel runs, so fused outputs match it bit for bit too.
//
// Built with -mavx2 -mfma (CMake SC2D_AVX2_SOURCES, binding.gyp's avx2
// library). ODR safety (conv-design §4): everything but the exported kernel
// has internal linkage, and no std:: template or shared inline function is
// instantiated here.
#include <immintrin.h>

#include "kernels/x86/avx2_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/gconv_finish_inl.h"
#include "kernels/x86/gconv_x86_kernels.h"

#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr int MR = static_cast<int>(kGconvF32Nhwc12x8Avx2MR);
constexpr int L = 8;
static_assert(kGconvF32Nhwc12x8Avx2Lanes == L && kGconvF32Nhwc12x8Avx2Window == L,
              "one vector per block, windows of one vector");
// Lane map offsets (kernel_table.h) for one vector per block.
constexpr int kMapWindowA = gconv_map_window_a(0);
constexpr int kMapWindowB = kMapWindowA + 1;
constexpr int kMapSelectors = gconv_map_selectors(1);

template <bool Masked>
inline __m256 load_window(const float* p, __m256i mask) {
  if (Masked) return _mm256_maskload_ps(p, mask);
  return _mm256_loadu_ps(p);
}

// In-lane blocks whose step q takes position q of each 128-bit half (each
// half one group of 4 channels: Cg = 4 with Fg = 4, ResNeXt's shape) load a
// pixel's window once per tap instead of once per step, and permute it by
// immediate. Not a pack-time mode: the kernel recognises the four selector
// vectors itself, once per call (the AVX-512 kernel does the same).
constexpr int kInLaneHalfBroadcast = -1;

template <int Q>
inline __m256 half_broadcast(__m256 x) {
  return _mm256_permute_ps(x, Q * 0x55);  // element Q of each half, in all four lanes of it
}

bool is_half_broadcast(const GconvTile& tile) {
  if (tile.lane_map[0] != kGconvInLane || tile.steps != 4) return false;
  const __m256i half = _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4);
  for (int q = 0; q < 4; ++q) {
    const __m256i want = _mm256_add_epi32(half, _mm256_set1_epi32(q));
    const __m256i got =
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tile.lane_map + kMapSelectors + q * L));
    if (_mm256_movemask_epi8(_mm256_cmpeq_epi32(got, want)) != -1) return false;
  }
  return true;
}

template <int Mode, bool Masked, int R>
void gconv_tile(const GconvTile& tile, const Epilogue& epilogue) {
  const std::int32_t* map = tile.lane_map;
  __m256i mask = _mm256_setzero_si256();
  if (Masked) {
    mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(map[1]), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  __m256 acc[R];
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();

  const std::int64_t taps = tile.taps;
  if (taps > 0) {
    const std::int64_t window_a = map[kMapWindowA];
    const std::int64_t b_minus_a = map[kMapWindowB] - window_a;
    const float* rows[R];
    SC2D_GCONV_UNROLL
    for (int r = 0; r < R; ++r) rows[r] = tile.input + tile.input_rows[r] + window_a;
    const std::int64_t steps = tile.steps;
    for (std::int64_t t = 0; t < taps; ++t) {
      const std::int64_t off = tile.input_taps[t];
      const float* w = tile.weights + tile.tap_offsets[t];
      if (Mode == kGconvIdentity) {
        const __m256 w0 = _mm256_loadu_ps(w);
        SC2D_GCONV_UNROLL
        for (int r = 0; r < R; ++r) {
          acc[r] = _mm256_fmadd_ps(load_window<Masked>(rows[r] + off, mask), w0, acc[r]);
        }
        continue;
      }
      if (Mode == kInLaneHalfBroadcast) {
        const __m256 w0 = _mm256_loadu_ps(w);
        const __m256 w1 = _mm256_loadu_ps(w + L);
        const __m256 w2 = _mm256_loadu_ps(w + 2 * L);
        const __m256 w3 = _mm256_loadu_ps(w + 3 * L);
        SC2D_GCONV_UNROLL
        for (int r = 0; r < R; ++r) {
          const __m256 x = load_window<Masked>(rows[r] + off, mask);
          acc[r] = _mm256_fmadd_ps(half_broadcast<0>(x), w0, acc[r]);
          acc[r] = _mm256_fmadd_ps(half_broadcast<1>(x), w1, acc[r]);
          acc[r] = _mm256_fmadd_ps(half_broadcast<2>(x), w2, acc[r]);
          acc[r] = _mm256_fmadd_ps(half_broadcast<3>(x), w3, acc[r]);
        }
        continue;
      }
      const std::int32_t* sel = map + kMapSelectors;
      for (std::int64_t q = 0; q < steps; ++q, w += L, sel += L) {
        const __m256 wq = _mm256_loadu_ps(w);
        const __m256i sq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sel));
        SC2D_GCONV_UNROLL
        for (int r = 0; r < R; ++r) {
          const __m256 xa = load_window<Masked>(rows[r] + off, mask);
          __m256 x;
          if (Mode == kGconvInLane) {
            x = _mm256_permutevar_ps(xa, sq);
          } else if (Mode == kGconvCross) {
            x = _mm256_permutevar8x32_ps(xa, sq);
          } else {
            const __m256 xb = _mm256_loadu_ps(rows[r] + off + b_minus_a);
            x = _mm256_blendv_ps(_mm256_permutevar8x32_ps(xa, sq),
                                 _mm256_permutevar8x32_ps(xb, sq), _mm256_castsi256_ps(sq));
          }
          acc[r] = _mm256_fmadd_ps(x, wq, acc[r]);
        }
      }
    }
  }

  gconv_finish<Avx2Ops>(acc, tile, epilogue);
}

using TileFn = void (*)(const GconvTile&, const Epilogue&);

// Rows per pass over the taps: each pass keeps its rows' input offsets in
// general registers (more would spill them and reload one per FMA).
constexpr int kPassRows = 6;

template <int Mode, bool Masked, int... Rs>
struct RowTable {
  static constexpr TileFn fns[sizeof...(Rs)] = {&gconv_tile<Mode, Masked, Rs>...};
};

template <int Mode, bool Masked>
TileFn row_kernel(int rows) {
  static_assert(kPassRows == 6, "one instantiation per row count of a pass");
  return RowTable<Mode, Masked, 1, 2, 3, 4, 5, 6>::fns[rows - 1];
}

}  // namespace

void gconv_f32_nhwc_12x8_avx2(const GconvTile& tile, const Epilogue& epilogue) {
  check_gconv_tile(tile, MR, L, L);
  const std::int32_t mode = tile.lane_map[0];
  const bool masked = tile.lane_map[1] < L;
  const int rows = static_cast<int>(tile.rows);
  // Balanced passes of at most kPassRows rows.
  const int passes = (rows + kPassRows - 1) / kPassRows;
  const int pass_rows = (rows + passes - 1) / passes;
  TileFn fn = nullptr;
  TileFn last = nullptr;
  const int last_rows = rows - (passes - 1) * pass_rows;
  switch (mode) {
    case kGconvIdentity:
      fn = masked ? row_kernel<kGconvIdentity, true>(pass_rows)
                  : row_kernel<kGconvIdentity, false>(pass_rows);
      last = masked ? row_kernel<kGconvIdentity, true>(last_rows)
                    : row_kernel<kGconvIdentity, false>(last_rows);
      break;
    case kGconvInLane:
      if (is_half_broadcast(tile)) {
        fn = masked ? row_kernel<kInLaneHalfBroadcast, true>(pass_rows)
                    : row_kernel<kInLaneHalfBroadcast, false>(pass_rows);
        last = masked ? row_kernel<kInLaneHalfBroadcast, true>(last_rows)
                      : row_kernel<kInLaneHalfBroadcast, false>(last_rows);
        break;
      }
      fn = masked ? row_kernel<kGconvInLane, true>(pass_rows)
                  : row_kernel<kGconvInLane, false>(pass_rows);
      last = masked ? row_kernel<kGconvInLane, true>(last_rows)
                    : row_kernel<kGconvInLane, false>(last_rows);
      break;
    case kGconvCross:
      fn = masked ? row_kernel<kGconvCross, true>(pass_rows)
                  : row_kernel<kGconvCross, false>(pass_rows);
      last = masked ? row_kernel<kGconvCross, true>(last_rows)
                    : row_kernel<kGconvCross, false>(last_rows);
      break;
    default:
      fn = row_kernel<kGconvTwoWindows, false>(pass_rows);
      last = row_kernel<kGconvTwoWindows, false>(last_rows);
      break;
  }
  if (passes == 1) return last(tile, epilogue);
  GconvTile part = tile;
  for (int pass = 0; pass + 1 < passes; ++pass) {
    fn(part, epilogue);
    part.input_rows += pass_rows;
    part.output_rows += pass_rows;
  }
  last(part, epilogue);
}

}  // namespace simd_conv2d
