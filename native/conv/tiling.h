// Groups output pixels into regions that share one set of valid kernel taps,
// and splits each region into tiles of at most MR pixels.
//
// Along each spatial axis the valid taps of output index o form one interval
// [lo(o), hi(o)) (padding cuts taps off the ends), and o's with equal
// intervals are consecutive. The cross product of the H and W intervals is a
// set of rectangles (for 'same' 3x3: four corners, four edges, the interior),
// each covering all images. A tile lists only its region's taps, so padding
// costs no multiply-adds, and a tile may span rows and images, so small maps
// (7x7) still fill whole register tiles.
#pragma once

#include <cstdint>
#include <vector>

#include "conv/plan.h"

namespace simd_conv2d {

// Output indices [o0, o1) along one axis whose valid taps are [k0, k1)
// (empty when k0 == k1: every tap lands in the padding).
struct AxisInterval {
  std::int64_t o0, o1;
  std::int64_t k0, k1;
};

// The taps k with 0 <= o*s + k*d - pad < n of each output o < out (n input
// positions, k kernel taps, stride s, dilation d, leading pad), as runs of
// consecutive outputs with equal intervals, in output order.
std::vector<AxisInterval> axis_intervals(std::int64_t out, std::int64_t n, std::int64_t k,
                                         std::int64_t s, std::int64_t d, std::int64_t pad);

struct TapRegion {
  std::int64_t oy0, oy1, ox0, ox1;  // output rows [oy0, oy1) x columns [ox0, ox1), every image
  std::int64_t ky0, ky1, kx0, kx1;  // the taps valid for all of them
  std::int64_t pixels;              // batch * rows * columns
  // Tiles are balanced: `tiles` tiles, the first `long_tiles` with
  // `tile_rows + 1` pixels and the rest with `tile_rows`.
  std::int64_t tiles;
  std::int64_t tile_rows;
  std::int64_t long_tiles;
  std::int64_t first_tile;  // index of this region's first tile in the plan
};

struct TilePlan {
  std::vector<TapRegion> regions;
  std::int64_t tiles = 0;
};

// Regions and tiles for `plan` with tiles of at most `mr` pixels.
TilePlan plan_tiles(const ConvPlan& plan, std::int64_t mr);

// The first pixel (index within the region, row-major over image, row,
// column) and pixel count of tile `t` of `region`.
inline void tile_span(const TapRegion& region, std::int64_t t, std::int64_t* first,
                      std::int64_t* count) {
  const std::int64_t extra = t < region.long_tiles ? t : region.long_tiles;
  *first = t * region.tile_rows + extra;
  *count = region.tile_rows + (t < region.long_tiles ? 1 : 0);
}

}  // namespace simd_conv2d
