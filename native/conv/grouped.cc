#include "conv/grouped.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/check.h"
#include "common/checked_math.h"
#include "conv/tiling.h"
#include "conv/prefetch.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
namespace {

// Input channels the V-lane vector starting at filter f0 needs (filters
// f0 .. min(f0 + V, F) - 1): the groups it spans times Cg.
std::int64_t vector_span(std::int64_t f0, std::int64_t v, std::int64_t filters, std::int64_t fg,
                         std::int64_t cg) {
  const std::int64_t last = std::min(f0 + v, filters) - 1;
  return (last / fg - f0 / fg + 1) * cg;
}

}  // namespace

bool grouped_layout_fits(const WeightDims& d, const KernelTable& k) {
  if (k.gconv_f32_nhwc == nullptr || k.gconv_mr < 1 || k.gconv_window < 1 ||
      k.gconv_lanes < k.gconv_window || k.gconv_lanes % k.gconv_window != 0 ||
      (k.gconv_window & (k.gconv_window - 1)) != 0) {
    return false;
  }
  const std::int64_t v = k.gconv_window;
  const std::int64_t fg = d.filters / d.groups;
  const std::int64_t cg = d.cin_per_group;
  if (cg > 2 * v) return false;
  // Vectors start at multiples of V; their offsets within a group repeat
  // with a period of at most Fg vectors, so that many cover every pattern
  // (a last, partial vector spans no more than a full one at its offset).
  if (fg > (std::int64_t{1} << 16)) return false;  // not a small-group layer
  const std::int64_t vectors = std::min(ceil_div(d.filters, v), fg);
  for (std::int64_t m = 0; m < vectors; ++m) {
    if (vector_span(m * v, v, d.filters, fg, cg) > 2 * v) return false;
  }
  return true;
}

bool grouped_path_applies(const WeightDims& d, const KernelTable& k) {
  const std::int64_t fg = d.filters / d.groups;
  return d.groups > 1 && fg < k.nr && fg <= k.gconv_lanes && grouped_layout_fits(d, k);
}

