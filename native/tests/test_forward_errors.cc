// conv2d_forward refuses inconsistent calls instead of touching memory.
#include <vector>

#include "conv/conv2d.h"
#include "cpu/dispatch.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

struct Setup {
  ConvPlan plan;
  std::shared_ptr<const PackedWeights> weights;
};

Setup make(std::int64_t batch) {
  ConvParams p;
  p.batch = batch;
  p.height = 5;
  p.width = 4;
  p.channels = 4;
  p.kernel_h = 3;
  p.kernel_w = 3;
  p.padding = Padding::kSame;
  p.groups = 2;
  p.filters = 6;
  Setup s;
  std::string error;
  CHECK_MSG(plan_conv2d(p, &s.plan, &error), error);
  std::vector<float> kernel(3 * 3 * 2 * 6, 0.5f);
  s.weights = pack_conv2d_weights(active_kernel_table(), {3, 3, 2, 6, 2}, kernel.data(),
                                  static_cast<std::int64_t>(kernel.size()), nullptr, 0, &error);
  CHECK_MSG(s.weights != nullptr, error);
  return s;
}

TEST_CASE(forward_rejects_inconsistent_calls) {
  Setup s = make(1);
  std::vector<float> in(static_cast<size_t>(s.plan.input_elements), 1.0f);
  std::vector<float> out(static_cast<size_t>(s.plan.output_elements), 0.0f);
  std::string error;
  CHECK(conv2d_forward(s.plan, *s.weights, in.data(), s.plan.input_elements, out.data(),
                       s.plan.output_elements, &error));

  CHECK(!conv2d_forward(s.plan, *s.weights, in.data(), s.plan.input_elements - 1, out.data(),
                        s.plan.output_elements, &error));
  CHECK_MSG(error.find("input: expected 80 elements, received 79") != std::string::npos, error);
  CHECK(!conv2d_forward(s.plan, *s.weights, in.data(), s.plan.input_elements, out.data(),
                        s.plan.output_elements + 1, &error));
  CHECK_MSG(error.find("output: expected 120 elements, received 121") != std::string::npos, error);

  // Output overlapping the input.
  std::vector<float> shared(200, 1.0f);
  CHECK(!conv2d_forward(s.plan, *s.weights, shared.data(), 80, shared.data() + 60, 120, &error));
  CHECK_MSG(error.find("must not share memory") != std::string::npos, error);

  // Weights packed for a different shape.
  ConvPlan other = s.plan;
  other.params.kernel_w = 1;
  CHECK(!conv2d_forward(other, *s.weights, in.data(), s.plan.input_elements, out.data(),
                        s.plan.output_elements, &error));
  CHECK_MSG(error.find("do not match") != std::string::npos, error);
}

TEST_CASE(forward_batch_zero_touches_nothing) {
  Setup s = make(0);
  std::string error;
  CHECK_MSG(conv2d_forward(s.plan, *s.weights, nullptr, 0, nullptr, 0, &error), error);
}

}  // namespace
}  // namespace sc2d_test
