// The small-group path: grouped and depthwise convolutions whose groups have
// few filters (Fg), vectorised across groups instead of within one.
//
// The igemm tile (kernel_table.h, ConvTile) spans output channels of ONE
// group, so with Fg < NR most of its lanes are zero padding: depthwise uses 1
// of NR, ResNeXt's Fg = 4 uses 4 of 16. Here a tile's L lanes are L
// consecutive output channels across as many groups as they span; each lane
// fetches its own group's input channel for step q from one or two
// contiguous "windows" of the pixel's channels, through a permute whose
// indices are fixed at pack time (GconvTile, lane maps). Taps come from the
// same TapRegion tiling as igemm, so padding costs no multiply-adds, and the
// reduction order per output is igemm's (taps, then q; then bias; then the
// epilogue): both paths give the same bits on the same arithmetic.
//
// Routing rule (grouped_path_applies), decided once at pack time from the
// weight dims and the kernel table and stored in PackedWeights:
//   1. groups > 1;
//   2. the table has a small-group kernel (gconv_f32_nhwc != null);
//   3. Fg < table.nr (igemm would compute padding lanes) and Fg <=
//      gconv_lanes (at least one whole group per small-group tile; larger
//      Fg leaves igemm's tile mostly full, and it wins. Measured on AVX2,
//      one Zen 4 core, 3x3 'same', small-group vs igemm GFLOP/s: depthwise
//      112x112x32 18 vs 0.4; 56x56, Cg = Fg = 4: 36 vs 5; Cg = 4, Fg = 8:
//      16 vs 10; Cg = 8, Fg = 4: 8.4 vs 7.1; depthwise x2: 11 vs 0.8);
//   4. every vector of V = gconv_window lanes needs at most 2V consecutive
//      input channels (the groups it spans x Cg <= 2V), so one or two window
//      loads feed it. E.g. V = 8: depthwise multiplier 1, 2, 3, 4 (span 8,
//      4, 3-4, 2), Cg = Fg = 4 (span 8), Cg = 8 with Fg = 4 (span 16) pass;
//      Cg = 3 with Fg = 1 (span 24) does not.
// Otherwise the layer takes igemm. Depthwise layers with multiplier 1 (Cg =
// Fg = 1) take conv/depthwise.h instead where the table has that kernel
// (its rule is applied first). conv2d_forward routes on what was packed
// (use_grouped_path).
#pragma once

#include <cstdint>

#include "conv/pack.h"
#include "conv/plan.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

// The routing rule above. Dims must have passed packed_weights_size.
bool grouped_path_applies(const WeightDims& dims, const KernelTable& table);

// Conditions 2 and 4 alone: the layout and kernel can compute these dims
// (PackPath::kGrouped uses it to force the path where igemm would be chosen).
bool grouped_layout_fits(const WeightDims& dims, const KernelTable& table);

// Fills packed->gconv_* for the small-group layout (packed->dims, kernels,
// taps and filters_per_group set). kernel is Keras HWIO, bias `filters`
// floats or null. Returns false with *error when the sizes exceed the limits.
// Throws std::bad_alloc like pack_conv2d_weights.
bool pack_grouped_weights(PackedWeights* packed, const float* kernel, const float* bias,
                          std::string* error);

// Whether conv2d_forward takes the small-group path for these weights.
inline bool use_grouped_path(const PackedWeights& weights) { return weights.gconv_lanes > 0; }

// The small-group engine: NHWC in, NHWC out (conv2d_forward transposes NCHW).
void run_nhwc_grouped(const ConvPlan& plan, const PackedWeights& weights, const float* input,
                      float* output);

}  // namespace simd_conv2d
