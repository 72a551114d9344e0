// The pointwise path (conv/pointwise.h): 1x1, stride 1, one group. Its
// AVX-512 kernel staggers four streams of strips and falls back to the
// 12 x 32 tile for short runs and tail pixels; every output must still get
// the tile path's bits. Checked for each table that has the kernel (the real
// AVX-512 one and its SIMDe build) against the same table without it, over
// shapes that reach every part of it: runs long enough to stagger, pixel
// counts leaving 1 or 2 pixels after the last strip, the last block partly
// stored, channel counts below 4 and not a multiple of 4 (uneven or empty
// quarters), short runs, fused activations, channels_first, thread counts.
// Linear outputs are also held to the float64 reference's tolerance.
#include <random>
#include <string>
#include <vector>

#include "conv/pack.h"
#include "conv/plan.h"
#include "conv/pointwise.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"
#include "tests/conv_harness.h"
#include "tests/reference_conv.h"

namespace sc2d_test {
namespace {

std::string describe(const RefShape& s, bool bias, const std::string& act) {
  return describe_shape(s) + (bias ? " bias " : " nobias ") + act;
}

// {batch, height, width, channels, channels_first, kh, kw, sh, sw, dh, dw, same, groups, filters}
const RefShape kShapes[] = {
    {1, 14, 23, 64, false, 1, 1, 1, 1, 1, 1, false, 1, 256},  // 322 px: 1 left over; 8 blocks
    {2, 11, 13, 5, false, 1, 1, 1, 1, 1, 1, true, 1, 33},     // K = 5: quarters 1, 1, 1, 2; last block 1 wide
    {1, 17, 19, 3, false, 1, 1, 1, 1, 1, 1, false, 1, 31},    // K = 3: an empty quarter; 2 left over
    {1, 20, 20, 1, false, 1, 1, 1, 1, 1, 1, false, 1, 70},    // K = 1: three empty quarters
    {1, 9, 11, 67, false, 1, 1, 1, 1, 1, 1, false, 1, 64},    // 66 strips: the tile path inside
    {3, 10, 10, 40, false, 1, 1, 1, 1, 1, 1, true, 1, 48},    // a batch run across images
    {1, 16, 20, 8, true, 1, 1, 1, 1, 1, 1, false, 1, 40},     // channels_first (small: NHWC engine)
};

// The same table without its pointwise kernel: 1x1 layers then take the tiles.
simd_conv2d::KernelTable without_pointwise(const simd_conv2d::KernelTable& t) {
  simd_conv2d::KernelTable copy = t;
  copy.pointwise_f32_nhwc = nullptr;
  return copy;
}

TEST_CASE(pointwise_path_is_taken_for_1x1_stride_1) {
  for (const simd_conv2d::KernelTable* table : runnable_tables()) {
    if (table->pointwise_f32_nhwc == nullptr) continue;
    simd_conv2d::ConvParams p;
    p.batch = 1;
    p.height = 5;
    p.width = 6;
    p.channels = 8;
    p.kernel_h = p.kernel_w = 1;
    p.filters = 40;
    simd_conv2d::ConvPlan plan;
    std::string error;
    CHECK(simd_conv2d::plan_conv2d(p, &plan, &error));
    simd_conv2d::WeightDims dims;
    dims.kernel_h = dims.kernel_w = 1;
    dims.cin_per_group = 8;
    dims.filters = 40;
    dims.groups = 1;
    const std::vector<float> kernel(8 * 40, 0.5f);
    auto packed = simd_conv2d::pack_conv2d_weights(*table, dims, kernel.data(),
                                                   static_cast<std::int64_t>(kernel.size()),
                                                   nullptr, 0, &error);
    CHECK(packed != nullptr);
    CHECK_MSG(simd_conv2d::use_pointwise_path(plan, *packed), table->isa);
    p.stride_w = 2;
    CHECK(simd_conv2d::plan_conv2d(p, &plan, &error));
    CHECK_MSG(!simd_conv2d::use_pointwise_path(plan, *packed), table->isa << ": stride 2");
  }
}

TEST_CASE(pointwise_runs_give_the_tile_bits) {
  const char* const activations[] = {"linear", "relu", "sigmoid", "leaky_relu", "gelu"};
  std::mt19937_64 rng(31);
  int checked = 0;
  for (const simd_conv2d::KernelTable* table : runnable_tables()) {
    if (table->pointwise_f32_nhwc == nullptr) continue;
    const simd_conv2d::KernelTable tiles = without_pointwise(*table);
    for (const RefShape& s : kShapes) {
      for (int a = 0; a < 5; ++a) {
        const bool bias = a % 2 == 0;
        const ConvData d = random_conv_data(s, bias, rng);
        const std::string act = activations[a];
        const std::string what = std::string("[") + table->isa + "] " + describe(s, bias, act);
        const DriverRun run = run_driver(s, d.input, d.kernel, d.bias, act, -1, table);
        const DriverRun ref = run_driver(s, d.input, d.kernel, d.bias, act, -1, &tiles);
        CHECK_MSG(run.ok && ref.ok, what << ": " << run.error << ref.error);
        CHECK_MSG(run.guards_intact, what << ": wrote outside the output");
        CHECK_MSG(same_output_bits(run, ref), what << ": pointwise and tile paths differ");
        if (act == "linear") CHECK(within_reference_tolerance(s, d, run.output, what));
        ++checked;
      }
    }
  }
  if (checked == 0) std::printf("    note: no kernel table here has a pointwise kernel\n");
}

TEST_CASE(pointwise_bitwise_identical_across_thread_counts) {
  std::mt19937_64 rng(32);
  const RefShape s = kShapes[0];
  const ConvData d = random_conv_data(s, true, rng);
  const int saved = simd_conv2d::get_num_threads();
  for (const simd_conv2d::KernelTable* table : runnable_tables()) {
    if (table->pointwise_f32_nhwc == nullptr) continue;
    simd_conv2d::set_num_threads(1);
    const DriverRun one = run_driver(s, d.input, d.kernel, d.bias, "relu", -1, table);
    CHECK(one.ok);
    for (int threads : {2, 3, 7}) {
      simd_conv2d::set_num_threads(threads);
      const DriverRun many = run_driver(s, d.input, d.kernel, d.bias, "relu", -1, table);
      CHECK_MSG(many.ok && same_output_bits(one, many),
                "[" << table->isa << "] 1 and " << threads << " threads differ");
    }
  }
  simd_conv2d::set_num_threads(saved);
}

}  // namespace
}  // namespace sc2d_test
