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
  std::int64_t cols;      // 1..NR output channels stored of the LAST block (its
                          // lanes past `cols` hold zero weights and are computed,
                          // not stored); earlier blocks store all NR
  std::int64_t taps;      // >= 0 valid taps; 0 leaves activation(bias)
  std::int64_t channels;  // Cin per group >= 1: floats read per pixel per tap
  // Inputs by offset (as GconvTile's): input + (input_rows[r] + input_taps[t])
  // is the first channel (of this group) that row r reads under tap t. The
  // driver measures rows from their first valid tap, so both offsets are >=
  // 0. A tile's rows then cost one offset each however many taps it has, and
  // the next tile along an output row only shifts those (a [taps][MR]
  // pointer table cost L7's driver twice as much). Rows >= `rows` are not read.
  const float* input;
  const std::int64_t* input_rows;  // [MR]
  const std::int64_t* input_taps;  // [taps]
  // [taps] offset in floats from `weights` to tap t's Cg x NR weight panel.
  const std::int64_t* tap_offsets;
  const float* bias;     // NR biases (zeros when the layer has none)
  const float* weights;  // the block's weights: [tap][channel][NR]
  // [MR] where row r's `cols` outputs go (contiguous floats). r >= rows unused.
  float* const* output;
  // Further NR blocks of output channels over the same pixels and taps, run
  // in the same call (0: just the one above). Block j >= 1 reads its bias at
  // bias + j * block_stride and its weights at weights + j * block_stride, and
  // writes row r's outputs at output[r] + j * NR. One call per tile instead
  // of one per block saves the call and set-up, which is a tenth of a 1x1
  // layer's short (Cin = 64) reductions.
  std::int64_t more_blocks;
  std::int64_t block_stride;  // floats from one block's bias to the next's
};

// Computes one tile. Reduction order, for every output and every ISA: start
// from +0, add x*w over the listed taps in order and, within a tap, over the
// channels in order (SIMD kernels fuse each step into one FMA), then add the
// bias once (Keras' conv(x, kernel) + bias), then apply the epilogue. A
// tile's bits therefore never depend on how the driver split the work.
using ConvF32NhwcTileFn = void (*)(const ConvTile& tile, const Epilogue& epilogue);

// One tile of the small-group path (conv/grouped.h): `rows` output pixels
// times up to `lanes` consecutive output channels that may span several
// groups. Used when filters per group (Fg) is small, where the igemm tile
// above would leave most of its NR lanes zero (depthwise: one real lane).
//
// Lane j of the block computes output channel f = block * L + j (L =
// gconv_lanes) of group g = f / Fg, and at channel step q (0 <= q < Cg) it
// multiplies input channel g * Cg + q of the pixel by its weight. Which
// channel that is, per lane and step, comes from the block's lane map, built
// once at pack time:
//
//   lane_map[0]             mode of the whole block (GconvMode below)
//   lane_map[1]             window width W: channels a window load may read,
//                           V normally, fewer (C) when the layer has C < V
//   lane_map[2]             0 (reserved)
//   lane_map[3 + 2v + 0/1]  first channel of window A / window B of vector v
//                           (v < L / V; V = gconv_window lanes per vector, a
//                           power of two; B = A with one window)
//   then [Cg][L] selectors: lane j = v * V + i at step q takes position
//                           sel & (V - 1) of window A of vector v, or of
//                           window B when sel < 0 (sign bit set)
//   then [Cg][L] channels:  the same choice as a channel index of the pixel
//                           (what a kernel without permutes reads)
//
// Windows never reach past channel C - 1 (they are shifted left, or W < V),
// so a kernel may load W floats at pixel + window start. Lanes past the last
// filter have zero weights and bias, select position i of window A (channel:
// window A's first), and are computed but never stored.
struct GconvTile {
  std::int64_t rows;   // 1..gconv_mr output pixels
  std::int64_t lanes;  // 1..gconv_lanes output channels stored
  std::int64_t taps;   // >= 0 valid taps; 0 leaves activation(bias)
  std::int64_t steps;  // Cg >= 1: channel steps per tap
  // Inputs by offset rather than a [taps][MR] pointer table (the pixels'
  // channels are all read, so one table serves every block of a tile):
  // input + input_rows[r] + input_taps[t] is channel 0 of the pixel that row
  // r reads under tap t (the pixel, not the group: lane maps hold absolute
  // channels). Both offsets are >= 0; rows >= `rows` are not read.
  const float* input;
  const std::int64_t* input_rows;  // [MR]
  const std::int64_t* input_taps;  // [taps]
  // [taps] offset in floats from `weights` to tap t's Cg x L weight panel.
  const std::int64_t* tap_offsets;
  const float* bias;             // L biases (zeros when the layer has none)
  const float* weights;          // the block's weights: [tap][q][L]
  const std::int32_t* lane_map;  // the block's lane map (above)
  // output + output_rows[r] is where row r's `lanes` outputs go (contiguous).
  float* output;
  const std::int64_t* output_rows;  // [MR]
};

