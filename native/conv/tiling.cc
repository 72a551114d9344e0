#include "conv/tiling.h"

#include <algorithm>

#include "common/checked_math.h"

namespace simd_conv2d {
namespace {

// floor(a / b) for b > 0 and any sign of a.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

std::vector<AxisInterval> axis_intervals(std::int64_t out, std::int64_t n, std::int64_t k,
                                         std::int64_t s, std::int64_t d, std::int64_t pad) {
  std::vector<AxisInterval> runs;
  for (std::int64_t o = 0; o < out; ++o) {
    const std::int64_t start = o * s - pad;  // input index of tap 0
    // k0 = ceil(-start / d), k1 = floor((n - 1 - start) / d) + 1, clamped to [0, k].
    const std::int64_t k0 = std::clamp<std::int64_t>(-floor_div(start, d), 0, k);
    const std::int64_t k1 = std::clamp<std::int64_t>(floor_div(n - 1 - start, d) + 1, 0, k);
    const std::int64_t hi = std::max(k0, k1);
    if (!runs.empty() && runs.back().k0 == k0 && runs.back().k1 == hi) {
      runs.back().o1 = o + 1;
    } else {
      runs.push_back({o, o + 1, k0, hi});
    }
  }
  return runs;
}

TilePlan plan_tiles(const ConvPlan& plan, std::int64_t mr) {
  const ConvParams& p = plan.params;
  TilePlan out;
  if (plan.pixels == 0) return out;
  const auto rows = axis_intervals(plan.out_h, p.height, p.kernel_h, p.stride_h, p.dilation_h,
                                   plan.pad_top);
  const auto cols = axis_intervals(plan.out_w, p.width, p.kernel_w, p.stride_w, p.dilation_w,
                                   plan.pad_left);
  out.regions.reserve(rows.size() * cols.size());
  for (const AxisInterval& y : rows) {
    for (const AxisInterval& x : cols) {
      TapRegion r{};
      r.oy0 = y.o0;
      r.oy1 = y.o1;
      r.ox0 = x.o0;
      r.ox1 = x.o1;
      r.ky0 = y.k0;
      r.ky1 = y.k1;
      r.kx0 = x.k0;
      r.kx1 = x.k1;
      r.pixels = p.batch * (y.o1 - y.o0) * (x.o1 - x.o0);  // <= plan.pixels
      r.tiles = ceil_div(r.pixels, mr);
      r.tile_rows = r.pixels / r.tiles;
      r.long_tiles = r.pixels % r.tiles;
      r.first_tile = out.tiles;
      out.tiles += r.tiles;
      out.regions.push_back(r);
    }
  }
  return out;
}

}  // namespace simd_conv2d
