#include "tests/reference_conv.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace sc2d_test {

void ref_axis(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t d, bool same,
              std::int64_t* out, std::int64_t* pad_before) {
  const std::int64_t k_eff = k + (d - 1) * (k - 1);
  std::int64_t padded = n;
  *pad_before = 0;
  if (same) {
    // conv_test.py _same_padding: the total depends on n mod s.
    const std::int64_t total =
        n % s == 0 ? std::max<std::int64_t>(k_eff - s, 0) : std::max<std::int64_t>(k_eff - n % s, 0);
    *pad_before = total / 2;
    padded = n + total;
  }
  *out = (padded - k_eff) / s + 1;
}

RefResult reference_conv2d(const RefShape& sh, const std::vector<float>& input,
                           const std::vector<float>& kernel, const std::vector<float>& bias) {
  RefResult r;
  std::int64_t pad_t = 0, pad_l = 0;
  ref_axis(sh.height, sh.kh, sh.stride_h, sh.dilation_h, sh.same, &r.out_h, &pad_t);
  ref_axis(sh.width, sh.kw, sh.stride_w, sh.dilation_w, sh.same, &r.out_w, &pad_l);
  const std::int64_t cg = sh.channels / sh.groups;
  const std::int64_t fg = sh.filters / sh.groups;
  const std::int64_t total = sh.batch * r.out_h * r.out_w * sh.filters;
  r.value.assign(static_cast<size_t>(total), 0.0);
  r.abs_sum.assign(static_cast<size_t>(total), 0.0);

  auto x_at = [&](std::int64_t n, std::int64_t y, std::int64_t x, std::int64_t c) -> double {
    if (y < 0 || y >= sh.height || x < 0 || x >= sh.width) return 0.0;
    const std::int64_t i = sh.channels_first
                               ? ((n * sh.channels + c) * sh.height + y) * sh.width + x
                               : ((n * sh.height + y) * sh.width + x) * sh.channels + c;
    return input[static_cast<size_t>(i)];
  };
  auto y_index = [&](std::int64_t n, std::int64_t i, std::int64_t j, std::int64_t f) {
    return sh.channels_first ? ((n * sh.filters + f) * r.out_h + i) * r.out_w + j
                             : ((n * r.out_h + i) * r.out_w + j) * sh.filters + f;
  };

  for (std::int64_t n = 0; n < sh.batch; ++n)
    for (std::int64_t i = 0; i < r.out_h; ++i)
      for (std::int64_t j = 0; j < r.out_w; ++j)
        for (std::int64_t f = 0; f < sh.filters; ++f) {
          const std::int64_t g = f / fg;
          double sum = bias.empty() ? 0.0 : bias[static_cast<size_t>(f)];
          double abs_sum = std::fabs(sum);
          for (std::int64_t a = 0; a < sh.kh; ++a)
            for (std::int64_t b = 0; b < sh.kw; ++b)
              for (std::int64_t q = 0; q < cg; ++q) {
                const double xv = x_at(n, i * sh.stride_h + a * sh.dilation_h - pad_t,
                                       j * sh.stride_w + b * sh.dilation_w - pad_l, g * cg + q);
                const double wv = kernel[static_cast<size_t>(((a * sh.kw + b) * cg + q) * sh.filters + f)];
                sum += xv * wv;  // exact in double: 24-bit x 24-bit mantissas
                abs_sum += std::fabs(xv * wv);
              }
          const size_t o = static_cast<size_t>(y_index(n, i, j, f));
          r.value[o] = sum;
          r.abs_sum[o] = abs_sum;
        }
  return r;
}

namespace {

long double softplus_l(long double x) {
  return x > 20 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
long double sigmoid_l(long double x) {
  return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x));
}

}  // namespace

long double ref_activation(const std::string& name, long double x, double alpha) {
  if (name == "linear") return x;
  if (name == "relu") return std::max<long double>(x, 0);
  if (name == "relu6") return std::min<long double>(std::max<long double>(x, 0), 6);
  if (name == "leaky_relu") return x > 0 ? x : alpha * x;
  if (name == "elu") return x > 0 ? x : alpha * std::expm1(x);
  if (name == "selu") {
    const long double scale = 1.0507009873554804934193349852946L;
    const long double a = 1.6732632423543772848170429916717L;
    return x > 0 ? scale * x : scale * a * std::expm1(x);
  }
  if (name == "sigmoid") return sigmoid_l(x);
  if (name == "tanh") return std::tanh(x);
  if (name == "silu" || name == "swish") return x * sigmoid_l(x);
  if (name == "gelu") return x * std::erfc(-x / std::sqrt(2.0L)) / 2;
  if (name == "hard_sigmoid") return std::min<long double>(std::max<long double>(x + 3, 0), 6) / 6;
  if (name == "hard_silu" || name == "hard_swish")
    return x * std::min<long double>(std::max<long double>(x + 3, 0), 6) / 6;
  if (name == "softplus") return softplus_l(x);
  if (name == "softsign") return x / (1 + std::fabs(x));
  if (name == "exponential") return std::exp(x);
  if (name == "mish") return x * std::tanh(softplus_l(x));
  if (name == "log_sigmoid") return -softplus_l(-x);
  throw std::invalid_argument("unknown activation " + name);
}

double ref_activation_slope(const std::string& name, double x, double r, double alpha) {
  if (name == "hard_sigmoid") return 1.0 / 6.0;
  if (name == "sigmoid") return 0.25;
  if (name == "leaky_relu" || name == "elu") return std::max(1.0, std::fabs(alpha));
  if (name == "selu") return 1.0507009873554805 * 1.6732632423543772;
  if (name == "hard_silu" || name == "hard_swish") return 1.5;
  if (name == "silu" || name == "swish" || name == "mish") return 1.2;
  if (name == "gelu") return 1.13;
  if (name == "exponential") return std::exp(x + r);
  return 1.0;  // linear, relu, relu6, tanh, softplus, softsign, log_sigmoid
}

}  // namespace sc2d_test
