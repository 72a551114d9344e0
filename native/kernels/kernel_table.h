// What one instruction set offers the driver: the register tile it computes
// and the microkernels for it. The driver only ever talks to this struct, so a
// new ISA is a new table plus its kernel files; conv/ does not change.
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {

// Computes one MR x NR output tile of an NHWC convolution by indirect GEMM.
//
//   rows_valid   1..MR output pixels that are stored (the rest are clamped
//                duplicates, computed but not stored)
//   cols_valid   1..NR output channels that are stored
//   taps         kh*kw >= 1
//   channels     Cin per group >= 1; each indirection pointer addresses this
//                many contiguous floats
//   indirection  taps*MR pointers laid out [tap][row]; padding taps point at a
//                zero buffer, so the kernel never branches on position
//   packed       one NR block of packed weights: NR biases, then
//                [tap][channel][NR] weights (see conv/pack.h)
//   out          first output of the tile; row r starts at out + r*out_stride
//   epilogue     activation applied to the accumulators before the store
//
// Reduction order is fixed: from zero, tap-major, then channel, then the bias
// added once (Keras' conv(x, kernel) + bias), so a tile's bits never depend on
// how the driver split the work.
using ConvF32NhwcTileFn = void (*)(std::int64_t rows_valid, std::int64_t cols_valid,
                                   std::int64_t taps, std::int64_t channels,
                                   const float* const* indirection, const float* packed,
                                   float* out, std::int64_t out_stride,
                                   const Epilogue& epilogue);

struct KernelTable {
  const char* isa;          // "scalar", "avx2", "avx512", "neon"
  std::int64_t mr;          // output pixels per tile
  std::int64_t nr;          // output channels per tile; the packing block width
  ConvF32NhwcTileFn conv_f32_nhwc;
};

}  // namespace simd_conv2d
