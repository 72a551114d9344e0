// Tile-local indirection: for MR consecutive output pixels (flattened over
// batch, rows and columns) and every kernel tap, the address of the input
// pixel's first channel of the group, or of a shared zero row where the tap
// lands in the padding.
//
// Stride, dilation and the asymmetric Keras "same" pads live only here, so
// the microkernel stays a branch-free GEMM over pointers.
#pragma once

#include <cstdint>

#include "conv/plan.h"

namespace simd_conv2d {

// Writes plan.taps * mr pointers to indirection, laid out [tap][row].
// Rows past the last output pixel repeat the last pixel, so the kernel can
// load from them safely; their results are never stored.
//   input  NHWC input of the whole batch (plan.input_elements floats)
//   zeros  at least plan.cin_per_group zero floats
void build_tile_indirection(const ConvPlan& plan, const float* input, const float* zeros,
                            std::int64_t group, std::int64_t first_pixel, std::int64_t mr,
                            const float** indirection);

}  // namespace simd_conv2d
