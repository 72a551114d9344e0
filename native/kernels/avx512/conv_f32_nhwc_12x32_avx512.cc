// AVX-512 (F/BW/DQ/VL) indirect-GEMM tile: MR = 12 output pixels x NR = 32
// output channels, 24 zmm accumulators (+ 2 weight vectors + 1 broadcast =
// 27 of the 32 registers). Tails use __mmask16 stores.
//
// The body is the AVX2 kernel's (x86/conv_tile_inl.h and vec_math_inl.h over
// Avx512Ops instead of Avx2Ops), so the per-output operation sequence, and
// hence every output bit, is the same as AVX2's. On AVX2-only machines the
// test binary also compiles this file, as is, against SIMDe (see
// native/tests/emulated/, which renames its two exported functions).
//
// Built with the AVX-512 flags only (CMake SC2D_AVX512_SOURCES, binding.gyp
// target simd_conv2d_avx512). ODR safety as in the AVX2 kernel.

// GCC 12's AVX-512 headers trip -W(maybe-)uninitialized on their own
// `__Y = __Y` placeholders (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "kernels/x86/avx512_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/conv_tile_inl.h"
#include "kernels/x86/x86_kernels.h"

#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr int MR = static_cast<int>(kConvF32Nhwc12x32Avx512MR);
static_assert(kConvF32Nhwc12x32Avx512NR == 2 * Avx512Ops::kLanes, "NR is two vectors");

using PassFn = void (*)(const ConvTile&, const Epilogue&);

// Rows per pass of block pairs (conv_block_pair): 6 x 4 vectors.
constexpr int kPairRows = 6;

// Each pass repeats the per-tap set-up, so tiles whose taps are short runs
// of channels stay 12 x 32: the stem (7 taps of 21) measured 1% slower in
// pairs, where L11 (3 taps of 192) ran 3-4% faster (Zen 4, alternating
// rounds against the 12 x 32 tile, 1 and 2 threads).
constexpr std::int64_t kPairMinChannels = 32;

PassFn pair_pass(int rows) {
  switch (rows) {
    case 1: return conv_tile_pairs<Avx512Ops, MR, 1, 2>;
    case 2: return conv_tile_pairs<Avx512Ops, MR, 2, 2>;
    case 3: return conv_tile_pairs<Avx512Ops, MR, 3, 2>;
    case 4: return conv_tile_pairs<Avx512Ops, MR, 4, 2>;
    case 5: return conv_tile_pairs<Avx512Ops, MR, 5, 2>;
    default: return conv_tile_pairs<Avx512Ops, MR, 6, 2>;
  }
}

// Tiles of two or more blocks: balanced passes of at most 6 rows over block
// pairs, the rows' addresses seen from each pass's first row.
void conv_tile_in_pairs(const ConvTile& tile, const Epilogue& epilogue) {
  const int rows = static_cast<int>(tile.rows);
  const int passes = (rows + kPairRows - 1) / kPairRows;
  const int per_pass = (rows + passes - 1) / passes;
  ConvTile part = tile;
  for (int done = 0; done < rows; done += per_pass) {
    const int n = rows - done < per_pass ? rows - done : per_pass;
    part.rows = n;
    part.input_rows = tile.input_rows + done;
    part.output = tile.output + done;
    pair_pass(n)(part, epilogue);
  }
}

}  // namespace

void conv_f32_nhwc_12x32_avx512(const ConvTile& tile, const Epilogue& epilogue) {
  check_conv_tile(tile, MR, kConvF32Nhwc12x32Avx512NR);
  if (tile.more_blocks > 0 && tile.channels >= kPairMinChannels) {
    return conv_tile_in_pairs(tile, epilogue);
  }
  switch (tile.rows) {
    case 1: return conv_tile<Avx512Ops, MR, 1>(tile, epilogue);
    case 2: return conv_tile<Avx512Ops, MR, 2>(tile, epilogue);
    case 3: return conv_tile<Avx512Ops, MR, 3>(tile, epilogue);
    case 4: return conv_tile<Avx512Ops, MR, 4>(tile, epilogue);
    case 5: return conv_tile<Avx512Ops, MR, 5>(tile, epilogue);
    case 6: return conv_tile<Avx512Ops, MR, 6>(tile, epilogue);
    case 7: return conv_tile<Avx512Ops, MR, 7>(tile, epilogue);
    case 8: return conv_tile<Avx512Ops, MR, 8>(tile, epilogue);
    case 9: return conv_tile<Avx512Ops, MR, 9>(tile, epilogue);
    case 10: return conv_tile<Avx512Ops, MR, 10>(tile, epilogue);
    case 11: return conv_tile<Avx512Ops, MR, 11>(tile, epilogue);
    default: return conv_tile<Avx512Ops, MR, 12>(tile, epilogue);
  }
}

void activate_f32_avx512(float* values, std::int64_t count, const Epilogue& epilogue) {
  if (count > 0) activate_floats<Avx512Ops>(values, count, epilogue);
}

}  // namespace simd_conv2d
