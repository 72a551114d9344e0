#include "kernels/epilogue_f64.h"

#include <cmath>

namespace simd_conv2d {
namespace {

// Written so that a NaN input stays NaN, as numpy's maximum/clip would do;
// relu and relu6 map -0 to +0, like the package's JS activations.

inline double relu(double x) { return x > 0.0 ? x : (x == x ? 0.0 : x); }
inline double relu6(double x) { return x > 6.0 ? 6.0 : relu(x); }
inline double leaky_relu(double x, double alpha) { return x >= 0.0 ? x : alpha * x; }
// expm1 keeps full relative accuracy for small negative x, where exp(x) - 1
// would cancel.
inline double elu(double x, double alpha) { return x >= 0.0 ? x : alpha * std::expm1(x); }
inline double selu(double x) {
  constexpr double kScale = 1.0507009873554805;
  constexpr double kAlpha = 1.6732632423543772;
  return kScale * (x > 0.0 ? x : kAlpha * std::expm1(x));
}
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double silu(double x) { return x / (1.0 + std::exp(-x)); }
// erfc(-x/sqrt2) == 1 + erf(x/sqrt2), but without the cancellation for
// negative x, where the product is tiny yet representable in float.
inline double gelu(double x) { return 0.5 * x * std::erfc(-x * 0.70710678118654752440); }
inline double hard_sigmoid(double x) {
  const double t = x / 6.0 + 0.5;
  return t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
}
// log(1 + e^x) without overflow for large x and without losing small values
// for very negative x.
inline double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
inline double softsign(double x) { return x / (1.0 + std::fabs(x)); }
inline double mish(double x) { return x * std::tanh(softplus(x)); }
inline double log_sigmoid(double x) { return -softplus(-x); }

template <typename F>
void apply_each(float* values, std::int64_t count, F f) {
  for (std::int64_t i = 0; i < count; ++i) {
    values[i] = static_cast<float>(f(static_cast<double>(values[i])));
  }
}

}  // namespace

void apply_epilogue_f64(float* values, std::int64_t count, const Epilogue& epilogue) {
  const double alpha = epilogue.alpha;
  switch (epilogue.activation) {
    case Activation::kLinear:
      return;
    case Activation::kRelu:
      return apply_each(values, count, relu);
    case Activation::kRelu6:
      return apply_each(values, count, relu6);
    case Activation::kLeakyRelu:
      return apply_each(values, count, [alpha](double x) { return leaky_relu(x, alpha); });
    case Activation::kElu:
      return apply_each(values, count, [alpha](double x) { return elu(x, alpha); });
    case Activation::kSelu:
      return apply_each(values, count, selu);
    case Activation::kSigmoid:
      return apply_each(values, count, sigmoid);
    case Activation::kTanh:
      return apply_each(values, count, [](double x) { return std::tanh(x); });
    case Activation::kSilu:
      return apply_each(values, count, silu);
    case Activation::kGelu:
      return apply_each(values, count, gelu);
    case Activation::kHardSigmoid:
      return apply_each(values, count, hard_sigmoid);
    case Activation::kHardSilu:
      return apply_each(values, count, [](double x) { return x * hard_sigmoid(x); });
    case Activation::kSoftplus:
      return apply_each(values, count, softplus);
    case Activation::kSoftsign:
      return apply_each(values, count, softsign);
    case Activation::kExponential:
      return apply_each(values, count, [](double x) { return std::exp(x); });
    case Activation::kMish:
      return apply_each(values, count, mish);
    case Activation::kLogSigmoid:
      return apply_each(values, count, log_sigmoid);
  }
}

float activate_f64(float x, const Epilogue& epilogue) {
  apply_epilogue_f64(&x, 1, epilogue);
  return x;
}

}  // namespace simd_conv2d
