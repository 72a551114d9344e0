// The x86 SIMD kernels (AVX2 + FMA, AVX-512), as seen from baseline code.
//
// Only declarations and plain constants: this header may be included by any
// translation unit. The definitions live in native/kernels/avx2/ and
// native/kernels/avx512/, compiled with their ISA's flags; call them only
// when cpu_supports_isa() says the CPU can run them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

constexpr std::int64_t kConvF32Nhwc6x16Avx2MR = 6;
constexpr std::int64_t kConvF32Nhwc6x16Avx2NR = 16;
constexpr std::int64_t kConvF32Nhwc12x32Avx512MR = 12;
constexpr std::int64_t kConvF32Nhwc12x32Avx512NR = 32;

void conv_f32_nhwc_6x16_avx2(const ConvTile& tile, const Epilogue& epilogue);
void conv_f32_nhwc_12x32_avx512(const ConvTile& tile, const Epilogue& epilogue);
// Pointwise runs (1x1, stride 1, one group) on the 12 x 32 tile's packing.
void pointwise_f32_nhwc_4x6x16_avx512(const PointwiseRun& run, const Epilogue& epilogue);

// The vectorised activations of each kernel's epilogue applied to `count`
// floats in place (the same code the kernels run). For tests, and for other
// kernels of the same ISA that want the identical epilogue.
// How far, in float ulps, the x86 kernels' fused activations may be from the
// float64 reference (activate_f64), indexed by Activation; 0 means bitwise
// equal, and the tests assert it. For the approximated ones this is the
// largest distance measured over every 7th float in [-120, 120] (see
// vec_math_inl.h) plus one, since the sweep samples a seventh of the floats:
// measured 1 for exponential, gelu, mish; 2 for sigmoid, tanh, softplus,
// log_sigmoid, elu, selu; 3 for silu.
constexpr int kX86ActivationUlpBound[] = {
    0,  // linear
    0,  // relu
    0,  // relu6
    0,  // leaky_relu
    3,  // elu
    3,  // selu
    3,  // sigmoid
    3,  // tanh
    4,  // silu
    2,  // gelu
    0,  // hard_sigmoid
    0,  // hard_silu
    3,  // softplus
    0,  // softsign
    2,  // exponential
    2,  // mish
    3,  // log_sigmoid
};
static_assert(sizeof(kX86ActivationUlpBound) / sizeof(kX86ActivationUlpBound[0]) ==
                  static_cast<std::size_t>(Activation::kLogSigmoid) + 1,
              "one bound per activation");

void activate_f32_avx2(float* values, std::int64_t count, const Epilogue& epilogue);
void activate_f32_avx512(float* values, std::int64_t count, const Epilogue& epilogue);

}  // namespace simd_conv2d
