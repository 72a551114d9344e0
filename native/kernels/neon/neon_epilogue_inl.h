// The NEON kernels' fused epilogue, shared by the igemm and small-group tiles
// so that a layer gets the same bits on either path.
//
// relu, relu6, leaky_relu, hard_sigmoid, hard_silu and linear are done in
// registers and give exactly the bits of apply_epilogue_f64 (the reference):
// relu and relu6 are exact selects, and the other three are evaluated in
// float64 lanes with the same operations as the reference, rounded once to
// float. Every other activation is left to the caller, which stores the
// values and runs apply_epilogue_f64 on them.
//
// Include only from NEON translation units, after <arm_neon.h>; everything
// here has internal linkage (the functions take vector types).
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {
namespace {

// x > 0 ? x : (x is NaN ? x : +0), as the reference relu (-0 becomes +0).
inline float32x4_t relu(float32x4_t x) {
  const uint32x4_t keep = vorrq_u32(vcgtq_f32(x, vdupq_n_f32(0.0f)), vmvnq_u32(vceqq_f32(x, x)));
  return vbslq_f32(keep, x, vdupq_n_f32(0.0f));
}

inline float32x4_t relu6(float32x4_t x) {
  const float32x4_t six = vdupq_n_f32(6.0f);
  return vbslq_f32(vcgtq_f32(x, six), six, relu(x));
}

inline float64x2_t leaky_relu_f64(float64x2_t x, float64x2_t alpha) {
  return vbslq_f64(vcgeq_f64(x, vdupq_n_f64(0.0)), x, vmulq_f64(alpha, x));
}

// t = x / 6 + 0.5 clamped to [0, 1]; NaN stays NaN. Division, not a multiply
// by 1/6, because that is what the reference computes.
inline float64x2_t hard_sigmoid_f64(float64x2_t x) {
  const float64x2_t zero = vdupq_n_f64(0.0);
  const float64x2_t one = vdupq_n_f64(1.0);
  float64x2_t t = vaddq_f64(vdivq_f64(x, vdupq_n_f64(6.0)), vdupq_n_f64(0.5));
  t = vbslq_f64(vcgtq_f64(t, one), one, t);
  return vbslq_f64(vcltq_f64(t, zero), zero, t);
}

// Widens to float64, applies f, rounds once back to float: the reference's
// arithmetic, lane by lane.
template <typename F>
inline float32x4_t via_f64(float32x4_t v, F f) {
  const float64x2_t lo = f(vcvt_f64_f32(vget_low_f32(v)));
  const float64x2_t hi = f(vcvt_high_f64_f32(v));
  return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi);
}

// Stores lanes [0, n) of the 8 floats (lo, hi), n in 1..8; never touches
// dst[n..8).
inline void store_row(float* dst, float32x4_t lo, float32x4_t hi, std::int64_t n) {
  if (n == 8) {
    vst1q_f32(dst, lo);
    vst1q_f32(dst + 4, hi);
    return;
  }
  if (n >= 4) {
    vst1q_f32(dst, lo);
    dst += 4;
    n -= 4;
    lo = hi;
  }
  float32x2_t pair = vget_low_f32(lo);
  if (n >= 2) {
    vst1_f32(dst, pair);
    dst += 2;
    n -= 2;
    pair = vget_high_f32(lo);
  }
  if (n >= 1) vst1_lane_f32(dst, pair, 0);
}

// Applies the epilogue to every vector of v in registers and returns true,
// or returns false with v untouched when the activation is one the caller
// must apply with apply_epilogue_f64 after storing.
template <int N>
inline bool activate_in_registers(float32x4_t (&v)[N], const Epilogue& epilogue) {
  switch (epilogue.activation) {
    case Activation::kLinear:
      return true;
    case Activation::kRelu:
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = relu(v[i]);
      return true;
    case Activation::kRelu6:
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = relu6(v[i]);
      return true;
    case Activation::kLeakyRelu: {
      const float64x2_t alpha = vdupq_n_f64(epilogue.alpha);
      const auto f = [alpha](float64x2_t x) { return leaky_relu_f64(x, alpha); };
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = via_f64(v[i], f);
      return true;
    }
    case Activation::kHardSigmoid: {
      const auto f = [](float64x2_t x) { return hard_sigmoid_f64(x); };
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = via_f64(v[i], f);
      return true;
    }
    case Activation::kHardSilu: {
      const auto f = [](float64x2_t x) { return vmulq_f64(x, hard_sigmoid_f64(x)); };
#pragma GCC unroll 16
      for (int i = 0; i < N; ++i) v[i] = via_f64(v[i], f);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace
}  // namespace simd_conv2d
