// The fused activations and the parameters every epilogue receives.
//
// This lives with the kernels (not the driver) because each microkernel
// applies it in its epilogue; the driver only passes it through.
#pragma once

#include <cstdint>
#include <string_view>

namespace simd_conv2d {

enum class Activation : std::int32_t {
  kLinear,
  kRelu,
  kRelu6,
  kLeakyRelu,
  kElu,
  kSelu,
  kSigmoid,
  kTanh,
  kSilu,
  kGelu,
  kHardSigmoid,
  kHardSilu,
  kSoftplus,
  kSoftsign,
  kExponential,
  kMish,
  kLogSigmoid,
};

// Activation values are 0 .. kActivationCount - 1, in the order above.
inline constexpr std::int32_t kActivationCount = static_cast<std::int32_t>(Activation::kLogSigmoid) + 1;

// alpha is the leaky_relu slope or the elu alpha; other activations ignore it.
struct Epilogue {
  Activation activation = Activation::kLinear;
  double alpha = 0.0;
};

// Keras names (plus the Keras aliases swish and hard_swish). False if unknown.
bool parse_activation(std::string_view name, Activation* out);

// Canonical Keras name.
const char* activation_name(Activation activation);

// Keras' defaults when the activation is given by name: 0.2 for leaky_relu,
// 1.0 for elu, 0 (unused) for the rest.
double default_activation_alpha(Activation activation);

// Canonical names, comma separated, for error messages.
const char* activation_name_list();

}  // namespace simd_conv2d
