#include "conv/conv2d.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/check.h"
#include "common/checked_math.h"
#include "conv/aligned_buffer.h"
#include "conv/indirection.h"
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

// The engine proper: NHWC in, NHWC out.
//
// Work units are (pixel tile, group, NR block) with the NR block fastest, so
// consecutive units of one range share a tile's indirection and input rows.
// Every output element belongs to exactly one unit and the kernel's reduction
// order is fixed, so the result does not depend on how ranges are split.
void run_nhwc(const ConvPlan& plan, const PackedWeights& w, const float* input, float* output) {
  const KernelTable& k = *w.kernels;
  const ConvParams& p = plan.params;
  const std::int64_t mr = k.mr;
  const std::int64_t nr = k.nr;
  const std::int64_t m_tiles = ceil_div(plan.pixels, mr);
  const std::int64_t groups = p.groups;
  const std::int64_t blocks = w.blocks_per_group;
  const std::int64_t fg = plan.filters_per_group;
  // Bounded by output_elements: m_tiles <= pixels and groups*blocks <= filters.
  const std::int64_t units = m_tiles * groups * blocks;
  const Epilogue epilogue{p.activation, p.alpha};
  const std::vector<float> zeros(static_cast<std::size_t>(plan.cin_per_group), 0.0f);
  // Multiply-adds per unit, bounded: mr*nr < 2^12 and taps*Cg <= 2^46.
  const std::int64_t unit_macs = mr * nr * plan.taps * plan.cin_per_group;
  const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerThread / unit_macs);

  parallel_for(units, [&](std::int64_t begin, std::int64_t end) {
    std::vector<const float*> indirection(static_cast<std::size_t>(plan.taps * mr));
    std::int64_t built_tile = -1;
    std::int64_t built_group = -1;
    for (std::int64_t u = begin; u < end; ++u) {
      const std::int64_t b = u % blocks;
      const std::int64_t g = (u / blocks) % groups;
      const std::int64_t tile = u / (blocks * groups);
      const std::int64_t m0 = tile * mr;
      if (tile != built_tile || g != built_group) {
        build_tile_indirection(plan, input, zeros.data(), g, m0, mr, indirection.data());
        built_tile = tile;
        built_group = g;
      }
      const std::int64_t rows = std::min(mr, plan.pixels - m0);
      const std::int64_t cols = std::min(nr, fg - b * nr);
      float* out = output + m0 * p.filters + g * fg + b * nr;
      k.conv_f32_nhwc(rows, cols, plan.taps, plan.cin_per_group, indirection.data(),
                      w.block(g, b), out, p.filters, epilogue);
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
