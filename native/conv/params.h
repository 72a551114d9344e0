// The plain description of one Conv2D call, as the driver receives it.
// No ownership, no buffers: the addon fills it from JS, tests fill it by hand.
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {

enum class Padding : std::int32_t {
  kValid,  // no padding
  kSame,   // Keras/TF "same": output ceil(n/s), extra pad row/col at bottom/right
};

struct ConvParams {
  // Input (N, H, W, C) for channels_last, (N, C, H, W) for channels_first.
  std::int64_t batch = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;
  std::int64_t channels = 0;
  bool channels_first = false;

  std::int64_t kernel_h = 0;
  std::int64_t kernel_w = 0;
  std::int64_t stride_h = 1;
  std::int64_t stride_w = 1;
  std::int64_t dilation_h = 1;
  std::int64_t dilation_w = 1;
  Padding padding = Padding::kValid;
  std::int64_t groups = 1;
  std::int64_t filters = 0;

  Activation activation = Activation::kLinear;
  double alpha = 0.0;  // leaky_relu slope / elu alpha; ignored otherwise
};

}  // namespace simd_conv2d
