// The depthwise path: layers with one input channel and one filter per
// group (groups == channels == filters), the MobileNet depthwise 3x3.
//
// The small-group path (conv/grouped.h) computes these through the generic
// GconvTile: a [taps][MR] offset table per tile, one 8-lane block per call,
// tiles that may span rows and images. Here the structure is fixed instead:
// a kernel call (DwconvRun, kernel_table.h) covers a run of consecutive
// output pixels of one output row for all channels, and each input address
// is a run pointer plus pixel and tap strides, which the SIMD kernels fold
// into their FMAs' memory operands. Each output row is split at the image
// edges into runs of equal valid taps (left edge, interior, right edge), so
// padding costs no multiply-adds. The reduction order per output is the
// other paths' (taps in (ky, kx) order, then bias, then the epilogue), so
// the bits equal the small-group and igemm paths' on the same ISA.
//
// Routing rule (depthwise_path_applies), decided once at pack time and
// stored in PackedWeights (dw_channels > 0): the table has a depthwise
// kernel and Cg == Fg == 1. It takes precedence over the small-group rule;
// a depthwise layer with channel multiplier > 1 (Fg > 1) stays there.
// Measured on AVX2 (one Zen 3 core of the 2-core CI VM), this path against
// the small-group one: L8 (112x112x32 3x3 'same') 0.13 vs 0.37 ms; also
// faster for every other depthwise shape tried (C 3 to 960, stride 2, 5x5,
// 7x7), which is why the rule has no size condition.
#pragma once

#include <cstdint>
#include <string>

#include "conv/pack.h"
#include "conv/plan.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

// The table has a depthwise kernel and the dims are depthwise with
// multiplier 1 (PackPath::kDepthwise forces the path on this alone).
bool depthwise_layout_fits(const WeightDims& dims, const KernelTable& table);

// The routing rule above. Dims must have passed packed_weights_size.
bool depthwise_path_applies(const WeightDims& dims, const KernelTable& table);

// Fills packed->dw_* for the depthwise layout (packed->dims, kernels and taps
// set). kernel is Keras HWIO (kh, kw, 1, C), bias C floats or null. Returns
// false with *error when the sizes exceed the limits. Throws std::bad_alloc
// like pack_conv2d_weights.
bool pack_depthwise_weights(PackedWeights* packed, const float* kernel, const float* bias,
                            std::string* error);

// Whether conv2d_forward takes the depthwise path for these weights.
inline bool use_depthwise_path(const PackedWeights& weights) { return weights.dw_channels > 0; }

// The depthwise engine: NHWC in; NHWC out, or NCHW with `planar_output`
// (conv2d_forward transposes an NCHW input).
void run_nhwc_depthwise(const ConvPlan& plan, const PackedWeights& weights, const float* input,
                        float* output, bool planar_output);

}  // namespace simd_conv2d
