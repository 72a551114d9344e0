// The pointwise path: 1x1 layers with stride 1 and one group (ResNet's
// bottleneck 1x1s), channels_last output.
//
// In NHWC such a layer is one matrix product over all pixels: pixel p reads
// input + p * C and writes output + p * F, across rows and images alike. So
// instead of tiles of 12 pixels a kernel call (PointwiseRun, kernel_table.h)
// gets each thread's whole range of pixels, and the AVX-512 kernel uses that
// length to stagger its reductions (see its file for why). The weights are
// the igemm packing, and every output's reduction order is igemm's, so the
// bits equal the tile path's on the same table.
//
// Routing rule (use_pointwise_path): the table has a pointwise kernel, the
// layer is 1x1 with stride 1 and one group, and the output is NHWC (the
// channels_first engine that writes channel planes straight from its tiles
// keeps the tile path).
#pragma once

#include "conv/pack.h"
#include "conv/plan.h"

namespace simd_conv2d {

bool use_pointwise_path(const ConvPlan& plan, const PackedWeights& weights);

// NHWC in, NHWC out.
void run_nhwc_pointwise(const ConvPlan& plan, const PackedWeights& weights, const float* input,
                        float* output);

}  // namespace simd_conv2d
