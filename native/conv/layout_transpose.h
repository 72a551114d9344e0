// NCHW <-> NHWC copies for channels_first calls. The engine only computes
// NHWC; converting at the edges costs little next to the convolution itself
// and keeps one kernel family for both layouts.
#pragma once

#include <cstdint>

namespace simd_conv2d {

// src is (batch, channels, pixels), dst is (batch, pixels, channels).
void transpose_nchw_to_nhwc(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels);

// src is (batch, pixels, channels), dst is (batch, channels, pixels).
void transpose_nhwc_to_nchw(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels);

}  // namespace simd_conv2d
