#include "conv/pointwise.h"

#include <algorithm>
#include <cstdint>

#include "common/check.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {

bool use_pointwise_path(const ConvPlan& plan, const PackedWeights& w) {
  const ConvParams& p = plan.params;
  return w.kernels != nullptr && w.kernels->pointwise_f32_nhwc != nullptr &&
         w.blocks_per_group > 0 && p.kernel_h == 1 && p.kernel_w == 1 && p.stride_h == 1 &&
         p.stride_w == 1 && p.groups == 1;
}

void run_nhwc_pointwise(const ConvPlan& plan, const PackedWeights& w, const float* input,
                        float* output) {
  const KernelTable& k = *w.kernels;
  const ConvParams& p = plan.params;
  // 1x1, stride 1: the output map is the input map, pixel for pixel.
  SC2D_CHECK(plan.out_h == p.height && plan.out_w == p.width && plan.pad_top == 0 &&
             plan.pad_left == 0 && plan.pixels == p.batch * p.height * p.width);
  PointwiseRun base{};
  base.channels = p.channels;
  base.blocks = w.blocks_per_group;
  base.cols = p.filters - (w.blocks_per_group - 1) * k.nr;
  base.packed = w.block(0, 0);
  base.block_stride = w.block_stride;
  base.output_stride = p.filters;
  const Epilogue epilogue{p.activation, p.alpha};
  const std::int64_t pixel_macs = p.channels * p.filters;
  const std::int64_t grain = std::max<std::int64_t>(1, kMinMacsPerThread / pixel_macs);
  // One contiguous range of pixels per thread: the longer the run, the less
  // the kernel's staggered start and end cost.
  parallel_for(plan.pixels, [&](std::int64_t begin, std::int64_t end) {
    PointwiseRun run = base;
    run.pixels = end - begin;
    run.input = input + begin * p.channels;
    run.output = output + begin * p.filters;
    k.pointwise_f32_nhwc(run, epilogue);
  }, grain);
}

}  // namespace simd_conv2d
