#include "conv/indirection.h"

#include <algorithm>

namespace simd_conv2d {

void build_tile_indirection(const ConvPlan& plan, const float* input, const float* zeros,
                            std::int64_t group, std::int64_t first_pixel, std::int64_t mr,
                            const float** indirection) {
  const ConvParams& p = plan.params;
  const std::int64_t plane = plan.out_h * plan.out_w;
  const std::int64_t channel_offset = group * plan.cin_per_group;
  for (std::int64_t r = 0; r < mr; ++r) {
    const std::int64_t m = std::min(first_pixel + r, plan.pixels - 1);
    const std::int64_t n = m / plane;
    const std::int64_t oy = (m % plane) / plan.out_w;
    const std::int64_t ox = m % plan.out_w;
    // All terms are bounded by the plan's limits (< 2^51), so no overflow.
    const std::int64_t iy0 = oy * p.stride_h - plan.pad_top;
    const std::int64_t ix0 = ox * p.stride_w - plan.pad_left;
    const float* image = input + n * p.height * p.width * p.channels + channel_offset;
    for (std::int64_t ky = 0; ky < p.kernel_h; ++ky) {
      const std::int64_t iy = iy0 + ky * p.dilation_h;
      const bool row_inside = iy >= 0 && iy < p.height;
      for (std::int64_t kx = 0; kx < p.kernel_w; ++kx) {
        const std::int64_t ix = ix0 + kx * p.dilation_w;
        const bool inside = row_inside && ix >= 0 && ix < p.width;
        indirection[(ky * p.kernel_w + kx) * mr + r] =
            inside ? image + (iy * p.width + ix) * p.channels : zeros;
      }
    }
  }
}

}  // namespace simd_conv2d
