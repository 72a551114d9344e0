// The DwconvRun preconditions every x86 depthwise kernel checks on entry.
// Plain integer code, but include it only from the ISA translation units
// (next to dwconv_inl.h): it has internal linkage like the rest.
#pragma once

#include <cstdint>

#include "common/check.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {
namespace {

inline void check_dwconv_run(const DwconvRun& run, std::int64_t lanes) {
  SC2D_CHECK(run.pixels >= 1 && run.channels >= 1 && run.rows >= 0 && run.row_taps >= 0);
  SC2D_CHECK(run.padded_channels >= run.channels && run.padded_channels % lanes == 0);
  SC2D_CHECK(run.bias != nullptr && run.output != nullptr);
  SC2D_CHECK(run.rows == 0 || run.row_taps == 0 ||
             (run.input != nullptr && run.weight_offsets != nullptr && run.weights != nullptr));
}

}  // namespace
}  // namespace simd_conv2d