// Where the lane map's parts start: window A of vector v (window B is the
// next entry), and the selectors of a block of `vectors` = L / V vectors.
constexpr int gconv_map_window_a(int v) { return 3 + 2 * v; }
constexpr int gconv_map_selectors(int vectors) { return 3 + 2 * vectors; }

// How lanes find their inputs within one block (lane_map[0]).
enum GconvMode : std::int32_t {
  kGconvIdentity = 0,  // one window; lane i takes position i at every step (Cg = Fg = 1)
  kGconvInLane = 1,    // one window; every selector stays in its lane's group of
                       // gconv_in_lane_width(V) lanes (x86: a 128-bit lane)
  kGconvCross = 2,     // one window; any position
  kGconvTwoWindows = 3,  // windows A and B
};

// The lanes an in-lane selector stays within: half the vector, at most 4
// (x86's in-lane permutes, vpermilps, work on 128-bit lanes of 4 floats in
// both ymm and zmm registers).
constexpr std::int64_t gconv_in_lane_width(std::int64_t window) {
  return window / 2 < 1 ? 1 : window / 2 > 4 ? 4 : window / 2;
}

// Computes one small-group tile, in the same reduction order as
// ConvF32NhwcTileFn: from +0, over the listed taps in order and, within a
// tap, over q in order (SIMD kernels fuse each step into one FMA, scalar ones
// multiply then add), then + bias, then the epilogue. Each output therefore
// gets exactly the bits the igemm kernel of the same arithmetic gives it.
using GconvF32NhwcTileFn = void (*)(const GconvTile& tile, const Epilogue& epilogue);

// One run of a depthwise convolution (groups == channels == filters: one
// input channel and one filter per group; conv/depthwise.h): `pixels`
// consecutive output pixels of ONE output row, all C channels. Every pixel of
// the run has the same valid kernel taps, `rows` kernel rows of `row_taps`
// consecutive kx taps each (the driver splits a row at the image edges), so
// padding costs no multiply-adds and the kernel never branches on position.
//
// Pixel p (0 <= p < pixels) reads, under the t-th valid tap (0 <= t <
// row_taps) of the r-th valid kernel row (0 <= r < rows), channel c at
//   input[r] + p * pixel_stride + t * tap_stride + c
// and multiplies it by weights[weight_offsets[r] + t * padded_channels + c].
// Its output channel c goes to output[p * C + c].
//
// Weights and bias are padded with zeros to padded_channels (a multiple of
// the table's dwconv_lanes), so a kernel may load whole vectors of them past
// C. Inputs and outputs are not padded: a kernel never reads an input pixel
// or writes an output pixel past channel C - 1.
struct DwconvRun {
  std::int64_t pixels;    // >= 1 output pixels
  std::int64_t channels;  // C >= 1
  std::int64_t rows;      // >= 0 valid kernel rows (0 when row_taps is 0)
  std::int64_t row_taps;  // >= 0 valid taps per kernel row; 0 taps leaves activation(bias)
  // [rows] channel 0 of pixel 0's input under the row's first valid tap.
  const float* const* input;
  // [rows] offset in floats from `weights` to that tap's padded_channels weights.
  const std::int64_t* weight_offsets;
  std::int64_t pixel_stride;     // floats between pixel p's and p + 1's inputs (stride_w * C)
  std::int64_t tap_stride;       // floats between tap t's and t + 1's inputs (dilation_w * C)
  std::int64_t padded_channels;  // floats per tap in `weights`, and biases in `bias`
  const float* weights;          // [kh][kw][padded_channels]
  const float* bias;             // [padded_channels] (zeros when the layer has none)
  float* output;                 // pixel 0's output; pixel p's at output + p * C
  // When nonzero, a kernel may prefetch output + prefetch_ahead + p * C + c
  // after storing pixel p's channels c (a hint only: the floats there are
  // never read or written by this run).
  std::int64_t prefetch_ahead;
};

