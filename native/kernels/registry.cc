#include "kernels/registry.h"

#include "kernels/neon/neon_kernels.h"
#include "kernels/scalar/scalar_kernels.h"
#include "kernels/x86/dwconv_x86_kernels.h"
#include "kernels/x86/gconv_x86_kernels.h"
#include "kernels/x86/x86_kernels.h"

namespace simd_conv2d {
namespace {

#if SIMD_CONV2D_HAVE_AVX512
const KernelTable kAvx512Table = {
    "avx512",
    kConvF32Nhwc12x32Avx512MR,
    kConvF32Nhwc12x32Avx512NR,
    conv_f32_nhwc_12x32_avx512,
    gconv_f32_nhwc_12x16_avx512,
    kGconvF32Nhwc12x16Avx512MR,
    kGconvF32Nhwc12x16Avx512Lanes,
    kGconvF32Nhwc12x16Avx512Window,
    dwconv_f32_nhwc_avx512,
    kDwconvF32NhwcAvx512Lanes,
    pointwise_f32_nhwc_4x6x16_avx512,
};
#endif

#if SIMD_CONV2D_HAVE_AVX2
const KernelTable kAvx2Table = {
    "avx2",
    kConvF32Nhwc6x16Avx2MR,
    kConvF32Nhwc6x16Avx2NR,
    conv_f32_nhwc_6x16_avx2,
    gconv_f32_nhwc_12x8_avx2,
    kGconvF32Nhwc12x8Avx2MR,
    kGconvF32Nhwc12x8Avx2Lanes,
    kGconvF32Nhwc12x8Avx2Window,
    dwconv_f32_nhwc_avx2,
    kDwconvF32NhwcAvx2Lanes,
};
#endif

#if SIMD_CONV2D_HAVE_NEON
const KernelTable kNeonTable = {
    "neon",
    kConvF32Nhwc8x8NeonMR,
    kConvF32Nhwc8x8NeonNR,
    conv_f32_nhwc_8x8_neon,
    gconv_f32_nhwc_8x8_neon,
    kGconvF32Nhwc8x8NeonMR,
    kGconvF32Nhwc8x8NeonLanes,
    kGconvF32Nhwc8x8NeonWindow,
    dwconv_f32_nhwc_neon,
    kDwconvF32NhwcNeonLanes,
};
#endif

const KernelTable kScalarTable = {
    "scalar",
    kConvF32Nhwc4x8ScalarMR,
    kConvF32Nhwc4x8ScalarNR,
    conv_f32_nhwc_4x8_scalar,
    gconv_f32_nhwc_scalar,
    kGconvF32NhwcScalarMR,
    kGconvF32NhwcScalarLanes,
    kGconvF32NhwcScalarWindow,
    dwconv_f32_nhwc_scalar,
    kDwconvF32NhwcScalarLanes,
};

// SIMD tables are added above the scalar one, each behind the macro its
// build target defines when that ISA's sources are compiled in.
const KernelTable* const kTables[] = {
#if SIMD_CONV2D_HAVE_AVX512
    &kAvx512Table,
#endif
#if SIMD_CONV2D_HAVE_AVX2
    &kAvx2Table,
#endif
#if SIMD_CONV2D_HAVE_NEON
    &kNeonTable,
#endif
    &kScalarTable,
};

}  // namespace

const KernelTable* const* compiled_kernel_tables(std::size_t* count) {
  *count = sizeof(kTables) / sizeof(kTables[0]);
  return kTables;
}

}  // namespace simd_conv2d
