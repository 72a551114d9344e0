#include "conv/conv2d.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/check.h"
#include "common/checked_math.h"
#include "conv/aligned_buffer.h"
#include "conv/tiling.h"
#include "conv/layout_transpose.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
namespace {

// Below this much work per thread, starting a parallel region costs more
// than it saves.
constexpr std::int64_t kMinMacsPerThread = std::int64_t{1} << 17;

std::string str(std::int64_t v) { return std::to_string(v); }

bool weights_match(const ConvPlan& plan, const PackedWeights& w, std::string* error) {
  const ConvParams& p = plan.params;
  const WeightDims& d = w.dims;
  if (d.kernel_h == p.kernel_h && d.kernel_w == p.kernel_w && d.groups == p.groups &&
      d.filters == p.filters && d.cin_per_group == plan.cin_per_group) {
    return true;
  }
  *error = "the packed weights (kh " + str(d.kernel_h) + ", kw " + str(d.kernel_w) +
           ", cinPerGroup " + str(d.cin_per_group) + ", filters " + str(d.filters) + ", groups " +
           str(d.groups) + ") do not match the call (kh " + str(p.kernel_h) + ", kw " +
           str(p.kernel_w) + ", channels " + str(p.channels) + " = cinPerGroup " +
           str(plan.cin_per_group) + " x groups " + str(p.groups) + ", filters " +
           str(p.filters) + ")";
  return false;
}

// Packed weights at most this large are swept for every tile while the
// tile's inputs sit in L1; larger ones are swept once, block by block, over
// all tiles, so each block's weights stay in L2 while they are used.
constexpr std::int64_t kBlocksInnerMaxBytes = std::int64_t{512} << 10;

// Fills the tile's tap list (offsets into a block) for a region.
void region_taps(const ConvPlan& plan, const TapRegion& region, std::int64_t nr,
                 std::int64_t* tap_offsets, std::int64_t* taps) {
  const ConvParams& p = plan.params;
  std::int64_t t = 0;
  for (std::int64_t ky = region.ky0; ky < region.ky1; ++ky) {
    for (std::int64_t kx = region.kx0; kx < region.kx1; ++kx) {
      tap_offsets[t++] = (ky * p.kernel_w + kx) * plan.cin_per_group * nr;
    }
  }
  *taps = t;
}

// The engine proper: NHWC in, NHWC out.
//
// Work units are (group, NR block) x tiles. Every output element belongs to
// exactly one unit and the kernel's reduction order is fixed, so the result
// does not depend on how ranges are split between threads.
void run_nhwc(const ConvPlan& plan, const PackedWeights& w, const float* input, float* output) {
  const KernelTable& k = *w.kernels;
  const ConvParams& p = plan.params;
  const std::int64_t mr = k.mr;
  const std::int64_t nr = k.nr;
  const std::int64_t blocks = w.blocks_per_group;
  const std::int64_t fg = plan.filters_per_group;
  const std::int64_t block_count = p.groups * blocks;
  const TilePlan tiles = plan_tiles(plan, mr);
  const std::int64_t units = tiles.tiles * block_count;  // <= output elements
  const bool blocks_inner =
      static_cast<std::int64_t>(w.data.size()) * std::int64_t{sizeof(float)} <= kBlocksInnerMaxBytes;
  const Epilogue epilogue{p.activation, p.alpha};
  const std::int64_t unit_macs = mr * nr * plan.taps * plan.cin_per_group;
  const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerThread / unit_macs);
  const std::int64_t image_stride = p.height * p.width * p.channels;