// Computes one depthwise run, in the same reduction order as
// ConvF32NhwcTileFn: each output starts from +0, adds x*w over the valid taps
// in (ky, kx) row-major order (SIMD kernels fuse each step into one FMA,
// scalar ones multiply then add), then adds the bias once, then applies the
// epilogue. With Cg = 1 that is igemm's and the small-group path's order, so
// all three paths give the same bits on the same ISA.
using DwconvF32NhwcFn = void (*)(const DwconvRun& run, const Epilogue& epilogue);

// One run of a pointwise convolution (1x1 kernel, stride 1, one group, NHWC
// in and out): `pixels` consecutive pixels, every output channel. Pixel p
// reads its `channels` floats at input + p * channels and writes its outputs
// at output + p * output_stride, block j's NR of them at + j * NR (all NR of
// every block but the last, whose first `cols` are stored).
//
// Weights come packed as for ConvTile with one tap: block j's NR biases at
// packed + j * block_stride, then its channels x NR weights.
struct PointwiseRun {
  std::int64_t pixels;    // >= 1
  std::int64_t channels;  // >= 1
  std::int64_t blocks;    // >= 1 blocks of NR output channels
  std::int64_t cols;      // 1..NR outputs stored of the last block
  const float* input;
  const float* packed;
  std::int64_t block_stride;
  float* output;
  std::int64_t output_stride;  // >= (blocks - 1) * NR + cols
};

// Computes one pointwise run in ConvF32NhwcTileFn's reduction order (from
// +0, x*w over the channels in order, then + bias, then the epilogue), so
// every output gets the bits the table's conv_f32_nhwc gives it.
using PointwiseF32NhwcFn = void (*)(const PointwiseRun& run, const Epilogue& epilogue);

struct KernelTable {
  const char* isa;  // "scalar", "avx2", "avx512", "neon"
  std::int64_t mr;  // most output pixels per tile
  std::int64_t nr;  // output channels per tile; the packing block width
  ConvF32NhwcTileFn conv_f32_nhwc;
  // Small-group path (conv/grouped.h); a table without it leaves these null/0
  // and grouped layers use conv_f32_nhwc.
  GconvF32NhwcTileFn gconv_f32_nhwc;
  std::int64_t gconv_mr;      // most output pixels per tile
  std::int64_t gconv_lanes;   // L: output channels per tile, a multiple of gconv_window
  std::int64_t gconv_window;  // V: lanes per vector register = channels one window holds
  // Depthwise path (conv/depthwise.h); a table without it leaves these
  // null/0 and depthwise layers take the small-group path (or igemm).
  DwconvF32NhwcFn dwconv_f32_nhwc;
  std::int64_t dwconv_lanes;  // padded_channels is a multiple of this
  // Pointwise path (conv/pointwise.h); a table without it leaves this null
  // and 1x1 layers take conv_f32_nhwc's tiles.
  PointwiseF32NhwcFn pointwise_f32_nhwc = nullptr;
};

}  // namespace simd_conv2d
