#include "kernels/registry.h"

#include "kernels/scalar/scalar_kernels.h"

namespace simd_conv2d {
namespace {

const KernelTable kScalarTable = {
    "scalar",
    kConvF32Nhwc4x8ScalarMR,
    kConvF32Nhwc4x8ScalarNR,
    conv_f32_nhwc_4x8_scalar,
};

// SIMD tables are added above the scalar one, each behind the macro its
// build target defines when that ISA's sources are compiled in.
const KernelTable* const kTables[] = {
    &kScalarTable,
};

}  // namespace

const KernelTable* const* compiled_kernel_tables(std::size_t* count) {
  *count = sizeof(kTables) / sizeof(kTables[0]);
  return kTables;
}

}  // namespace simd_conv2d
