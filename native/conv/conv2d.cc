#include "conv/conv2d.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/check.h"
#include "common/checked_math.h"
#include "conv/aligned_buffer.h"
#include "conv/depthwise.h"
#include "conv/grouped.h"
#include "conv/tiling.h"
#include "conv/layout_transpose.h"
#include "conv/pointwise.h"
#include "conv/prefetch.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
namespace {

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

// The taps a region's tiles list. With dilation_w == 1 and one group, the
// valid taps of one kernel row read consecutive input floats (whole pixels)
// and consecutive packed weights, so they merge into one tap of (kx1 - kx0) * Cg channels: fewer, longer
// reductions (what makes a 3-channel 7x7 stem efficient) in the same order,
// so the bits do not change.
struct RegionTaps {
  std::int64_t count = 0;
  std::int64_t channels = 0;               // floats per pixel per listed tap
  std::vector<std::int64_t> weights;       // per tap: offset into a block's weights
  std::vector<std::int64_t> input;         // per tap: offset from the region's first tap (>= 0)
};

void region_taps(const ConvPlan& plan, const TapRegion& region, std::int64_t nr, RegionTaps* out) {
  const ConvParams& p = plan.params;
  const std::int64_t cg = plan.cin_per_group;
  const bool merge = p.dilation_w == 1 && p.groups == 1 && region.kx1 > region.kx0;
  out->channels = merge ? (region.kx1 - region.kx0) * cg : cg;
  out->weights.clear();
  out->input.clear();
  for (std::int64_t ky = region.ky0; ky < region.ky1; ++ky) {
    for (std::int64_t kx = region.kx0; kx < region.kx1; kx += merge ? region.kx1 - region.kx0 : 1) {
      out->weights.push_back((ky * p.kernel_w + kx) * cg * nr);
      out->input.push_back(((ky - region.ky0) * p.dilation_h * p.width +
                            (kx - region.kx0) * p.dilation_w) * p.channels);
    }
  }
  out->count = static_cast<std::int64_t>(out->weights.size());
}

// Walks a region's pixels in order: image, then row, then column.
struct PixelCursor {
  std::int64_t n, oy, ox;
  void seek(const TapRegion& r, std::int64_t index) {
    const std::int64_t w = r.ox1 - r.ox0;
    const std::int64_t plane = (r.oy1 - r.oy0) * w;
    n = index / plane;
    oy = r.oy0 + (index % plane) / w;
    ox = r.ox0 + index % w;
  }
  void next(const TapRegion& r) {
    if (++ox < r.ox1) return;
    ox = r.ox0;
    if (++oy < r.oy1) return;
    oy = r.oy0;
    ++n;
  }
};

// The engine proper: NHWC in; NHWC out, or with `planar_output` NCHW out
// (channels_first). Planar, each call's tile lands in a small per-thread
// scratch, hot in L1, and goes from there to the channel planes, instead of
// a whole NHWC map being written and then transposed in a pass of its own.
//
// Work units are (group, NR block) x tiles. Every output element belongs to
// exactly one unit and the kernel's reduction order is fixed, so the result
// does not depend on how ranges are split between threads.
void run_nhwc(const ConvPlan& plan, const PackedWeights& w, const float* input, float* output,
              bool planar_output) {
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
  const std::int64_t out_plane = plan.out_h * plan.out_w;
  const std::int64_t scratch_stride = blocks * nr;  // a group's channels, padded to whole blocks

  parallel_for(units, [&](std::int64_t begin, std::int64_t end) {
    std::vector<std::int64_t> in_rows(static_cast<std::size_t>(mr));
    std::vector<float*> out_base(static_cast<std::size_t>(mr));
    std::vector<float*> out(static_cast<std::size_t>(mr));
    // Planar: where row r's pixel lies in a channel plane, its image's offset included.
    std::vector<std::int64_t> out_pixel(static_cast<std::size_t>(mr));
    AlignedFloats scratch(planar_output ? mr * scratch_stride : 0);
    RegionTaps taps;
    std::size_t region_index = 0;
    bool taps_ready = false;
    std::int64_t built_tile = -1;
    std::int64_t built_group = -1;
    std::int64_t rows = 0;
    PixelCursor built_px{};  // the first pixel of built_tile
    ConvTile t{};
    t.input = input;
    t.input_rows = in_rows.data();
    t.output = out.data();
    for (std::int64_t u = begin; u < end;) {
      const std::int64_t tile = blocks_inner ? u / block_count : u % tiles.tiles;
      std::int64_t gb = blocks_inner ? u % block_count : u / tiles.tiles;
      // Blocks inner: the following units are this tile's next blocks, run
      // below without decoding them again (the per-unit bookkeeping is a
      // tenth of a short 1x1 tile's work).
      const std::int64_t run = blocks_inner ? std::min(end - u, block_count - gb) : 1;
      u += run;
      // Units visit tiles in order (modulo wrap-around), so the region search
      // only moves forward except when it wraps.
      if (tile < tiles.regions[region_index].first_tile) region_index = 0, taps_ready = false;
      while (tile >= tiles.regions[region_index].first_tile + tiles.regions[region_index].tiles) {
        ++region_index;
        taps_ready = false;
      }
      const TapRegion& region = tiles.regions[region_index];
      if (!taps_ready) {
        region_taps(plan, region, nr, &taps);
        taps_ready = true;
        built_tile = -1;
        t.taps = taps.count;
        t.channels = taps.channels;
        t.tap_offsets = taps.weights.data();
        t.input_taps = taps.input.data();
      }

      std::int64_t g = gb / blocks;
      std::int64_t b = gb % blocks;
      for (std::int64_t i = 0; i < run;) {
        // A tile's input and output rows are the same for every block of its group.
        if (tile != built_tile || g != built_group) {
          std::int64_t first = 0;
          std::int64_t span = 0;
          tile_span(region, tile - region.first_tile, &first, &span);
          if (built_tile >= 0 && tile == built_tile + 1 && g == built_group && span == rows &&
              built_px.ox + 2 * rows <= region.ox1) {
            // The previous tile of this region moved `rows` columns along
            // the same output row: every row's input and output shift by the
            // same amount, cheaper than recomputing them.
            const std::int64_t in_shift = rows * p.stride_w * p.channels;
            for (std::int64_t r = 0; r < rows; ++r) {
              in_rows[static_cast<std::size_t>(r)] += in_shift;
              if (!planar_output) out_base[static_cast<std::size_t>(r)] += rows * p.filters;
              out_pixel[static_cast<std::size_t>(r)] += rows;
            }
            built_px.ox += rows;
          } else {
            rows = span;
            PixelCursor px{};
            px.seek(region, first);
            built_px = px;
            for (std::int64_t r = 0; r < rows; ++r, px.next(region)) {
              // The pixel under the region's first tap, which is valid (when
              // the region has taps at all), so the offset lies in the image.
              const std::int64_t iy =
                  px.oy * p.stride_h - plan.pad_top + region.ky0 * p.dilation_h;
              const std::int64_t ix =
                  px.ox * p.stride_w - plan.pad_left + region.kx0 * p.dilation_w;
              in_rows[static_cast<std::size_t>(r)] =
                  taps.count > 0
                      ? px.n * image_stride + (iy * p.width + ix) * p.channels + g * plan.cin_per_group
                      : 0;
              out_base[static_cast<std::size_t>(r)] =
                  planar_output
                      ? scratch.data() + r * scratch_stride
                      : output + ((px.n * plan.out_h + px.oy) * plan.out_w + px.ox) * p.filters +
                            g * fg;
              out_pixel[static_cast<std::size_t>(r)] =
                  px.n * p.filters * out_plane + px.oy * plan.out_w + px.ox;
            }
          }
          built_tile = tile;
          built_group = g;
          t.rows = rows;
        }
        // One call for this group's blocks in the run (the kernel loops over them).
        const std::int64_t count = std::min(run - i, blocks - b);
        const std::int64_t last = b + count - 1;
        // Prefetch just the columns this call stores: with the blocks outer
        // (large weights) a unit is one NR block of the tile's rows.
        const std::int64_t stored = std::min(count * nr, fg - b * nr);
        for (std::int64_t r = 0; r < rows; ++r) {
          out[r] = out_base[r] + b * nr;
          if (!planar_output) prefetch_output(out[r], stored);
        }
        const float* block = w.block(g, b);
        t.cols = std::min(nr, fg - last * nr);
        t.bias = block;
        t.weights = block + nr;
        t.more_blocks = count - 1;
        t.block_stride = w.block_stride;
        k.conv_f32_nhwc(t, epilogue);
        if (planar_output) {
          scatter_tile_to_planes(scratch.data() + b * nr, scratch_stride, rows, stored,
                                 out_pixel.data(), output + (g * fg + b * nr) * out_plane,
                                 out_plane);
        }
        i += count;
        b += count;
        if (b == blocks) b = 0, ++g;
      }
    }
  }, grain);
}

// Where the two ways of writing a channels_first output cross over, on the
// benchmark machine (Zen 4, 1 MiB L2 per core; old and new build alternating
// in one process, new output per call, channels_first time over
// channels_last): planar took L3 (3.2 MB output, 1x1, 256 filters) from
// 1.37-1.46x to 1.11-1.13x; L7 (3.2 MB) and L11 (6.4 MB) stayed within the
// noise (1.16-1.28x either way); L2 (0.8 MB) went from 1.06x to 1.08-1.10x.
// An NHWC buffer that stays in L2 makes the transpose after it cheap; past
// that both ways are bound by writing the new output, and planar skips the
// buffer's own round trip.
std::atomic<std::int64_t> g_planar_output_min_bytes{ChannelsFirstTuning{}.planar_output_min_bytes};
// Parts of 2 MiB: L11 (eight 56x56x64 images) went from 1.17-1.19x to
// 1.12-1.13x channels_last against transposing the whole 6.4 MB batch each
// way (same measurement as above).
std::atomic<std::int64_t> g_part_bytes{ChannelsFirstTuning{}.part_bytes};

// The plan of `images` images of the same shape: every size scales with the batch.
ConvPlan plan_for_images(const ConvPlan& plan, std::int64_t images) {
  ConvPlan part = plan;
  const std::int64_t batch = plan.params.batch;
  part.params.batch = images;
  part.pixels = plan.pixels / batch * images;
  part.input_elements = plan.input_elements / batch * images;
  part.output_elements = plan.output_elements / batch * images;
  return part;
}

}  // namespace

