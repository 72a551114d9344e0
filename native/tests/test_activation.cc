// The double-precision epilogue: within 1 ulp of a long double reference,
// NaN kept, names and aliases.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/activation.h"
#include "kernels/epilogue_f64.h"
#include "tests/check.h"
#include "tests/conv_harness.h"
#include "tests/reference_conv.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

bool within_one_ulp(float got, long double exact) {
  const float rounded = static_cast<float>(exact);
  if (got == rounded) return true;
  if (std::isnan(got) || std::isnan(rounded) || std::isinf(got) || std::isinf(rounded)) return false;
  const float mag = std::fabs(rounded);
  const float ulp = std::nextafter(mag, std::numeric_limits<float>::infinity()) - mag;
  return std::fabs(static_cast<long double>(got) - exact) <= ulp;
}

std::vector<float> sample_points() {
  std::vector<float> xs = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 3.0f, -3.0f, 6.0f,
                           88.0f, 89.0f, -87.0f, -104.0f, 100.0f, -100.0f};
  for (float x = -30.0f; x <= 30.0f; x += 0.0371f) xs.push_back(x);
  return xs;
}

TEST_CASE(activations_within_one_ulp) {
  for (int a = 0; a < kAllActivationCount; ++a) {
    const std::string name = kAllActivations[a];
    Epilogue ep;
    CHECK(parse_activation(name, &ep.activation));
    for (double alpha : {default_activation_alpha(ep.activation), 0.7, 1.9}) {
      ep.alpha = alpha;
      int bad = 0;
      for (float x : sample_points()) {
        const float got = activate_f64(x, ep);
        const long double exact = ref_activation(name, x, alpha);
        if (!within_one_ulp(got, exact) && bad++ < 3) {
          CHECK_MSG(false, name << "(" << x << ", alpha " << alpha << ") = " << got
                                << ", exact " << static_cast<double>(exact));
        }
      }
    }
  }
}

TEST_CASE(activations_keep_nan) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int a = 0; a < kAllActivationCount; ++a) {
    Epilogue ep;
    CHECK(parse_activation(kAllActivations[a], &ep.activation));
    ep.alpha = default_activation_alpha(ep.activation);
    CHECK_MSG(std::isnan(activate_f64(nan, ep)), kAllActivations[a]);
  }
}

TEST_CASE(activation_names) {
  Activation act;
  for (int a = 0; a < kAllActivationCount; ++a) {
    CHECK(parse_activation(kAllActivations[a], &act));
    CHECK(std::string(activation_name(act)) == kAllActivations[a]);
  }
  CHECK(parse_activation("swish", &act) && act == Activation::kSilu);
  CHECK(parse_activation("hard_swish", &act) && act == Activation::kHardSilu);
  CHECK(!parse_activation("Relu", &act));
  CHECK(!parse_activation("softmax", &act));
  CHECK(!parse_activation("", &act));
  CHECK(default_activation_alpha(Activation::kLeakyRelu) == 0.2);
  CHECK(default_activation_alpha(Activation::kElu) == 1.0);
  // Keras 3 hard_sigmoid is x/6 + 1/2, not the Keras 2 0.2x + 0.5.
  Epilogue hs{Activation::kHardSigmoid, 0.0};
  CHECK(activate_f64(1.5f, hs) == 0.75f);
  CHECK(activate_f64(-3.0f, hs) == 0.0f && activate_f64(3.0f, hs) == 1.0f);
  // relu(-0) is +0 (matches the JS side's relu, which tests compare with Object.is).
  CHECK(!std::signbit(activate_f64(-0.0f, Epilogue{Activation::kRelu, 0.0})));
  CHECK(!std::signbit(activate_f64(-0.0f, Epilogue{Activation::kRelu6, 0.0})));
}

}  // namespace
}  // namespace sc2d_test
