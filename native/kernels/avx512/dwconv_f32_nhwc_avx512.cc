// AVX-512 (F/BW/DQ/VL) depthwise run (DwconvRun, kernel_table.h): the AVX2
// kernel's body (x86/dwconv_inl.h) over Avx512Ops, tiles of up to 8 output
// pixels x one zmm (16 channels). Same per-output operation sequence as the
// AVX2 kernel, hence the same bits; this instantiation only runs where
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

void dwconv_f32_nhwc_avx512(const DwconvRun& run, const Epilogue& epilogue) {
  check_dwconv_run(run, kDwconvF32NhwcAvx512Lanes);
  dw_run<Avx512Ops>(run, epilogue);
}

}  // namespace simd_conv2d