ChannelsFirstTuning set_channels_first_tuning(const ChannelsFirstTuning& tuning) {
  ChannelsFirstTuning old;
  old.part_bytes = g_part_bytes.exchange(tuning.part_bytes);
  old.planar_output_min_bytes = g_planar_output_min_bytes.exchange(tuning.planar_output_min_bytes);
  return old;
}

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
  // Small-group layers (few filters per group) were packed for the path that
  // vectorises across groups; see conv/grouped.h for the rule.
  const bool grouped = use_grouped_path(weights);
  SC2D_CHECK(!grouped || (weights.kernels->gconv_f32_nhwc != nullptr &&
                          weights.gconv_lanes == weights.kernels->gconv_lanes &&
                          weights.gconv_data.size() >=
                              weights.gconv_blocks * weights.gconv_block_stride));
  // Depthwise layers (Cg = Fg = 1) were packed for their own path; see
  // conv/depthwise.h.
  const bool depthwise = use_depthwise_path(weights);
  SC2D_CHECK(!depthwise || (!grouped && weights.kernels->dwconv_f32_nhwc != nullptr &&
                            weights.dims.cin_per_group == 1 &&
                            weights.dims.filters == weights.dims.groups &&
                            weights.dw_channels >= weights.dims.filters &&
                            weights.dw_channels % weights.kernels->dwconv_lanes == 0 &&
                            weights.dw_data.size() >= weights.dw_channels * (weights.taps + 1)));
  const auto engine = [&](const ConvPlan& part, const float* in, float* out, bool planar_output) {
    if (depthwise) {
      run_nhwc_depthwise(part, weights, in, out, planar_output);
    } else if (grouped) {
      SC2D_CHECK(!planar_output);
      run_nhwc_grouped(part, weights, in, out);
    } else if (!planar_output && use_pointwise_path(part, weights)) {
      run_nhwc_pointwise(part, weights, in, out);
    } else {
      run_nhwc(part, weights, in, out, planar_output);
    }
  };
  if (!plan.params.channels_first) {
    engine(plan, input, output, /*planar_output=*/false);
    return true;
  }
  // channels_first, a few images at a time (ChannelsFirstTuning).
  const std::int64_t in_image = plan.input_elements / plan.params.batch;
  const std::int64_t out_image = plan.output_elements / plan.params.batch;
  const std::int64_t per_part = std::clamp<std::int64_t>(
      g_part_bytes.load(std::memory_order_relaxed) /
          ((in_image + out_image) * std::int64_t{sizeof(float)}),
      1,
      plan.params.batch);
  for (std::int64_t n = 0; n < plan.params.batch; n += per_part) {
    const ConvPlan part = plan_for_images(plan, std::min(per_part, plan.params.batch - n));
    const ConvParams& p = part.params;
    const float* part_input = input + n * in_image;
    float* part_output = output + n * out_image;
    AlignedFloats input_nhwc(part.input_elements);
    transpose_nchw_to_nhwc(part_input, input_nhwc.data(), p.batch, p.channels, p.height * p.width);
    // The small-group engine has no planar output: scattering its tiles
    // measured no faster on L9 than the transpose after it.
    if (!grouped && part.output_elements * std::int64_t{sizeof(float)} >=
                        g_planar_output_min_bytes.load(std::memory_order_relaxed)) {
      engine(part, input_nhwc.data(), part_output, /*planar_output=*/true);
      continue;
    }
    AlignedFloats output_nhwc(part.output_elements);
    engine(part, input_nhwc.data(), output_nhwc.data(), /*planar_output=*/false);
    transpose_nhwc_to_nchw(output_nhwc.data(), part_output, p.batch, p.filters,
                           part.out_h * part.out_w);
  }
  return true;
}

}  // namespace simd_conv2d