bool pack_grouped_weights(PackedWeights* packed, const float* kernel, const float* bias,
                          std::string* error) {
  const WeightDims& d = packed->dims;
  const KernelTable& k = *packed->kernels;
  const std::int64_t lanes = k.gconv_lanes;
  const std::int64_t v = k.gconv_window;
  const std::int64_t nv = lanes / v;
  const std::int64_t taps = packed->taps;
  const std::int64_t cg = d.cin_per_group;
  const std::int64_t f = d.filters;
  const std::int64_t fg = packed->filters_per_group;
  const std::int64_t c = cg * d.groups;
  const std::int64_t blocks = ceil_div(f, lanes);
  const std::int64_t map_stride =
      gconv_map_selectors(static_cast<int>(nv)) + 2 * cg * lanes;  // cg <= 2V: small
  std::int64_t stride = 0;
  std::int64_t total = 0;
  std::int64_t map_total = 0;
  const std::int64_t stride_factors[] = {taps, cg, lanes};
  if (!checked_product(stride_factors, 3, &stride) || !checked_add(stride, lanes, &stride) ||
      !checked_mul(stride, blocks, &total) || !checked_mul(map_stride, blocks, &map_total) ||
      total > ConvLimits::kMaxElements || map_total > ConvLimits::kMaxElements ||
      c > INT32_MAX) {
    *error = "the grouped kernel is too large (limit " + std::to_string(ConvLimits::kMaxElements) +
             " elements)";
    return false;
  }

  packed->blocks_per_group = 0;
  packed->block_stride = 0;
  packed->gconv_lanes = lanes;
  packed->gconv_blocks = blocks;
  packed->gconv_block_stride = stride;
  packed->gconv_map_stride = map_stride;
  packed->gconv_data = AlignedFloats(total);
  packed->gconv_lane_maps.assign(static_cast<std::size_t>(map_total), 0);

  const std::int64_t width = std::min(v, c);  // W: a window never passes channel C - 1
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t f0 = b * lanes;
    // Weights: [L bias][tap][q][L], zero past the last filter.
    float* dst = packed->gconv_data.data() + b * stride;
    for (std::int64_t j = 0; j < lanes; ++j) {
      *dst++ = (bias != nullptr && f0 + j < f) ? bias[f0 + j] : 0.0f;
    }
    for (std::int64_t tq = 0; tq < taps * cg; ++tq) {  // (ky, kx, q) row-major, as Keras stores
      const float* src = kernel + tq * f;
      for (std::int64_t j = 0; j < lanes; ++j) *dst++ = f0 + j < f ? src[f0 + j] : 0.0f;
    }

    // Lane map.
    std::int32_t* map = packed->gconv_lane_maps.data() + b * map_stride;
    std::int32_t* sel = map + gconv_map_selectors(static_cast<int>(nv));
    std::int32_t* chan = sel + cg * lanes;
    std::int32_t mode = kGconvIdentity;
    map[1] = static_cast<std::int32_t>(width);
    for (std::int64_t vi = 0; vi < nv; ++vi) {
      const std::int64_t first = f0 + vi * v;  // the vector's first filter
      std::int64_t window_a = 0;
      std::int64_t window_b = 0;
      bool two = false;
      if (first < f) {
        const std::int64_t a = first / fg * cg;  // first channel it needs
        const std::int64_t span = vector_span(first, v, f, fg, cg);
        SC2D_CHECK(span <= 2 * v);
        if (span <= v) {
          window_a = c >= v ? std::min(a, c - v) : 0;
          window_b = window_a;
        } else {
          two = true;
          window_a = a;
          window_b = std::min(a + v, c - v);
        }
      }
      std::int32_t* windows = map + gconv_map_window_a(static_cast<int>(vi));
      windows[0] = static_cast<std::int32_t>(window_a);
      windows[1] = static_cast<std::int32_t>(window_b);
      std::int32_t vmode = two ? kGconvTwoWindows : kGconvIdentity;
      for (std::int64_t i = 0; i < v; ++i) {
        const std::int64_t j = vi * v + i;
        for (std::int64_t q = 0; q < cg; ++q) {
          std::int64_t s = i;  // padding lanes: position i of window A
          std::int64_t ch = window_a;
          if (f0 + j < f) {
            ch = (f0 + j) / fg * cg + q;
            if (!two || ch < window_a + v) {
              s = ch - window_a;
            } else {
              s = (ch - window_b) | std::int64_t{INT32_MIN};
            }
            SC2D_CHECK(ch >= 0 && ch < c);
            SC2D_CHECK((s < 0 && (s & (v - 1)) == ch - window_b) || (s >= 0 && s < width));
          }
          sel[q * lanes + j] = static_cast<std::int32_t>(s);
          chan[q * lanes + j] = static_cast<std::int32_t>(ch);
          if (!two && s != i) {
            const std::int64_t part = gconv_in_lane_width(v);
            vmode = std::max<std::int32_t>(vmode, s / part == i / part ? kGconvInLane : kGconvCross);
          }
        }
      }
      mode = std::max(mode, vmode);
    }
    map[0] = mode;
  }
  return true;
}

