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

// How a channels_first call runs (conv2d.cc). The batch goes in parts of
// whole images, about `part_bytes` of input and output each, so that each
// part's NHWC copies stay in cache. Each part's input is transposed to NHWC;
// an output of at least `planar_output_min_bytes` is then written as NCHW by
// the igemm and depthwise engines themselves, each tile scattered to the
// channel planes while it is in L1; a smaller one is computed into an NHWC
// buffer, which stays in L2, and transposed after.
struct ChannelsFirstTuning {
  std::int64_t part_bytes = std::int64_t{2} << 20;
  std::int64_t planar_output_min_bytes = std::int64_t{2} << 20;
};

// Replaces the tuning (tests use 1-byte parts and 0 to reach every path with
// small shapes) and returns the previous one. Not while calls run.
ChannelsFirstTuning set_channels_first_tuning(const ChannelsFirstTuning& tuning);

// True when the two float ranges share any byte. Used to refuse an output
// that aliases the input before any work is queued.
bool float_ranges_overlap(const float* a, std::int64_t a_length, const float* b,
                          std::int64_t b_length);

}  // namespace simd_conv2d
