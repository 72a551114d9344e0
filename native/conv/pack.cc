#include "conv/pack.h"

#include <algorithm>

#include "common/checked_math.h"
#include "conv/depthwise.h"
#include "conv/grouped.h"
#include "conv/plan.h"

namespace simd_conv2d {
namespace {

std::string str(std::int64_t v) { return std::to_string(v); }

bool dim_in_range(const char* name, std::int64_t value, std::int64_t hi, std::string* error) {
  if (value >= 1 && value <= hi) return true;
  *error = std::string(name) + " must be an integer in [1, " + str(hi) + "], received " + str(value);
  return false;
}

std::string shape_text(const WeightDims& d) {
  return "[" + str(d.kernel_h) + ", " + str(d.kernel_w) + ", " + str(d.cin_per_group) + ", " +
         str(d.filters) + "]";
}

}  // namespace

std::int64_t packed_weights_size(const WeightDims& d, std::int64_t nr, std::string* error) {
  using L = ConvLimits;
  if (!dim_in_range("kh", d.kernel_h, L::kMaxKernelDim, error) ||
      !dim_in_range("kw", d.kernel_w, L::kMaxKernelDim, error) ||
      !dim_in_range("cinPerGroup", d.cin_per_group, L::kMaxDim, error) ||
      !dim_in_range("filters", d.filters, L::kMaxDim, error) ||
      !dim_in_range("groups", d.groups, L::kMaxDim, error)) {
    return -1;
  }
  if (nr < 1) {
    *error = "kernel table has an invalid NR";
    return -1;
  }
  if (d.filters % d.groups != 0) {
    *error = "filters (" + str(d.filters) + ") must be divisible by groups (" + str(d.groups) + ")";
    return -1;
  }
  const std::int64_t taps = d.kernel_h * d.kernel_w;  // both <= 2^20
  if (taps > L::kMaxTaps) {
    *error = "kh x kw (" + str(d.kernel_h) + " x " + str(d.kernel_w) + ") must not exceed " +
             str(L::kMaxTaps) + " taps";
    return -1;
  }
  const std::int64_t blocks = ceil_div(d.filters / d.groups, nr);
  std::int64_t per_block = 0;
  std::int64_t total = 0;
  std::int64_t kernel_elements = 0;
  const std::int64_t block_factors[] = {taps, d.cin_per_group, nr};
  const std::int64_t kernel_factors[] = {taps, d.cin_per_group, d.filters};
  if (!checked_product(block_factors, 3, &per_block) ||
      !checked_add(per_block, nr, &per_block) ||
      !checked_mul(per_block, blocks, &total) || !checked_mul(total, d.groups, &total) ||
      !checked_product(kernel_factors, 3, &kernel_elements) || total > L::kMaxElements ||
      kernel_elements > L::kMaxElements) {
    *error = "the kernel " + shape_text(d) + " with " + str(d.groups) +
             " groups is too large (limit " + str(L::kMaxElements) + " elements)";
    return -1;
  }
  return total;
}

std::shared_ptr<const PackedWeights> pack_conv2d_weights(const KernelTable& kernels,
                                                         const WeightDims& d,
                                                         const float* kernel,
                                                         std::int64_t kernel_length,
                                                         const float* bias,
                                                         std::int64_t bias_length,
                                                         std::string* error,
                                                         PackPath path) {
  const std::int64_t nr = kernels.nr;
  const std::int64_t total = packed_weights_size(d, nr, error);
  if (total < 0) return nullptr;

  const std::int64_t taps = d.kernel_h * d.kernel_w;
  const std::int64_t cg = d.cin_per_group;
  const std::int64_t f = d.filters;
  const std::int64_t expected = taps * cg * f;  // bounded by packed_weights_size
  if (kernel == nullptr || kernel_length != expected) {
    *error = "kernel: expected " + str(expected) + " elements for shape " + shape_text(d) +
             ", received " + str(kernel == nullptr ? 0 : kernel_length);
    return nullptr;
  }
  if (bias != nullptr && bias_length != f) {
    *error = "bias: expected " + str(f) + " elements for shape [" + str(f) + "], received " +
             str(bias_length);
    return nullptr;
  }

  auto packed = std::make_shared<PackedWeights>();
  packed->dims = d;
  packed->kernels = &kernels;
  packed->has_bias = bias != nullptr;
  packed->nr = nr;
  packed->taps = taps;
  packed->filters_per_group = f / d.groups;
  const bool depthwise = path == PackPath::kAuto        ? depthwise_path_applies(d, kernels)
                         : path == PackPath::kDepthwise ? depthwise_layout_fits(d, kernels)
                                                        : false;
  if (depthwise) {
    if (!pack_depthwise_weights(packed.get(), kernel, bias, error)) return nullptr;
    return packed;
  }
  const bool grouped = path == PackPath::kAuto || path == PackPath::kDepthwise
                           ? grouped_path_applies(d, kernels)
                       : path == PackPath::kGrouped ? grouped_layout_fits(d, kernels)
                                                    : false;
  if (grouped) {
    if (!pack_grouped_weights(packed.get(), kernel, bias, error)) return nullptr;
    return packed;
  }
  packed->blocks_per_group = ceil_div(packed->filters_per_group, nr);
  packed->block_stride = nr + taps * cg * nr;
  packed->data = AlignedFloats(total);

  const std::int64_t fg = packed->filters_per_group;
  float* dst = packed->data.data();
  for (std::int64_t g = 0; g < d.groups; ++g) {
    for (std::int64_t b = 0; b < packed->blocks_per_group; ++b) {
      const std::int64_t f0 = g * fg + b * nr;             // first filter of the block
      const std::int64_t width = std::min(nr, fg - b * nr);  // real lanes; rest are zero
      for (std::int64_t j = 0; j < nr; ++j) {
        *dst++ = (bias != nullptr && j < width) ? bias[f0 + j] : 0.0f;
      }
      for (std::int64_t tc = 0; tc < taps * cg; ++tc) {  // (ky, kx, c) row-major, as Keras stores
        const float* src = kernel + tc * f + f0;
        for (std::int64_t j = 0; j < nr; ++j) *dst++ = j < width ? src[j] : 0.0f;
      }
    }
  }
  return packed;
}

}  // namespace simd_conv2d
