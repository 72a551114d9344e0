// AArch64 Advanced SIMD depthwise run (DwconvRun, kernel_table.h): tiles
// of up to 8 output pixels x one q register (4 channels), channels inside
// the pixel tile so each pixel's cache lines are consumed while hot.
//
// Per tap: one weight load, then per pixel one input load and one
// vfmaq_f32, so each output sees +0, one FMA per valid tap in (ky, kx)
// order, + bias: the order of conv_f32_nhwc_8x8_neon with Cg = 1, hence the
// same bits as the igemm path on this table. 8 accumulators + 8 inputs + 1
// weight stay well inside the 32 q registers.
//
// Epilogue: linear and relu in registers (relu as the igemm kernel's exact
// select); every other activation stores the tile's vector to a buffer and
// calls apply_epilogue_f64, whose bits the igemm kernel's in-register
// versions reproduce exactly, so fused outputs match that path too.
//
// The channel tail (C % 4) goes through a zero-padded copy, so the kernel
// never reads or writes a pixel's floats past channel C - 1.
//
// Functions here take or return vector types, so they all stay in an
// anonymous namespace (no shared inline symbols built with other flags).
#include <arm_neon.h>

#include <cstring>

#include "kernels/epilogue_f64.h"
#include "kernels/neon/neon_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr int L = 4;
constexpr int kTilePixels = 8;
static_assert(kDwconvF32NhwcNeonLanes == L, "padding is one q register");

#define SC2D_NEON_DW_UNROLL _Pragma("GCC unroll 8")

// x > 0 ? x : (x is NaN ? x : +0), as the reference relu (-0 becomes +0).
inline float32x4_t relu(float32x4_t x) {
  const uint32x4_t keep = vorrq_u32(vcgtq_f32(x, vdupq_n_f32(0.0f)), vmvnq_u32(vceqq_f32(x, x)));
  return vbslq_f32(keep, x, vdupq_n_f32(0.0f));
}

// n = 1..4 floats; the rest of the vector is zero.
inline float32x4_t load_n(const float* p, int n) {
  if (n == L) return vld1q_f32(p);
  float buffer[L] = {};
  std::memcpy(buffer, p, static_cast<std::size_t>(n) * sizeof(float));
  return vld1q_f32(buffer);
}

inline void store_n(float* p, float32x4_t v, int n) {
  if (n == L) {
    vst1q_f32(p, v);
    return;
  }
  float buffer[L];
  vst1q_f32(buffer, v);
  std::memcpy(p, buffer, static_cast<std::size_t>(n) * sizeof(float));
}

// Channels [c, c + n) (n = 1..4) of a P-pixel tile starting at pixel `first`.
template <int P>
void tile_channels(const DwconvRun& run, std::int64_t first, std::int64_t c, int n,
                   const Epilogue& epilogue) {
  float32x4_t acc[P];
  SC2D_NEON_DW_UNROLL
  for (int p = 0; p < P; ++p) acc[p] = vdupq_n_f32(0.0f);
  const std::int64_t ps = run.pixel_stride;
  for (std::int64_t r = 0; r < run.rows; ++r) {
    const float* x = run.input[r] + first * ps + c;
    const float* w = run.weights + run.weight_offsets[r] + c;
    for (std::int64_t t = 0; t < run.row_taps; ++t, x += run.tap_stride, w += run.padded_channels) {
      const float32x4_t wv = vld1q_f32(w);
      SC2D_NEON_DW_UNROLL
      for (int p = 0; p < P; ++p) acc[p] = vfmaq_f32(acc[p], load_n(x + p * ps, n), wv);
    }
  }
  // + bias once, after the sum.
  const float32x4_t bias = vld1q_f32(run.bias + c);
  SC2D_NEON_DW_UNROLL
  for (int p = 0; p < P; ++p) acc[p] = vaddq_f32(acc[p], bias);

  float* out = run.output + first * run.channels + c;
  const bool in_registers =
      epilogue.activation == Activation::kLinear || epilogue.activation == Activation::kRelu;
  SC2D_NEON_DW_UNROLL
  for (int p = 0; p < P; ++p) {
    float32x4_t v = acc[p];
    if (epilogue.activation == Activation::kRelu) v = relu(v);
    if (in_registers) {
      store_n(out + p * run.channels, v, n);
    } else {
      float buffer[L];
      vst1q_f32(buffer, v);
      apply_epilogue_f64(buffer, n, epilogue);
      std::memcpy(out + p * run.channels, buffer, static_cast<std::size_t>(n) * sizeof(float));
    }
  }
}

template <int P>
void tile(const DwconvRun& run, std::int64_t first, const Epilogue& epilogue) {
  std::int64_t c = 0;
  for (; c + L <= run.channels; c += L) tile_channels<P>(run, first, c, L, epilogue);
  if (c < run.channels) {
    tile_channels<P>(run, first, c, static_cast<int>(run.channels - c), epilogue);
  }
}

#undef SC2D_NEON_DW_UNROLL

}  // namespace

void dwconv_f32_nhwc_neon(const DwconvRun& run, const Epilogue& epilogue) {
  check_dwconv_run(run, L);
  std::int64_t p = 0;
  for (; p + kTilePixels <= run.pixels; p += kTilePixels) tile<kTilePixels>(run, p, epilogue);
  switch (run.pixels - p) {
    case 0: return;
    case 1: return tile<1>(run, p, epilogue);
    case 2: return tile<2>(run, p, epilogue);
    case 3: return tile<3>(run, p, epilogue);
    case 4: return tile<4>(run, p, epilogue);
    case 5: return tile<5>(run, p, epilogue);
    case 6: return tile<6>(run, p, epilogue);
    default: return tile<7>(run, p, epilogue);
  }
}

}  // namespace simd_conv2d
