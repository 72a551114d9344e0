#include "conv/layout_transpose.h"

#include <algorithm>

#include "common/checked_math.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
namespace {

// Pixels per task: the strided side then touches 64 lines per channel sweep,
// which stay in L1 while the contiguous side streams.
constexpr std::int64_t kPixelBlock = 64;
// Below this many floats per thread a parallel region is not worth starting.
constexpr std::int64_t kMinFloatsPerThread = std::int64_t{1} << 16;

template <bool kToNhwc>
void transpose(const float* src, float* dst, std::int64_t batch, std::int64_t channels,
               std::int64_t pixels) {
  const std::int64_t blocks = ceil_div(pixels, kPixelBlock);
  const std::int64_t grain = std::max<std::int64_t>(1, kMinFloatsPerThread / (kPixelBlock * channels));
  parallel_for(batch * blocks, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t task = begin; task < end; ++task) {
      const std::int64_t n = task / blocks;
      const std::int64_t p0 = (task % blocks) * kPixelBlock;
      const std::int64_t p1 = std::min(pixels, p0 + kPixelBlock);
      const std::int64_t image = n * channels * pixels;
      for (std::int64_t c = 0; c < channels; ++c) {
        for (std::int64_t p = p0; p < p1; ++p) {
          const std::int64_t planar = image + c * pixels + p;
          const std::int64_t interleaved = image + p * channels + c;
          if (kToNhwc) {
            dst[interleaved] = src[planar];
          } else {
            dst[planar] = src[interleaved];
          }
        }
      }
    }
  }, grain);
}

}  // namespace

void transpose_nchw_to_nhwc(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels) {
  transpose<true>(src, dst, batch, channels, pixels);
}

void transpose_nhwc_to_nchw(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels) {
  transpose<false>(src, dst, batch, channels, pixels);
}

}  // namespace simd_conv2d
