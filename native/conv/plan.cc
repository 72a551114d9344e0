#include "conv/plan.h"

#include <cmath>
#include <initializer_list>
#include <string>

#include "common/checked_math.h"

namespace simd_conv2d {
namespace {

std::string str(std::int64_t v) { return std::to_string(v); }

bool in_range(const char* name, std::int64_t value, std::int64_t lo, std::int64_t hi,
              std::string* error) {
  if (value >= lo && value <= hi) return true;
  *error = std::string(name) + " must be an integer in [" + str(lo) + ", " + str(hi) +
           "], received " + str(value);
  return false;
}

// Product of the factors, bounded by kMaxElements.
bool element_count(const char* what, std::initializer_list<std::int64_t> dims, std::int64_t* out,
                   std::string* error) {
  std::int64_t n = 1;
  bool ok = true;
  for (std::int64_t d : dims) ok = ok && checked_mul(n, d, &n);
  if (!ok || n > ConvLimits::kMaxElements) {
    *error = std::string(what) + " would have more than " + str(ConvLimits::kMaxElements) +
             " elements";
    return false;
  }
  *out = n;
  return true;
}

bool valid_activation(Activation a) {
  const auto v = static_cast<std::int32_t>(a);
  return v >= static_cast<std::int32_t>(Activation::kLinear) &&
         v <= static_cast<std::int32_t>(Activation::kLogSigmoid);
}

}  // namespace

bool plan_axis(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t dilation,
               Padding padding, std::int64_t* out, std::int64_t* pad_before,
               std::int64_t* pad_after) {
  // kernel <= 2^20 and dilation <= 2^30, so the extent stays below 2^50.
  const std::int64_t extent = (kernel - 1) * dilation + 1;
  if (padding == Padding::kValid) {
    if (extent > in) return false;
    *out = (in - extent) / stride + 1;
    *pad_before = 0;
    *pad_after = 0;
    return true;
  }
  *out = ceil_div(in, stride);
  // (out-1)*stride < in <= 2^30, so no term here can overflow.
  const std::int64_t total = (*out - 1) * stride + extent - in;
  const std::int64_t pad = total > 0 ? total : 0;
  // Keras/TF: the odd extra row or column goes after (bottom/right).
  *pad_before = pad / 2;
  *pad_after = pad - *pad_before;
  return true;
}

bool plan_conv2d(const ConvParams& p, ConvPlan* plan, std::string* error) {
  using L = ConvLimits;
  if (!in_range("batch", p.batch, 0, L::kMaxDim, error) ||
      !in_range("height", p.height, 1, L::kMaxDim, error) ||
      !in_range("width", p.width, 1, L::kMaxDim, error) ||
      !in_range("channels", p.channels, 1, L::kMaxDim, error) ||
      !in_range("kh", p.kernel_h, 1, L::kMaxKernelDim, error) ||
      !in_range("kw", p.kernel_w, 1, L::kMaxKernelDim, error) ||
      !in_range("strideH", p.stride_h, 1, L::kMaxStride, error) ||
      !in_range("strideW", p.stride_w, 1, L::kMaxStride, error) ||
      !in_range("dilationH", p.dilation_h, 1, L::kMaxStride, error) ||
      !in_range("dilationW", p.dilation_w, 1, L::kMaxStride, error) ||
      !in_range("groups", p.groups, 1, L::kMaxDim, error) ||
      !in_range("filters", p.filters, 1, L::kMaxDim, error)) {
    return false;
  }
  if (p.padding != Padding::kValid && p.padding != Padding::kSame) {
    *error = "padding must be 'valid' or 'same'";
    return false;
  }
  if (!valid_activation(p.activation)) {
    *error = "unknown activation";
    return false;
  }
  if (!std::isfinite(p.alpha)) {
    *error = "alpha must be a finite number";
    return false;
  }
  if (p.channels % p.groups != 0) {
    *error = "channels (" + str(p.channels) + ") must be divisible by groups (" + str(p.groups) +
             ")";
    return false;
  }
  if (p.filters % p.groups != 0) {
    *error = "filters (" + str(p.filters) + ") must be divisible by groups (" + str(p.groups) + ")";
    return false;
  }
  const std::int64_t taps = p.kernel_h * p.kernel_w;  // both <= 2^20
  if (taps > L::kMaxTaps) {
    *error = "kh x kw (" + str(p.kernel_h) + " x " + str(p.kernel_w) +
             ") must not exceed " + str(L::kMaxTaps) + " taps";
    return false;
  }

  ConvPlan out;
  out.params = p;
  out.taps = taps;
  out.cin_per_group = p.channels / p.groups;
  out.filters_per_group = p.filters / p.groups;
  if (!plan_axis(p.height, p.kernel_h, p.stride_h, p.dilation_h, p.padding, &out.out_h,
                 &out.pad_top, &out.pad_bottom)) {
    *error = "with padding 'valid' the dilated kernel height (" +
             str((p.kernel_h - 1) * p.dilation_h + 1) + ") exceeds the input height (" +
             str(p.height) + "), so the output would be empty";
    return false;
  }
  if (!plan_axis(p.width, p.kernel_w, p.stride_w, p.dilation_w, p.padding, &out.out_w,
                 &out.pad_left, &out.pad_right)) {
    *error = "with padding 'valid' the dilated kernel width (" +
             str((p.kernel_w - 1) * p.dilation_w + 1) + ") exceeds the input width (" +
             str(p.width) + "), so the output would be empty";
    return false;
  }

  std::int64_t weights = 0;
  if (!element_count("the input", {p.batch, p.height, p.width, p.channels}, &out.input_elements,
                     error) ||
      !element_count("the output", {p.batch, out.out_h, out.out_w, p.filters},
                     &out.output_elements, error) ||
      !element_count("the kernel", {taps, out.cin_per_group, p.filters}, &weights, error) ||
      !element_count("the output pixel count", {p.batch, out.out_h, out.out_w}, &out.pixels,
                     error)) {
    return false;
  }
  *plan = out;
  return true;
}

}  // namespace simd_conv2d