void run_nhwc_grouped(const ConvPlan& plan, const PackedWeights& w, const float* input,
                      float* output) {
  const KernelTable& k = *w.kernels;
  const ConvParams& p = plan.params;
  const std::int64_t mr = k.gconv_mr;
  const std::int64_t lanes = w.gconv_lanes;
  const std::int64_t blocks = w.gconv_blocks;
  const std::int64_t cg = plan.cin_per_group;
  const TilePlan tiles = plan_tiles(plan, mr);
  const std::int64_t units = tiles.tiles * blocks;  // <= output elements
  const Epilogue epilogue{p.activation, p.alpha};
  const std::int64_t unit_macs = mr * lanes * plan.taps * cg;
  const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerThread / unit_macs);
  const std::int64_t image_stride = p.height * p.width * p.channels;

  parallel_for(units, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::int64_t> input_taps(static_cast<std::size_t>(plan.taps));
    std::vector<std::int64_t> tap_offsets(static_cast<std::size_t>(plan.taps));
    std::vector<std::int64_t> input_rows(static_cast<std::size_t>(mr));
    std::vector<std::int64_t> output_rows(static_cast<std::size_t>(mr));
    std::size_t region_index = 0;
    std::int64_t taps = -1;
    std::int64_t current_tile = -1;
    std::int64_t rows = 0;
    // Image, row and column (within the region) of the pixel after the last
    // tile's, which is the next tile's first when it follows in the region.
    std::int64_t n = 0, y = 0, x = 0;
    std::int64_t next_pixel = -1;
    std::size_t next_region = 0;
    // Filled once; each unit sets its tile's and block's fields.
    GconvTile t{};
    t.steps = cg;
    t.input = input;
    t.input_rows = input_rows.data();
    t.input_taps = input_taps.data();
    t.tap_offsets = tap_offsets.data();
    t.output_rows = output_rows.data();
    // Unit u is (tile u / blocks, block u % blocks): a tile visits every
    // block while its pixels are in cache (measured faster than sweeping all
    // tiles per block for every depthwise and grouped shape tried, even when
    // a tile's pixels outgrow L1). Both advance incrementally from `begin`.
    std::int64_t tile = begin / blocks;
    std::int64_t b = begin % blocks;
    for (std::int64_t u = begin; u < end; ++u) {
      if (tile != current_tile) {
        current_tile = tile;
        // Units visit tiles in order, so the region search only moves forward.
        while (tile >=
               tiles.regions[region_index].first_tile + tiles.regions[region_index].tiles) {
          ++region_index;
          taps = -1;
        }
        const TapRegion& region = tiles.regions[region_index];
        if (taps < 0) {
          std::int64_t count = 0;
          for (std::int64_t ky = region.ky0; ky < region.ky1; ++ky) {
            for (std::int64_t kx = region.kx0; kx < region.kx1; ++kx, ++count) {
              input_taps[static_cast<std::size_t>(count)] =
                  ((ky - region.ky0) * p.dilation_h * p.width + (kx - region.kx0) * p.dilation_w) *
                  p.channels;
              tap_offsets[static_cast<std::size_t>(count)] = (ky * p.kernel_w + kx) * cg * lanes;
            }
          }
          taps = count;
        }
        std::int64_t first = 0;
        tile_span(region, tile - region.first_tile, &first, &rows);
        // The tile's pixels are consecutive in the region (row-major over
        // image, row, column): step from where the previous tile of the
        // region ended, or divide when the tile does not follow it.
        const std::int64_t region_w = region.ox1 - region.ox0;
        const std::int64_t region_h = region.oy1 - region.oy0;
        if (first != next_pixel || region_index != next_region) {
          const std::int64_t region_plane = region_h * region_w;
          n = first / region_plane;
          y = first % region_plane / region_w;
          x = first % region_w;
        }
        next_pixel = first + rows;
        next_region = region_index;
        for (std::int64_t r = 0; r < rows; ++r) {
          const std::int64_t oy = region.oy0 + y;
          const std::int64_t ox = region.ox0 + x;
          // The pixel under the region's first tap, which is valid (when the
          // region has taps at all), so the offset lies inside the image.
          const std::int64_t iy = oy * p.stride_h - plan.pad_top + region.ky0 * p.dilation_h;
          const std::int64_t ix = ox * p.stride_w - plan.pad_left + region.kx0 * p.dilation_w;
          input_rows[static_cast<std::size_t>(r)] =
              taps > 0 ? n * image_stride + (iy * p.width + ix) * p.channels : 0;
          output_rows[static_cast<std::size_t>(r)] =
              ((n * plan.out_h + oy) * plan.out_w + ox) * p.filters;
          prefetch_output(output + output_rows[static_cast<std::size_t>(r)], p.filters);
          if (++x == region_w) {
            x = 0;
            if (++y == region_h) y = 0, ++n;
          }
        }
      }
      const float* block = w.gconv_block(b);
      t.rows = rows;
      t.lanes = std::min(lanes, p.filters - b * lanes);
      t.taps = taps;
      t.bias = block;
      t.weights = block + lanes;
      t.lane_map = w.gconv_lane_map(b);
      t.output = output + b * lanes;
      k.gconv_f32_nhwc(t, epilogue);
      if (++b == blocks) b = 0, ++tile;
    }
  }, grain);
}

}  // namespace simd_conv2d
