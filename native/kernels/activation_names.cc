#include "kernels/activation.h"

namespace simd_conv2d {
namespace {

struct NamedActivation {
  std::string_view name;
  Activation activation;
};

// Canonical names first; aliases after, so activation_name() finds the
// canonical one.
constexpr NamedActivation kNames[] = {
    {"linear", Activation::kLinear},
    {"relu", Activation::kRelu},
    {"relu6", Activation::kRelu6},
    {"leaky_relu", Activation::kLeakyRelu},
    {"elu", Activation::kElu},
    {"selu", Activation::kSelu},
    {"sigmoid", Activation::kSigmoid},
    {"tanh", Activation::kTanh},
    {"silu", Activation::kSilu},
    {"gelu", Activation::kGelu},
    {"hard_sigmoid", Activation::kHardSigmoid},
    {"hard_silu", Activation::kHardSilu},
    {"softplus", Activation::kSoftplus},
    {"softsign", Activation::kSoftsign},
    {"exponential", Activation::kExponential},
    {"mish", Activation::kMish},
    {"log_sigmoid", Activation::kLogSigmoid},
    {"swish", Activation::kSilu},
    {"hard_swish", Activation::kHardSilu},
};

}  // namespace

bool parse_activation(std::string_view name, Activation* out) {
  for (const NamedActivation& entry : kNames) {
    if (entry.name == name) {
      *out = entry.activation;
      return true;
    }
  }
  return false;
}

const char* activation_name(Activation activation) {
  for (const NamedActivation& entry : kNames) {
    if (entry.activation == activation) return entry.name.data();
  }
  return "unknown";
}

double default_activation_alpha(Activation activation) {
  switch (activation) {
    case Activation::kLeakyRelu:
      return 0.2;
    case Activation::kElu:
      return 1.0;
    default:
      return 0.0;
  }
}

const char* activation_name_list() {
  return "linear, relu, relu6, leaky_relu, elu, selu, sigmoid, tanh, silu (swish), gelu, "
         "hard_sigmoid, hard_silu (hard_swish), softplus, softsign, exponential, mish, "
         "log_sigmoid";
}

}  // namespace simd_conv2d