  parallel_for(units, [&](std::int64_t begin, std::int64_t end) {
    std::vector<const float*> in(static_cast<std::size_t>(plan.taps * mr));
    std::vector<std::int64_t> tap_offsets(static_cast<std::size_t>(plan.taps));
    std::vector<float*> out(static_cast<std::size_t>(mr));
    std::size_t region_index = 0;
    std::int64_t taps = -1;
    for (std::int64_t u = begin; u < end; ++u) {
      const std::int64_t tile = blocks_inner ? u / block_count : u % tiles.tiles;
      const std::int64_t gb = blocks_inner ? u % block_count : u / tiles.tiles;
      const std::int64_t g = gb / blocks;
      const std::int64_t b = gb % blocks;
      // Units visit tiles in order (modulo wrap-around), so the region search
      // only moves forward except when it wraps.
      if (tile < tiles.regions[region_index].first_tile) region_index = 0, taps = -1;
      while (tile >= tiles.regions[region_index].first_tile + tiles.regions[region_index].tiles) {
        ++region_index;
        taps = -1;
      }
      const TapRegion& region = tiles.regions[region_index];
      if (taps < 0) region_taps(plan, region, nr, tap_offsets.data(), &taps);

      std::int64_t first = 0;
      std::int64_t rows = 0;
      tile_span(region, tile - region.first_tile, &first, &rows);
      const std::int64_t region_w = region.ox1 - region.ox0;
      const std::int64_t region_plane = (region.oy1 - region.oy0) * region_w;
      for (std::int64_t r = 0; r < rows; ++r) {
        const std::int64_t i = first + r;
        const std::int64_t n = i / region_plane;
        const std::int64_t oy = region.oy0 + (i % region_plane) / region_w;
        const std::int64_t ox = region.ox0 + i % region_w;
        // Input address of tap (0, 0) for this pixel; it may lie outside the
        // image (in the padding), but only valid taps are added to it below.
        const std::int64_t iy = oy * p.stride_h - plan.pad_top;
        const std::int64_t ix = ox * p.stride_w - plan.pad_left;
        const std::int64_t origin = n * image_stride + (iy * p.width + ix) * p.channels +
                                    g * plan.cin_per_group;
        std::int64_t t = 0;
        for (std::int64_t ky = region.ky0; ky < region.ky1; ++ky) {
          for (std::int64_t kx = region.kx0; kx < region.kx1; ++kx, ++t) {
            const std::int64_t offset =
                origin + (ky * p.dilation_h * p.width + kx * p.dilation_w) * p.channels;
            in[static_cast<std::size_t>(t * mr + r)] = input + offset;
          }
        }
        out[static_cast<std::size_t>(r)] =
            output + ((n * plan.out_h + oy) * plan.out_w + ox) * p.filters + g * fg + b * nr;
      }
      const float* block = w.block(g, b);
      ConvTile t{};
      t.rows = rows;
      t.cols = std::min(nr, fg - b * nr);
      t.taps = taps;
      t.channels = plan.cin_per_group;
      t.input = in.data();
      t.tap_offsets = tap_offsets.data();
      t.bias = block;
      t.weights = block + nr;
      t.output = out.data();
      k.conv_f32_nhwc(t, epilogue);
    }
  }, grain);
}

}  // namespace

bool float_ranges_overlap(const float* a, std::int64_t a_length, const float* b,
                          std::int64_t b_length) {
  if (a_length <= 0 || b_length <= 0) return false;
  // Compared as integers: relational operators on pointers into different
  // arrays are unspecified.
  const auto a0 = reinterpret_cast<std::uintptr_t>(a);
  const auto b0 = reinterpret_cast<std::uintptr_t>(b);
  const auto a1 = a0 + static_cast<std::uintptr_t>(a_length) * sizeof(float);
  const auto b1 = b0 + static_cast<std::uintptr_t>(b_length) * sizeof(float);
  return a0 < b1 && b0 < a1;
}

bool conv2d_forward(const ConvPlan& plan, const PackedWeights& weights, const float* input,
                    std::int64_t input_length, float* output, std::int64_t output_length,
                    std::string* error) {
  if (!weights_match(plan, weights, error)) return false;
  if (input_length != plan.input_elements) {
    *error = "input: expected " + str(plan.input_elements) + " elements, received " +
             str(input_length);
    return false;
  }
  if (output_length != plan.output_elements) {
    *error = "output: expected " + str(plan.output_elements) + " elements, received " +
             str(output_length);
    return false;
  }
  if (plan.pixels == 0) return true;
  if (input == nullptr || output == nullptr) {
    *error = "input and output must not be null";
    return false;
  }
  if (float_ranges_overlap(input, input_length, output, output_length)) {
    *error = "input and output must not share memory";
    return false;
  }
  SC2D_CHECK(weights.kernels != nullptr && weights.nr == weights.kernels->nr);
  SC2D_CHECK(weights.data.size() >=
             weights.dims.groups * weights.blocks_per_group * weights.block_stride);

  const ConvParams& p = plan.params;
  if (!p.channels_first) {
    run_nhwc(plan, weights, input, output);
    return true;
  }
  AlignedFloats input_nhwc(plan.input_elements);
  AlignedFloats output_nhwc(plan.output_elements);
  transpose_nchw_to_nhwc(input, input_nhwc.data(), p.batch, p.channels, p.height * p.width);
  run_nhwc(plan, weights, input_nhwc.data(), output_nhwc.data());
  transpose_nhwc_to_nchw(output_nhwc.data(), output, p.batch, p.filters,
                         plan.out_h * plan.out_w);
  return true;
}

}  // namespace simd_conv2d
