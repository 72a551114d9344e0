// An independent float64 Conv2D and activation reference for the tests.
//
// Written from the Keras spec (keras-conv2d.md §4-§6), not from the driver:
// it indexes each layout directly, pads with the conv_test.py form of the
// "same" rule, and never packs or tiles. It reports, per output, the exact
// sum and S = sum |w*x| + |b|, which the tolerance is scaled by.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sc2d_test {

struct RefShape {
  std::int64_t batch, height, width, channels;
  bool channels_first;
  std::int64_t kh, kw, stride_h, stride_w, dilation_h, dilation_w;
  bool same;
  std::int64_t groups, filters;
};

struct RefResult {
  std::int64_t out_h = 0, out_w = 0;
  std::vector<double> value;  // pre-activation, in the input's layout
  std::vector<double> abs_sum;  // S per output
};

// Output size and leading pad for one axis, conv_test.py style.
void ref_axis(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t d, bool same,
              std::int64_t* out, std::int64_t* pad_before);

// kernel is Keras HWIO (kh, kw, Cin/groups, filters); bias may be empty.
RefResult reference_conv2d(const RefShape& shape, const std::vector<float>& input,
                           const std::vector<float>& kernel, const std::vector<float>& bias);

// Activation by Keras name in long double; alpha as for the driver.
long double ref_activation(const std::string& name, long double x, double alpha);

// An upper bound of |f'| on [x - r, x + r], used to carry the conv error
// through the activation.
double ref_activation_slope(const std::string& name, double x, double r, double alpha);

}  // namespace sc2d_test
