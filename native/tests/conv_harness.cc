#include "tests/conv_harness.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string_view>

#include "conv/conv2d.h"
#include "conv/depthwise.h"
#include "conv/grouped.h"
#include "conv/pack.h"
#include "conv/plan.h"
#include "cpu/cpu_features.h"
#include "cpu/dispatch.h"
#include "kernels/epilogue_f64.h"
#include "kernels/registry.h"
#include "tests/check.h"
#if SIMD_CONV2D_HAVE_AVX2 || SIMD_CONV2D_HAVE_AVX512
#include "kernels/x86/x86_kernels.h"
#endif
#if SC2D_TEST_AVX512_EMULATED
#include "tests/emulated/avx512_emulated.h"
#endif

namespace sc2d_test {

using namespace simd_conv2d;

const char* const kAllActivations[] = {
    "linear",       "relu",      "relu6",    "leaky_relu", "elu",         "selu",
    "sigmoid",      "tanh",      "silu",     "gelu",       "hard_sigmoid", "hard_silu",
    "softplus",     "softsign",  "exponential", "mish",    "log_sigmoid",
};
const int kAllActivationCount = sizeof(kAllActivations) / sizeof(kAllActivations[0]);

const KernelTable* avx512_emulated_table() {
#if SC2D_TEST_AVX512_EMULATED
  static const KernelTable* const table = []() -> const KernelTable* {
    std::size_t count = 0;
    const KernelTable* const* tables = compiled_kernel_tables(&count);
    for (std::size_t i = 0; i < count; ++i) {
      if (std::string_view(tables[i]->isa) != "avx512") continue;
      // The AVX-512 kernels are swapped for their emulated builds.
      static KernelTable emulated = *tables[i];
      emulated.isa = "avx512-emulated";
      emulated.conv_f32_nhwc = conv_f32_nhwc_12x32_avx512_emulated;
      emulated.gconv_f32_nhwc = gconv_f32_nhwc_12x16_avx512_emulated;
      emulated.dwconv_f32_nhwc = dwconv_f32_nhwc_avx512_emulated;
      emulated.pointwise_f32_nhwc = pointwise_f32_nhwc_4x6x16_avx512_emulated;
      return &emulated;
    }
    return nullptr;
  }();
  return table;
#else
  return nullptr;
#endif
}

std::vector<const KernelTable*> runnable_tables() {
  std::size_t count = 0;
  const KernelTable* const* tables = compiled_kernel_tables(&count);
  const KernelTable* emulated = cpu_supports_isa("avx2") ? avx512_emulated_table() : nullptr;
  std::vector<const KernelTable*> out;
  for (std::size_t i = 0; i < count; ++i) {
    if (emulated != nullptr && std::string_view(tables[i]->isa) == "avx2") out.push_back(emulated);
    if (cpu_supports_isa(tables[i]->isa)) out.push_back(tables[i]);
  }
  return out;
}

int epilogue_ulp_bound(const KernelTable& table, Activation activation) {
  const std::string_view isa = table.isa;
#if SIMD_CONV2D_HAVE_AVX2 || SIMD_CONV2D_HAVE_AVX512
  if (isa == "avx2" || isa == "avx512" || isa == "avx512-emulated")
    return kX86ActivationUlpBound[static_cast<int>(activation)];
#endif
  (void)isa;
  (void)activation;
  return 0;  // scalar and NEON apply apply_epilogue_f64's arithmetic exactly
}

std::int64_t float_ulp_distance(float a, float b) {
  auto ordered = [](float f) {
    std::int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? -static_cast<std::int64_t>(i & 0x7fffffff) : static_cast<std::int64_t>(i);
  };
  const std::int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b, size_t* where) {
  *where = 0;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0 && !(std::isnan(a[i]) && std::isnan(b[i]))) {
      *where = i;
      return false;
    }
  }
  return true;
}

