// The x86 depthwise kernels (DwconvRun, kernel_table.h; conv/depthwise.h),
// as seen from baseline code: declarations and constants only. Definitions
// live in native/kernels/avx2/ and native/kernels/avx512/, compiled with
// their ISA's flags; call them only when cpu_supports_isa() says the CPU can
// run them.
#pragma once

#include <cstdint>

#include "kernels/activation.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kDwconvF32NhwcAvx2Lanes = 8;
constexpr std::int64_t kDwconvF32NhwcAvx512Lanes = 16;

void dwconv_f32_nhwc_avx2(const DwconvRun& run, const Epilogue& epilogue);
void dwconv_f32_nhwc_avx512(const DwconvRun& run, const Epilogue& epilogue);

}  // namespace simd_conv2d
