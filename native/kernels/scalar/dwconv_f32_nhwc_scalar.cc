// Reference depthwise run (DwconvRun, kernel_table.h) in plain C++.
//
// The arithmetic is the reference order of conv_f32_nhwc_4x8_scalar: per
// output, +0, then x*w added over the valid taps in (ky, kx) order as a
// separate multiply and add (-ffp-contract=off), then + bias, then the
// float64 epilogue; so this path, the small-group one and igemm give the
// same bits on the scalar table. Channels go in chunks held in a local
// array, innermost, so the compiler can vectorise the multiply-adds with
// baseline SSE2 without changing any output's order.
#include <algorithm>

#include "kernels/epilogue_f64.h"
#include "kernels/scalar/scalar_kernels.h"
#include "kernels/tile_checks.h"

namespace simd_conv2d {
namespace {

constexpr std::int64_t kChunk = 64;

void run_pixel_chunk(const DwconvRun& run, std::int64_t p, std::int64_t c0, std::int64_t n,
                     const Epilogue& epilogue) {
  float acc[kChunk] = {};
  for (std::int64_t r = 0; r < run.rows; ++r) {
    const float* x = run.input[r] + p * run.pixel_stride + c0;
    const float* w = run.weights + run.weight_offsets[r] + c0;
    for (std::int64_t t = 0; t < run.row_taps; ++t, x += run.tap_stride, w += run.padded_channels) {
      for (std::int64_t c = 0; c < n; ++c) acc[c] += x[c] * w[c];
    }
  }
  for (std::int64_t c = 0; c < n; ++c) acc[c] += run.bias[c0 + c];
  apply_epilogue_f64(acc, n, epilogue);
  float* out = run.output + p * run.channels + c0;
  for (std::int64_t c = 0; c < n; ++c) out[c] = acc[c];
}

}  // namespace

void dwconv_f32_nhwc_scalar(const DwconvRun& run, const Epilogue& epilogue) {
  check_dwconv_run(run, kDwconvF32NhwcScalarLanes);
  for (std::int64_t p = 0; p < run.pixels; ++p) {
    for (std::int64_t c0 = 0; c0 < run.channels; c0 += kChunk) {
      run_pixel_chunk(run, p, c0, std::min(kChunk, run.channels - c0), epilogue);
    }
  }
}

}  // namespace simd_conv2d
