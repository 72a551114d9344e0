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

// The output side of a channels_first call fused into the convolution: a
// tile of `rows` pixels x `channels` channels, row r at tile + r *
// tile_stride, goes to channel planes, channel c of row r to
// planes[c * plane_stride + pixel[r]]. Consecutive pixels move as 4 x 4
// blocks.
void scatter_tile_to_planes(const float* tile, std::int64_t tile_stride, std::int64_t rows,
                            std::int64_t channels, const std::int64_t* pixel, float* planes,
                            std::int64_t plane_stride);

}  // namespace simd_conv2d
