#include "conv/depthwise.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/checked_math.h"
#include "conv/tiling.h"
#include "conv/layout_transpose.h"
#include "conv/prefetch.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
bool depthwise_layout_fits(const WeightDims& d, const KernelTable& k) {
  return k.dwconv_f32_nhwc != nullptr && k.dwconv_lanes >= 1 && d.cin_per_group == 1 &&
         d.filters == d.groups;
}

bool depthwise_path_applies(const WeightDims& d, const KernelTable& k) {
  // Every such layer: the depthwise kernel keeps all lanes busy for C >= its
  // vector width, and for smaller C wastes no more lanes than the
  // small-group kernel's masked windows or igemm's one filter of NR.
  return depthwise_layout_fits(d, k);
}

bool pack_depthwise_weights(PackedWeights* packed, const float* kernel, const float* bias,
                            std::string* error) {
  const WeightDims& d = packed->dims;
  const std::int64_t lanes = packed->kernels->dwconv_lanes;
  const std::int64_t c = d.filters;  // == channels == groups, <= 2^30
  const std::int64_t cp = ceil_div(c, lanes) * lanes;
  const std::int64_t taps = packed->taps;
  std::int64_t total = 0;
  if (!checked_mul(cp, taps + 1, &total) || total > ConvLimits::kMaxElements) {
    *error = "the depthwise kernel is too large (limit " +
             std::to_string(ConvLimits::kMaxElements) + " elements)";
    return false;
  }
  packed->blocks_per_group = 0;
  packed->block_stride = 0;
  packed->dw_channels = cp;
  packed->dw_data = AlignedFloats(total);
  float* dst = packed->dw_data.data();
  for (std::int64_t j = 0; j < cp; ++j) *dst++ = bias != nullptr && j < c ? bias[j] : 0.0f;
  for (std::int64_t t = 0; t < taps; ++t) {  // Keras (ky, kx, 0, f): tap-major already
    const float* src = kernel + t * c;
    for (std::int64_t j = 0; j < cp; ++j) *dst++ = j < c ? src[j] : 0.0f;
  }
  return true;
}

void run_nhwc_depthwise(const ConvPlan& plan, const PackedWeights& w, const float* input,
                        float* output, bool planar_output) {
  const KernelTable& k = *w.kernels;
  const ConvParams& p = plan.params;
  const std::int64_t c = p.channels;
  const std::int64_t cp = w.dw_channels;
  // Valid ky per output row and valid kx per run of output columns; the
  // column runs are the same for every row.
  const std::vector<AxisInterval> rows =
      axis_intervals(plan.out_h, p.height, p.kernel_h, p.stride_h, p.dilation_h, plan.pad_top);
  const std::vector<AxisInterval> cols =
      axis_intervals(plan.out_w, p.width, p.kernel_w, p.stride_w, p.dilation_w, plan.pad_left);
  const Epilogue epilogue{p.activation, p.alpha};
  // Unit: one output row of one image (every output belongs to one unit, so
  // the bits do not depend on the split).
  const std::int64_t units = p.batch * plan.out_h;
  const std::int64_t unit_macs = std::max<std::int64_t>(1, plan.out_w * c * plan.taps);
  const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerThread / unit_macs);
  const std::int64_t image_stride = p.height * p.width * c;
  const std::int64_t out_row_stride = plan.out_w * c;
  const std::int64_t out_plane = plan.out_h * plan.out_w;

  parallel_for(units, [&](std::int64_t begin, std::int64_t end) {
    std::vector<const float*> row_input(static_cast<std::size_t>(p.kernel_h));
    std::vector<std::int64_t> row_weights(static_cast<std::size_t>(p.kernel_h));
    DwconvRun run{};
    run.channels = c;
    run.input = row_input.data();
    run.weight_offsets = row_weights.data();
    run.pixel_stride = p.stride_w * c;
    run.tap_stride = p.dilation_w * c;
    run.padded_channels = cp;
    run.bias = w.dw_data.data();
    run.weights = w.dw_data.data() + cp;
    // Planar: each output row is computed into `scratch` (NHWC, hot in L1)
    // and scattered to the channel planes, every plane getting the row as
    // one run.
    AlignedFloats scratch(planar_output ? out_row_stride : 0);
    std::vector<std::int64_t> row_pixels(planar_output ? static_cast<std::size_t>(plan.out_w) : 0);
    for (std::size_t x = 0; x < row_pixels.size(); ++x) row_pixels[x] = static_cast<std::int64_t>(x);
    // Whole output rows in order (column strips that keep the input rows in
    // L1 measured 1.2x slower on L8: the row order streams through memory
    // the way the hardware prefetchers follow). The next row's output lines
    // are still prefetched into L2, the kernel touching each pixel's a row
    // ahead as it stores this row's (spread out: the whole next row at the
    // start of each row cost 7% into a reused output). Into a new, cold
    // output, what `apply` writes, L8 went 0.23-0.26 -> 0.17 ms at 1 thread
    // and 0.12-0.14 -> 0.09-0.11 ms at 2; into a reused one unchanged in JS,
    // 3% slower in the C++ core (Zen 4, medians).
    if (begin < end && !planar_output) {
      prefetch_output(output + begin * out_row_stride, out_row_stride);
    }
    float* const row_output = planar_output ? scratch.data() : nullptr;
    for (std::int64_t u = begin; u < end; ++u) {
      run.prefetch_ahead = u + 1 < end && !planar_output ? out_row_stride : 0;
      const std::int64_t n = u / plan.out_h;
      const std::int64_t oy = u % plan.out_h;
      const AxisInterval& ry = *std::upper_bound(
          rows.begin(), rows.end(), oy,
          [](std::int64_t o, const AxisInterval& r) { return o < r.o1; });
      const float* image = input + n * image_stride;
      const std::int64_t iy0 = oy * p.stride_h - plan.pad_top;
      const std::int64_t valid_rows = ry.k1 - ry.k0;
      for (const AxisInterval& rx : cols) {
        run.pixels = rx.o1 - rx.o0;
        run.row_taps = rx.k1 - rx.k0;
        // Without a valid tap in its rows the run has none at all, and lists
        // no rows: their input pointers would have no pixel to point at.
        run.rows = run.row_taps > 0 ? valid_rows : 0;
        run.output = (planar_output ? row_output : output + u * out_row_stride) + rx.o0 * c;
        if (run.rows > 0) {
          // The run's first pixel under its first valid tap: inside the image.
          const std::int64_t ix = rx.o0 * p.stride_w - plan.pad_left + rx.k0 * p.dilation_w;
          for (std::int64_t r = 0; r < run.rows; ++r) {
            const std::int64_t ky = ry.k0 + r;
            const std::int64_t iy = iy0 + ky * p.dilation_h;
            row_input[static_cast<std::size_t>(r)] = image + (iy * p.width + ix) * c;
            row_weights[static_cast<std::size_t>(r)] = (ky * p.kernel_w + rx.k0) * cp;
          }
        }
        k.dwconv_f32_nhwc(run, epilogue);
      }
      if (planar_output) {
        scatter_tile_to_planes(row_output, c, plan.out_w, c, row_pixels.data(),
                               output + n * c * out_plane + oy * plan.out_w, out_plane);
      }
    }
  }, grain);
}

}  // namespace simd_conv2d
