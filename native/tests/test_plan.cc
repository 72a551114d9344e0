// plan_conv2d: output sizes, Keras "same" pads, and rejection of bad or
// overflowing sizes without crashing.
#include <limits>

#include "conv/plan.h"
#include "tests/check.h"
#include "tests/reference_conv.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

ConvParams base_params() {
  ConvParams p;
  p.batch = 2;
  p.height = 7;
  p.width = 9;
  p.channels = 6;
  p.kernel_h = 3;
  p.kernel_w = 3;
  p.padding = Padding::kSame;
  p.groups = 2;
  p.filters = 4;
  return p;
}

bool rejects(const ConvParams& p, const char* needle) {
  ConvPlan plan;
  std::string error;
  const bool ok = plan_conv2d(p, &plan, &error);
  const bool found = error.find(needle) != std::string::npos;
  CHECK_MSG(!ok && found, "expected an error containing '" << needle << "', got ok=" << ok
                                                               << " error='" << error << "'");
  return !ok && found;
}

TEST_CASE(plan_axis_matches_conv_test_rule) {
  for (std::int64_t n = 1; n <= 20; ++n)
    for (std::int64_t k = 1; k <= 5; ++k)
      for (std::int64_t s = 1; s <= 4; ++s)
        for (std::int64_t d = 1; d <= 3; ++d)
          for (bool same : {false, true}) {
            std::int64_t out = 0, before = 0, after = 0, ref_out = 0, ref_before = 0;
            const bool ok = plan_axis(n, k, s, d, same ? Padding::kSame : Padding::kValid, &out,
                                      &before, &after);
            ref_axis(n, k, s, d, same, &ref_out, &ref_before);
            if (!ok) {
              // Keras: floor((n - (k-1)d - 1)/s) + 1 <= 0 is an error.
              CHECK_MSG(!same && (k - 1) * d + 1 > n, "n" << n << " k" << k << " s" << s << " d" << d);
              continue;
            }
            CHECK_MSG(out == ref_out && before == ref_before,
                      "n" << n << " k" << k << " s" << s << " d" << d << " same" << same
                          << ": out " << out << "/" << ref_out << " before " << before << "/"
                          << ref_before);
            if (same) {
              CHECK(out == (n + s - 1) / s);
              CHECK(after == before || after == before + 1);  // extra goes after
              // Every output's window starts inside the padded extent.
              CHECK((out - 1) * s + (k - 1) * d + 1 <= n + before + after);
            } else {
              CHECK(before == 0 && after == 0);
            }
          }
}

TEST_CASE(plan_same_padding_puts_extra_at_bottom_right) {
  ConvParams p = base_params();
  p.height = 7;
  p.width = 8;
  p.kernel_h = 4;
  p.kernel_w = 4;
  p.stride_h = 2;
  p.stride_w = 2;
  ConvPlan plan;
  std::string error;
  CHECK(plan_conv2d(p, &plan, &error));
  // H: out 4, total (4-1)*2+4-7 = 3 -> 1 before, 2 after.
  CHECK(plan.out_h == 4 && plan.pad_top == 1 && plan.pad_bottom == 2);
  // W: out 4, total (4-1)*2+4-8 = 2 -> 1 and 1.
  CHECK(plan.out_w == 4 && plan.pad_left == 1 && plan.pad_right == 1);
  CHECK(plan.cin_per_group == 3 && plan.filters_per_group == 2 && plan.taps == 16);
  CHECK(plan.pixels == 2 * 4 * 4);
  CHECK(plan.input_elements == 2 * 7 * 8 * 6 && plan.output_elements == 2 * 4 * 4 * 4);
}

TEST_CASE(plan_accepts_batch_zero) {
  ConvParams p = base_params();
  p.batch = 0;
  ConvPlan plan;
  std::string error;
  CHECK(plan_conv2d(p, &plan, &error));
  CHECK(plan.pixels == 0 && plan.input_elements == 0 && plan.output_elements == 0);
  CHECK(plan.out_h == 7 && plan.out_w == 9);
}

TEST_CASE(plan_rejects_invalid_sizes) {
  ConvParams p = base_params();
  p.height = 0;
  rejects(p, "height must be an integer in [1, ");
  p = base_params();
  p.batch = -1;
  rejects(p, "batch");
  p = base_params();
  p.width = -5;
  rejects(p, "width");
  p = base_params();
  p.channels = 5;  // not divisible by groups = 2
  rejects(p, "channels (5) must be divisible by groups (2)");
  p = base_params();
  p.filters = 3;
  rejects(p, "filters (3) must be divisible by groups (2)");
  p = base_params();
  p.stride_w = 0;
  rejects(p, "strideW");
  p = base_params();
  p.dilation_h = 0;
  rejects(p, "dilationH");
  p = base_params();
  p.groups = 0;
  rejects(p, "groups");
  p = base_params();
  p.kernel_w = 0;
  rejects(p, "kw");
  p = base_params();
  p.padding = Padding::kValid;
  p.kernel_h = 4;
  p.dilation_h = 3;  // extent 10 > 7
  rejects(p, "dilated kernel height (10) exceeds the input height (7)");
  p = base_params();
  p.padding = static_cast<Padding>(7);
  rejects(p, "padding");
  p = base_params();
  p.activation = static_cast<Activation>(99);
  rejects(p, "activation");
  p = base_params();
  p.alpha = std::numeric_limits<double>::quiet_NaN();
  rejects(p, "alpha");
}

TEST_CASE(plan_rejects_overflowing_sizes) {
  constexpr std::int64_t kBig = ConvLimits::kMaxDim;
  ConvParams p = base_params();
  p.height = kBig + 1;
  rejects(p, "height");
  p = base_params();
  p.batch = kBig;
  p.height = kBig;
  p.width = kBig;
  p.channels = kBig;  // 2^120 elements: must be caught, not wrapped
  p.groups = 1;
  rejects(p, "the input would have more than");
  p = base_params();
  p.filters = kBig;  // 2*7*9*2^30 output elements is fine, kernel 9*3*2^30 too
  p.batch = 1 << 20;
  rejects(p, "the output would have more than");
  p = base_params();
  p.kernel_h = ConvLimits::kMaxKernelDim;
  p.kernel_w = 2;
  rejects(p, "taps");
  p = base_params();
  p.kernel_h = ConvLimits::kMaxKernelDim + 1;
  rejects(p, "kh");
  p = base_params();
  p.stride_h = std::numeric_limits<std::int64_t>::max();
  rejects(p, "strideH");
  p = base_params();
  p.dilation_w = ConvLimits::kMaxStride;
  p.kernel_w = ConvLimits::kMaxKernelDim / 2;  // extent ~2^49 in "same": pads only, no overflow
  p.kernel_h = 1;
  ConvPlan plan;
  std::string error;
  CHECK_MSG(plan_conv2d(p, &plan, &error), error);
  CHECK(plan.out_w == 9 && plan.pad_left + plan.pad_right ==
                               (p.kernel_w - 1) * p.dilation_w + 1 - 1);
}

}  // namespace
}  // namespace sc2d_test
