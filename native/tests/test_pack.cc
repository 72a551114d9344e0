// Packed layout: [group][block][NR bias][kh][kw][Cg][NR], zero-padded lanes.
#include <vector>

#include "conv/pack.h"
#include "cpu/dispatch.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

// Keras HWIO element (a, b, q, f) gets a value that encodes its position.
float tag(std::int64_t a, std::int64_t b, std::int64_t q, std::int64_t f) {
  return static_cast<float>(1 + a * 1000 + b * 100 + q * 10000 + f * 0.5);
}

void check_layout(const WeightDims& d, bool with_bias) {
  const KernelTable& table = active_kernel_table();
  const std::int64_t nr = table.nr;
  std::vector<float> kernel(static_cast<size_t>(d.kernel_h * d.kernel_w * d.cin_per_group * d.filters));
  for (std::int64_t a = 0; a < d.kernel_h; ++a)
    for (std::int64_t b = 0; b < d.kernel_w; ++b)
      for (std::int64_t q = 0; q < d.cin_per_group; ++q)
        for (std::int64_t f = 0; f < d.filters; ++f)
          kernel[static_cast<size_t>(((a * d.kernel_w + b) * d.cin_per_group + q) * d.filters + f)] =
              tag(a, b, q, f);
  std::vector<float> bias;
  for (std::int64_t f = 0; f < d.filters; ++f) bias.push_back(-1.0f - static_cast<float>(f));

  std::string error;
  auto packed = pack_conv2d_weights(table, d, kernel.data(), static_cast<std::int64_t>(kernel.size()),
                                    with_bias ? bias.data() : nullptr,
                                    with_bias ? d.filters : 0, &error, PackPath::kIgemm);
  CHECK_MSG(packed != nullptr, error);
  if (!packed) return;
  const std::int64_t fg = d.filters / d.groups;
  const std::int64_t blocks = (fg + nr - 1) / nr;
  const std::int64_t taps = d.kernel_h * d.kernel_w;
  CHECK(packed->nr == nr && packed->blocks_per_group == blocks);
  CHECK(packed->block_stride == nr + taps * d.cin_per_group * nr);
  CHECK(packed->data.size() == d.groups * blocks * packed->block_stride);
  CHECK(reinterpret_cast<std::uintptr_t>(packed->data.data()) % 64 == 0);
  CHECK(packed->has_bias == with_bias);

  int bad = 0;
  for (std::int64_t g = 0; g < d.groups; ++g)
    for (std::int64_t blk = 0; blk < blocks; ++blk) {
      const float* p = packed->block(g, blk);
      for (std::int64_t j = 0; j < nr; ++j) {
        const std::int64_t local = blk * nr + j;
        const std::int64_t f = g * fg + local;
        const float want = (local < fg && with_bias) ? bias[static_cast<size_t>(f)] : 0.0f;
        if (p[j] != want && bad++ < 5) CHECK_MSG(false, "bias g" << g << " blk" << blk << " j" << j);
      }
      for (std::int64_t a = 0; a < d.kernel_h; ++a)
        for (std::int64_t b = 0; b < d.kernel_w; ++b)
          for (std::int64_t q = 0; q < d.cin_per_group; ++q)
            for (std::int64_t j = 0; j < nr; ++j) {
              const std::int64_t local = blk * nr + j;
              const float want = local < fg ? tag(a, b, q, g * fg + local) : 0.0f;
              const float got = p[nr + (((a * d.kernel_w) + b) * d.cin_per_group + q) * nr + j];
              if (got != want && bad++ < 5)
                CHECK_MSG(false, "weight g" << g << " blk" << blk << " a" << a << " b" << b
                                            << " q" << q << " j" << j << ": " << got
                                            << " want " << want);
            }
    }
}

TEST_CASE(pack_layout_single_group_with_tail) {
  check_layout({2, 3, 3, 20, 1}, true);  // 20 = 2 full NR=8 blocks + a 4-wide tail
  check_layout({1, 1, 5, 8, 1}, false);
}

TEST_CASE(pack_layout_groups_and_depthwise) {
  check_layout({2, 1, 3, 10, 2}, true);  // Fg = 5 < NR
  check_layout({3, 3, 1, 12, 12}, true);  // depthwise
  check_layout({3, 2, 2, 54, 3}, false);  // Fg = 18
}

TEST_CASE(pack_rejects_bad_input) {
  const KernelTable& table = active_kernel_table();
  std::vector<float> kernel(2 * 2 * 3 * 4, 1.0f), bias(4, 0.0f);
  std::string error;
  CHECK(!pack_conv2d_weights(table, {2, 2, 3, 4, 1}, kernel.data(), 47, nullptr, 0, &error));
  CHECK_MSG(error.find("kernel: expected 48 elements for shape [2, 2, 3, 4], received 47") !=
                std::string::npos, error);
  CHECK(!pack_conv2d_weights(table, {2, 2, 3, 4, 1}, kernel.data(), 48, bias.data(), 3, &error));
  CHECK_MSG(error.find("bias: expected 4 elements") != std::string::npos, error);
  CHECK(!pack_conv2d_weights(table, {2, 2, 3, 4, 3}, kernel.data(), 48, nullptr, 0, &error));
  CHECK_MSG(error.find("divisible by groups") != std::string::npos, error);
  CHECK(!pack_conv2d_weights(table, {0, 2, 3, 4, 1}, kernel.data(), 48, nullptr, 0, &error));
  CHECK_MSG(error.find("kh must be") != std::string::npos, error);
  CHECK(!pack_conv2d_weights(table, {1024, 1024, 1 << 20, 1 << 20, 1}, kernel.data(), 48, nullptr,
                             0, &error));
  CHECK_MSG(error.find("too large") != std::string::npos, error);
}

}  // namespace
}  // namespace sc2d_test
