// What one instruction set offers the driver: the register tile it computes
// and the microkernels for it. The driver only ever talks to this struct, so a
// new ISA is a new table plus its kernel files; conv/ does not change.
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {

// One tile of an NHWC convolution computed by indirect GEMM: `rows` output
// pixels (which need not be neighbours) times up to NR output channels.
//
// Every pixel of a tile has the same set of valid kernel taps (the driver
// groups pixels that way), and only those taps are listed, so no multiply-add
// is ever spent on padding and the kernel never branches on position.
struct ConvTile {
  std::int64_t rows;      // 1..MR output pixels
  std::int64_t cols;      // 1..NR output channels stored (the block's lanes past
                          // `cols` hold zero weights and are computed, not stored)
  std::int64_t taps;      // >= 0 valid taps; 0 leaves activation(bias)
  std::int64_t channels;  // Cin per group >= 1: floats read per pixel per tap
  // [taps][MR] input addresses, tap-major: input[t * MR + r] is row r's first
  // channel (of this group) under tap t. Entries for r >= rows are not read.
  const float* const* input;
  // [taps] offset in floats from `weights` to tap t's Cg x NR weight panel.
  const std::int64_t* tap_offsets;
  const float* bias;     // NR biases (zeros when the layer has none)
  const float* weights;  // the block's weights: [tap][channel][NR]
  // [MR] where row r's `cols` outputs go (contiguous floats). r >= rows unused.
  float* const* output;
};

// Computes one tile. Reduction order, for every output and every ISA: start
// from +0, add x*w over the listed taps in order and, within a tap, over the
// channels in order (SIMD kernels fuse each step into one FMA), then add the
// bias once (Keras' conv(x, kernel) + bias), then apply the epilogue. A
// tile's bits therefore never depend on how the driver split the work.
using ConvF32NhwcTileFn = void (*)(const ConvTile& tile, const Epilogue& epilogue);

struct KernelTable {
  const char* isa;  // "scalar", "avx2", "avx512", "neon"
  std::int64_t mr;  // most output pixels per tile
  std::int64_t nr;  // output channels per tile; the packing block width
  ConvF32NhwcTileFn conv_f32_nhwc;
};

}  // namespace simd_conv2d
