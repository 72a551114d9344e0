// Runs one planned Conv2D forward pass on packed weights.
#pragma once

#include <cstdint>
#include <string>

#include "conv/pack.h"
#include "conv/plan.h"

namespace simd_conv2d {

// input/output are in the layout the plan's params name (NHWC or NCHW) and
// must hold exactly plan.input_elements / plan.output_elements floats; they
// must not overlap. The weights must have been packed for the same kh, kw,
// Cin per group, filters and groups. Returns false with *error on any
// mismatch (nothing is written then). Throws std::bad_alloc when scratch
// memory is unavailable. With batch 0 it returns true without touching the
// buffers.
bool conv2d_forward(const ConvPlan& plan, const PackedWeights& weights, const float* input,
                    std::int64_t input_length, float* output, std::int64_t output_length,
                    std::string* error);

// channels_first: the input is transposed to NHWC first. An output of at
// least this many bytes is then written as NCHW by the igemm and depthwise
// engines themselves, each tile scattered to the channel planes while it is
// in L1; a smaller one is computed into an NHWC buffer and transposed after,
// which is as fast or faster while that buffer stays in L2 (conv2d.cc).
inline constexpr std::int64_t kPlanarOutputMinBytes = std::int64_t{2} << 20;

// Sets the threshold above (tests use 0 to reach the planar path with small
// shapes) and returns the previous value. Not for use while calls run.
std::int64_t set_planar_output_min_bytes(std::int64_t bytes);

// True when the two float ranges share any byte. Used to refuse an output
// that aliases the input before any work is queued.
bool float_ranges_overlap(const float* a, std::int64_t a_length, const float* b,
                          std::int64_t b_length);

}  // namespace simd_conv2d
