// Times our own kernels through the C++ core static library
// (libsimd_conv2d_core.a, the same code the addon runs), without Node, JS
// wrappers or per-call output allocation. The gap between this and the
// addon column is the binding overhead.
//
//   core_conv --threads T [--target-s ...] --ref-dir DIR --layer ... [--layer ...]
//
// It uses the core's internal C++ API (plan / pack / forward). That API is
// not public and may change; when it does, this file stops compiling and the
// bench reports the column as skipped instead of failing.
#include <string>

#include "common.h"
#include "conv/conv2d.h"
#include "conv/pack.h"
#include "conv/plan.h"
#include "cpu/dispatch.h"
#include "parallel/parallel_for.h"

namespace sc = simd_conv2d;

namespace {

void run_layer(const bench::Options& o, const bench::Layer& l) {
  sc::ConvParams p;
  p.batch = l.N;
  p.height = l.H;
  p.width = l.W;
  p.channels = l.Cin;
  p.kernel_h = l.Kh;
  p.kernel_w = l.Kw;
  p.stride_h = p.stride_w = l.stride;
  p.dilation_h = p.dilation_w = l.dilation;
  p.padding = l.padding == "same" ? sc::Padding::kSame : sc::Padding::kValid;
  p.groups = l.groups;
  p.filters = l.Cout;

  std::string err;
  sc::ConvPlan plan;
  if (!sc::plan_conv2d(p, &plan, &err)) throw std::runtime_error("plan: " + err);
  if (plan.out_h != l.Ho || plan.out_w != l.Wo) throw std::runtime_error("plan output size differs from suite");

  auto x = bench::make_buffer(l.input_size());
  auto w = bench::make_buffer(l.kernel_size());
  auto y = bench::make_buffer(l.output_size());
  bench::fill_input(l, x.get());
  bench::fill_kernel(l, w.get());

  sc::WeightDims dims;
  dims.kernel_h = l.Kh;
  dims.kernel_w = l.Kw;
  dims.cin_per_group = l.Cin / l.groups;
  dims.filters = l.Cout;
  dims.groups = l.groups;
  auto packed = sc::pack_conv2d_weights(sc::active_kernel_table(), dims, w.get(),
                                        static_cast<std::int64_t>(l.kernel_size()), nullptr, 0, &err);
  if (!packed) throw std::runtime_error("pack: " + err);

  const auto in_len = static_cast<std::int64_t>(l.input_size());
  const auto out_len = static_cast<std::int64_t>(l.output_size());
  auto run = [&] {
    std::string e;
    if (!sc::conv2d_forward(plan, *packed, x.get(), in_len, y.get(), out_len, &e)) {
      throw std::runtime_error("forward: " + e);
    }
  };
  bench::check_and_time(o, l, "ours_core", std::string("isa ") + sc::active_isa(), y.get(), run);
}

}  // namespace

int main(int argc, char** argv) {
  const bench::Options o = bench::parse_options(argc, argv);
  sc::set_num_threads(o.threads);
  char buf[512];
  try {
    std::snprintf(buf, sizeof buf, "\"type\":\"meta\",\"version\":\"simd_conv2d_core\",\"isa\":\"%s\",\"threads\":%d",
                  sc::active_isa(), sc::get_num_threads());
  } catch (const std::exception& e) {
    std::snprintf(buf, sizeof buf, "\"type\":\"fatal\",\"reason\":\"%s\"", bench::json_escape(e.what()).c_str());
    bench::emit(buf);
    return 1;
  }
  bench::emit(buf);
  for (const auto& l : o.layers) {
    try {
      run_layer(o, l);
    } catch (const std::exception& e) {
      std::snprintf(buf, sizeof buf, "\"type\":\"skip\",\"layer\":\"%s\",\"key\":\"ours_core\",\"reason\":\"%s\"",
                    l.id.c_str(), bench::json_escape(e.what()).c_str());
      bench::emit(buf);
    }
  }
  return 0;
}
