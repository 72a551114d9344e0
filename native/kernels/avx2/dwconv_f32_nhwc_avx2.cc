// AVX2 + FMA depthwise run (DwconvRun, kernel_table.h): tiles of up to 8
// output pixels x one ymm of channels (x86/dwconv_inl.h, shared with the
// AVX-512 kernel, so both give the same bits).
//
// Built with -mavx2 -mfma only (CMake SC2D_AVX2_SOURCES, binding.gyp's avx2
// library). ODR safety (conv-design §4): everything but the exported kernel
// has internal linkage, and no std:: template or shared inline function is
// instantiated here; scripts/check-isa-leaks.sh checks both.
#include "kernels/x86/avx2_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/dwconv_inl.h"
#include "kernels/x86/dwconv_x86_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {

static_assert(kDwconvF32NhwcAvx2Lanes == Avx2Ops::kLanes, "padding is one vector");

void dwconv_f32_nhwc_avx2(const DwconvRun& run, const Epilogue& epilogue) {
  check_dwconv_run(run, kDwconvF32NhwcAvx2Lanes);
  dw_run<Avx2Ops>(run, epilogue);
}

}  // namespace simd_conv2d
