// AVX-512 (F/BW/DQ/VL) depthwise run (DwconvRun, kernel_table.h): the AVX2
// kernel's body (x86/dwconv_inl.h) over Avx512Ops, tiles of up to 8 output
// pixels x one zmm (16 channels), for layers of 256 channels or more; the
// AVX2 kernel itself below that (see kDwZmmMinChannels). Same per-output
// operation sequence as the AVX2 kernel, hence the same bits; this instantiation only runs where
// cpu_supports_isa("avx512") is true.
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
#include "kernels/x86/dwconv_inl.h"
#include "kernels/x86/dwconv_x86_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {

static_assert(kDwconvF32NhwcAvx512Lanes == Avx512Ops::kLanes, "padding is one vector");
static_assert(kDwconvF32NhwcAvx512Lanes % kDwconvF32NhwcAvx2Lanes == 0,
              "the AVX2 kernel accepts this table's padding");

// Below this many channels the AVX2 kernel runs the layer. On Zen 4 (the
// only AVX-512 CPU measured) its 8-lane tiles beat these 16-lane ones there
// at every input alignment, and JS arrays are only 16-byte aligned, where
// each misaligned zmm load crosses a cache line. One thread, best of 400
// calls, input offset 0 / 16 / 32 / 48 bytes from a 64-byte boundary:
//   112x112x32   zmm 0.106 0.149 0.115 0.146   ymm 0.098 0.112 0.100 0.125 ms
//   56x56x128    zmm 0.133 0.183 0.127 0.157   ymm 0.118 0.141 0.118 0.150
//   28x28x256    zmm 0.067 0.107 0.090 0.102   ymm 0.091 0.105 0.093 0.115
//   14x14x512    zmm 0.042 0.076 0.070 0.074   ymm 0.055 0.078 0.069 0.083
// Same reduction order, so the same bits either way.
constexpr std::int64_t kDwZmmMinChannels = 256;

void dwconv_f32_nhwc_avx512(const DwconvRun& run, const Epilogue& epilogue) {
  check_dwconv_run(run, kDwconvF32NhwcAvx512Lanes);
  if (run.channels < kDwZmmMinChannels) return dwconv_f32_nhwc_avx2(run, epilogue);
  dw_run<Avx512Ops>(run, epilogue);
}

}  // namespace simd_conv2d