bool within_reference_tolerance(const RefShape& s, const ConvData& d, const std::vector<float>& y,
                                const std::string& what) {
  constexpr double kU = 1.0 / 16777216.0;  // 2^-24
  const RefResult ref = reference_conv2d(s, d.input, d.kernel, d.bias);
  CHECK_MSG(y.size() == ref.value.size(), what << ": output size");
  if (y.size() != ref.value.size()) return false;
  const double k = static_cast<double>(s.kh * s.kw * (s.channels / s.groups)) +
                   (d.bias.empty() ? 0.0 : 1.0);
  int bad = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double tol = 4.0 * std::sqrt(k) * kU * ref.abs_sum[i] + 4.0 * kU * std::fabs(ref.value[i]);
    const double err = std::fabs(static_cast<double>(y[i]) - ref.value[i]);
    if (!(err <= tol) && bad++ < 3) {
      CHECK_MSG(err <= tol, what << ": output " << i << " got " << y[i] << " ref " << ref.value[i]
                                 << " err " << err << " tol " << tol);
    }
  }
  return bad == 0;
}

namespace {

// ulp of a float of magnitude |v| (2^-149 for zero and subnormals).
double float_ulp(double v) {
  const float f = static_cast<float>(std::fabs(v));
  if (!(f >= FLT_MIN)) return std::ldexp(1.0, -149);
  int e = 0;
  std::frexp(f, &e);  // f = m * 2^e, m in [0.5, 1)
  return std::ldexp(1.0, e - 24);
}

}  // namespace

DriverRun check_against_reference(const KernelTable& table, const RefShape& s, const ConvData& d,
                                  const std::string& act, double alpha, PackPath path) {
  constexpr double kU = 1.0 / 16777216.0;  // 2^-24
  const std::string what = std::string("[") + table.isa + "] " + describe_shape(s) +
                           (d.bias.empty() ? " nobias " : " bias ") + act;
  const RefResult ref = reference_conv2d(s, d.input, d.kernel, d.bias);
  DriverRun lin = run_driver(s, d.input, d.kernel, d.bias, "linear", -1, &table, path);
  CHECK_MSG(lin.ok, what << ": " << lin.error);
  if (!lin.ok) return lin;
  CHECK_MSG(lin.guards_intact, what << ": wrote outside the output");
  CHECK_MSG(lin.output.size() == ref.value.size(), what << ": output size");
  if (lin.output.size() != ref.value.size()) return lin;

  const double k = static_cast<double>(s.kh * s.kw * (s.channels / s.groups)) +
                   (d.bias.empty() ? 0.0 : 1.0);
  int bad = 0;
  for (size_t i = 0; i < ref.value.size(); ++i) {
    const double tol = 4.0 * std::sqrt(k) * kU * ref.abs_sum[i] + 4.0 * kU * std::fabs(ref.value[i]);
    const double err = std::fabs(static_cast<double>(lin.output[i]) - ref.value[i]);
    if (!(err <= tol) && bad++ < 3) {
      CHECK_MSG(err <= tol, what << " linear: output " << i << " got " << lin.output[i]
                                 << " ref " << ref.value[i] << " err " << err << " tol " << tol);
    }
  }
  if (act == "linear") return lin;

  const DriverRun fused = run_driver(s, d.input, d.kernel, d.bias, act, alpha, &table, path);
  CHECK_MSG(fused.ok, what << ": " << fused.error);
  if (!fused.ok) return lin;
  CHECK_MSG(fused.guards_intact, what << ": wrote outside the output");
  Epilogue ep;
  CHECK(parse_activation(act, &ep.activation));
  ep.alpha = alpha < 0 ? default_activation_alpha(ep.activation) : alpha;
  const int ulps = epilogue_ulp_bound(table, ep.activation);
  for (size_t i = 0; i < ref.value.size(); ++i) {
    const float expect = activate_f64(lin.output[i], ep);
    const float got = fused.output[i];
    const bool same =
        ulps == 0 ? std::memcmp(&expect, &got, sizeof(float)) == 0
                  : (std::isnan(expect) || std::isnan(got)
                         ? std::isnan(expect) && std::isnan(got)
                         : float_ulp_distance(expect, got) <= ulps);
    if (!same && bad++ < 3) {
      CHECK_MSG(false, what << ": fused epilogue " << got << " differs from epilogue(linear) "
                            << expect << " at " << i << " (allowed " << ulps << " ulp)");
    }
    const double conv_tol =
        4.0 * std::sqrt(k) * kU * ref.abs_sum[i] + 4.0 * kU * std::fabs(ref.value[i]);
    const double fref = static_cast<double>(ref_activation(act, ref.value[i], ep.alpha));
    const double tol = ref_activation_slope(act, ref.value[i], conv_tol, ep.alpha) * conv_tol +
                       4.0 * kU * std::fabs(fref) + ulps * float_ulp(fref) + FLT_MIN;
    const double err = std::fabs(static_cast<double>(fused.output[i]) - fref);
    if (!(err <= tol) && bad++ < 3) {
      CHECK_MSG(err <= tol, what << ": output " << i << " got " << fused.output[i] << " ref "
                                 << fref << " (pre " << ref.value[i] << ") err " << err
                                 << " tol " << tol);
    }
  }
  return lin;
}

ConvData random_conv_data(const RefShape& s, bool with_bias, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  ConvData d;
  const std::int64_t cg = s.channels / s.groups;
  const float scale = 2.0f / std::sqrt(static_cast<float>(s.kh * s.kw * cg));
  d.input.resize(static_cast<size_t>(s.batch * s.height * s.width * s.channels));
  d.kernel.resize(static_cast<size_t>(s.kh * s.kw * cg * s.filters));
  for (float& v : d.input) v = unit(rng);
  for (float& v : d.kernel) v = unit(rng) * scale;
  if (with_bias) {
    d.bias.resize(static_cast<size_t>(s.filters));
    for (float& v : d.bias) v = unit(rng);
  }
  return d;
}

std::string describe_shape(const RefShape& s) {
  std::ostringstream o;
  o << "N" << s.batch << " H" << s.height << " W" << s.width << " C" << s.channels
    << (s.channels_first ? " NCHW" : " NHWC") << " k" << s.kh << "x" << s.kw << " s" << s.stride_h
    << "," << s.stride_w << " d" << s.dilation_h << "," << s.dilation_w
    << (s.same ? " same" : " valid") << " G" << s.groups << " F" << s.filters;
  return o.str();
}

ConvParams conv_params(const RefShape& s) {
  ConvParams p;
  p.batch = s.batch;
  p.height = s.height;
  p.width = s.width;
  p.channels = s.channels;
  p.channels_first = s.channels_first;
  p.kernel_h = s.kh;
  p.kernel_w = s.kw;
  p.stride_h = s.stride_h;
  p.stride_w = s.stride_w;
  p.dilation_h = s.dilation_h;
  p.dilation_w = s.dilation_w;
  p.padding = s.same ? Padding::kSame : Padding::kValid;
  p.groups = s.groups;
  p.filters = s.filters;
  return p;
}

DriverRun run_driver(const RefShape& s, const std::vector<float>& input,
                     const std::vector<float>& kernel, const std::vector<float>& bias,
                     const std::string& activation, double alpha, const KernelTable* table,
                     PackPath path) {
  DriverRun run;
  ConvParams p = conv_params(s);
  if (!parse_activation(activation, &p.activation)) {
    run.error = "unknown activation " + activation;
    return run;
  }
  p.alpha = alpha < 0 ? default_activation_alpha(p.activation) : alpha;

  ConvPlan plan;
  if (!plan_conv2d(p, &plan, &run.error)) return run;
  WeightDims dims{s.kh, s.kw, s.channels / s.groups, s.filters, s.groups};
  auto packed = pack_conv2d_weights(table != nullptr ? *table : active_kernel_table(), dims, kernel.data(),
                                    static_cast<std::int64_t>(kernel.size()),
                                    bias.empty() ? nullptr : bias.data(),
                                    static_cast<std::int64_t>(bias.size()), &run.error, path);
  if (!packed) return run;
  run.grouped = use_grouped_path(*packed);
  run.depthwise = use_depthwise_path(*packed);
  // Guard zones on both sides catch stores outside the output.
  constexpr size_t kGuard = 67;
  constexpr float kSentinel = -12345.678f;
  const size_t n = static_cast<size_t>(plan.output_elements);
  std::vector<float> buffer(n + 2 * kGuard, kSentinel);
  run.ok = conv2d_forward(plan, *packed, input.data(), static_cast<std::int64_t>(input.size()),
                          buffer.data() + kGuard, plan.output_elements, &run.error);
  for (size_t i = 0; i < kGuard; ++i) {
    run.guards_intact = run.guards_intact && buffer[i] == kSentinel && buffer[kGuard + n + i] == kSentinel;
  }
  run.output.assign(buffer.begin() + kGuard, buffer.begin() + kGuard + n);
  return run;
}

bool same_output_bits(const DriverRun& a, const DriverRun& b) {
  return a.output.size() == b.output.size() &&
         std::memcmp(a.output.data(), b.output.data(), a.output.size() * sizeof(float)) == 0;
}

}  // namespace sc2d_test
