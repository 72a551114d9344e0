// The small-group path (conv/grouped.h): routing, packed layout, accuracy
// against the float64 reference, and bit-identity with the igemm path and
// across thread counts, under every kernel table this machine runs.
//
// Tolerance as in test_conv_random.cc (conv-design §6):
//   |y - ref| <= 4 * sqrt(K) * u * S + 4 * u * |ref|
// A fused activation must give exactly what the same table's igemm kernel
// gives (and, for the scalar table, exactly the float64 epilogue of the
// linear output; SIMD tables approximate the transcendental ones).
//
// Bit-identity with igemm: both paths reduce in the contract's order (taps,
// then channels; then bias) with the same arithmetic per table (scalar:
// multiply then add; SIMD: one FMA per step), so a layer packed for either
// path gives the same bits. Every table that has a small-group kernel must
// keep that property.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "conv/conv2d.h"
#include "conv/depthwise.h"
#include "conv/grouped.h"
#include "conv/pack.h"
#include "conv/plan.h"
#include "cpu/dispatch.h"
#include "kernels/epilogue_f64.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"
#include "tests/conv_harness.h"
#include "tests/reference_conv.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

std::vector<const KernelTable*> grouped_tables() {
  std::vector<const KernelTable*> out;
  for (const KernelTable* t : runnable_tables()) {
    if (t->gconv_f32_nhwc != nullptr) out.push_back(t);
  }
  return out;
}

// Grouped / depthwise shapes the small-group path is meant for, plus some
// it must refuse (Cg large against Fg), all sizes odd and small.
RefShape random_grouped_shape(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  RefShape s{};
  s.batch = pick(1, 3);
  s.channels_first = pick(0, 1) == 1;
  s.kh = pick(1, 5);
  s.kw = pick(1, 5);
  s.stride_h = pick(1, 3);
  s.stride_w = pick(1, 3);
  s.dilation_h = pick(1, 2);
  s.dilation_w = pick(1, 2);
  s.same = pick(0, 1) == 1;
  const std::int64_t kind = pick(0, 2);
  if (kind == 0) {  // depthwise, multiplier 1..3, channel counts around V and 2V
    s.groups = pick(1, 40);
    s.channels = s.groups;
    s.filters = s.groups * pick(1, 3);
  } else {  // grouped, Cg 1..8, Fg 1..8
    s.groups = pick(2, 12);
    s.channels = s.groups * pick(1, 8);
    s.filters = s.groups * pick(1, 8);
  }
  const std::int64_t eff_h = (s.kh - 1) * s.dilation_h + 1;
  const std::int64_t eff_w = (s.kw - 1) * s.dilation_w + 1;
  s.height = pick(1, 11);
  s.width = pick(1, 11);
  if (!s.same) {
    s.height = std::max(s.height, eff_h + pick(0, 3));
    s.width = std::max(s.width, eff_w + pick(0, 3));
  }
  return s;
}

// What the rule says for the benchmark layers and a few refusals.
TEST_CASE(grouped_routing_rule) {
  for (const KernelTable* t : grouped_tables()) {
    const std::string isa = t->isa;
    const bool l9_fits = 4 < t->nr;
    CHECK_MSG(grouped_path_applies({3, 3, 1, 32, 32}, *t), isa << ": L8 depthwise");
    CHECK_MSG(grouped_path_applies({3, 3, 4, 128, 32}, *t) == l9_fits, isa << ": L9 Cg=Fg=4");
    CHECK_MSG(grouped_path_applies({3, 3, 1, 96, 32}, *t) == (3 < t->nr), isa << ": multiplier 3");
    CHECK_MSG(grouped_path_applies({3, 3, 8, 128, 32}, *t) == l9_fits, isa << ": Cg 8 Fg 4");
    CHECK_MSG(!grouped_path_applies({3, 3, 3, 32, 32}, *t), isa << ": Cg 3 Fg 1 spans 24");
    CHECK_MSG(!grouped_path_applies({3, 3, 64, 64, 32}, *t), isa << ": Cg 64");
    CHECK_MSG(!grouped_path_applies({3, 3, 4, 4, 1}, *t), isa << ": one group");
    CHECK_MSG(!grouped_path_applies({3, 3, 2, 2 * t->nr, 2}, *t), isa << ": Fg = NR");
    const std::int64_t over = t->gconv_lanes + 1;
    CHECK_MSG(!grouped_path_applies({1, 1, 1, 4 * over, 4}, *t), isa << ": Fg > lanes");
    CHECK_MSG(grouped_layout_fits({1, 1, 1, 4 * over, 4}, *t), isa << ": Fg > lanes fits");
  }
  // A table without the kernel never routes there.
  KernelTable none = *runnable_tables().back();
  none.gconv_f32_nhwc = nullptr;
  CHECK(!grouped_path_applies({3, 3, 1, 32, 32}, none));
  CHECK(!grouped_layout_fits({3, 3, 1, 32, 32}, none));
}

// The packed layout: weights, biases and the lane map's channels, selectors
// and windows agree with the definition in kernel_table.h.
TEST_CASE(grouped_pack_layout) {
  const WeightDims cases[] = {
      {3, 3, 1, 32, 32}, {2, 3, 4, 128, 32}, {1, 2, 1, 21, 7},  {3, 1, 8, 24, 6},
      {2, 2, 2, 10, 5},  {1, 1, 1, 3, 3},    {3, 3, 2, 6, 3},   {1, 3, 5, 35, 7},
  };
  for (const KernelTable* t : grouped_tables()) {
    for (const WeightDims& d : cases) {
      const std::int64_t taps = d.kernel_h * d.kernel_w;
      std::vector<float> kernel(static_cast<size_t>(taps * d.cin_per_group * d.filters));
      for (size_t i = 0; i < kernel.size(); ++i) kernel[i] = 1.0f + static_cast<float>(i);
      std::vector<float> bias(static_cast<size_t>(d.filters));
      for (size_t i = 0; i < bias.size(); ++i) bias[i] = -1.0f - static_cast<float>(i);
      std::string error;
      auto packed = pack_conv2d_weights(*t, d, kernel.data(), static_cast<std::int64_t>(kernel.size()),
                                        bias.data(), d.filters, &error, PackPath::kGrouped);
      CHECK_MSG(packed != nullptr, error);
      if (!packed) continue;
      const std::string what = std::string(t->isa) + " kh" + std::to_string(d.kernel_h) + " kw" +
                               std::to_string(d.kernel_w) + " cg" + std::to_string(d.cin_per_group) +
                               " F" + std::to_string(d.filters) + " G" + std::to_string(d.groups);
      // Windows of V floats: a vector spanning more than 2V channels (here
      // Cg = 5 with NEON's V = 4) cannot take the path, and PackPath::kGrouped
      // falls back to igemm.
      CHECK_MSG(use_grouped_path(*packed) == grouped_layout_fits(d, *t), what);
      if (!use_grouped_path(*packed)) continue;
      const std::int64_t lanes = t->gconv_lanes;
      const std::int64_t v = t->gconv_window;
      const std::int64_t nv = lanes / v;
      const std::int64_t cg = d.cin_per_group;
      const std::int64_t fg = d.filters / d.groups;
      const std::int64_t c = cg * d.groups;
      const std::int64_t width = std::min(v, c);
      CHECK(packed->gconv_lanes == lanes && packed->gconv_blocks == (d.filters + lanes - 1) / lanes);
      CHECK(packed->gconv_block_stride == lanes + taps * cg * lanes);
      CHECK(packed->data.size() == 0 && packed->blocks_per_group == 0);
      CHECK(reinterpret_cast<std::uintptr_t>(packed->gconv_data.data()) % 64 == 0);
      int bad = 0;
      for (std::int64_t b = 0; b < packed->gconv_blocks; ++b) {
        const float* blk = packed->gconv_block(b);
        const std::int32_t* map = packed->gconv_lane_map(b);
        const std::int32_t* sel = map + 3 + 2 * nv;
        const std::int32_t* chan = sel + cg * lanes;
        if (map[1] != width && bad++ < 5) CHECK_MSG(false, what << ": window width " << map[1]);
        bool all_identity = true, all_in_lane = true, one_window = true;
        for (std::int64_t vi = 0; vi < nv; ++vi) {
          const std::int32_t wa = map[3 + 2 * vi], wb = map[3 + 2 * vi + 1];
          if ((wa < 0 || wb < 0 || wa + width > c || wb + width > c) && bad++ < 5) {
            CHECK_MSG(false, what << ": block " << b << " vector " << vi << " windows " << wa << ", " << wb);
          }
          one_window = one_window && wa == wb;
        }
        for (std::int64_t j = 0; j < lanes; ++j) {
          const std::int64_t f = b * lanes + j;
          const bool real = f < d.filters;
          const float want_bias = real ? bias[static_cast<size_t>(f)] : 0.0f;
          if (blk[j] != want_bias && bad++ < 5) CHECK_MSG(false, what << ": bias lane " << j);
          const std::int64_t vi = j / v, i = j % v;
          for (std::int64_t q = 0; q < cg; ++q) {
            for (std::int64_t tap = 0; tap < taps; ++tap) {
              const float want = real ? kernel[static_cast<size_t>((tap * cg + q) * d.filters + f)] : 0.0f;
              const float got = blk[lanes + (tap * cg + q) * lanes + j];
              if (got != want && bad++ < 5) CHECK_MSG(false, what << ": weight tap " << tap << " q " << q << " lane " << j);
            }
            const std::int32_t s = sel[q * lanes + j];
            const std::int32_t ch = chan[q * lanes + j];
            const std::int64_t from = (s < 0 ? map[3 + 2 * vi + 1] : map[3 + 2 * vi]) + (s & (v - 1));
            const std::int64_t want_ch = real ? f / fg * cg + q : map[3 + 2 * vi];
            if ((ch != want_ch || (real && from != want_ch) || (!real && s != i) ||
                 (real && s >= 0 && s >= width)) && bad++ < 5) {
              CHECK_MSG(false, what << ": block " << b << " lane " << j << " q " << q << " sel " << s
                                    << " chan " << ch << " want " << want_ch);
            }
            all_identity = all_identity && s == i;
            const std::int64_t part = gconv_in_lane_width(v);
            all_in_lane = all_in_lane && s >= 0 && (s & (v - 1)) / part == i / part;
          }
        }
        const std::int32_t want_mode = !one_window ? kGconvTwoWindows
                                       : all_identity ? kGconvIdentity
                                       : all_in_lane  ? kGconvInLane
                                                      : kGconvCross;
        // A block may claim a more general mode than it needs, never a narrower one.
        if (map[0] < want_mode && bad++ < 5) {
          CHECK_MSG(false, what << ": block " << b << " mode " << map[0] << " needs " << want_mode);
        }
      }
    }
  }
}

// Random grouped / depthwise layers through the driver (both layouts, every
// stride, dilation and padding), each table: within tolerance of the
// reference, bit-identical to the igemm path of the same table, fused
// activations exactly epilogue(linear).
TEST_CASE(grouped_random_against_reference_and_igemm) {
  std::mt19937_64 rng(424242);
  const int cases = random_case_count(700);
  for (const KernelTable* t : grouped_tables()) {
    int grouped_runs = 0;
    for (int i = 0; i < cases; ++i) {
      const RefShape s = random_grouped_shape(rng);
      const ConvData d = random_conv_data(s, i % 3 != 0, rng);
      const std::string what = std::string(t->isa) + " " + describe_shape(s);
      const DriverRun g = run_driver(s, d, *t, PackPath::kGrouped);
      CHECK_MSG(g.ok, what << ": " << g.error);
      if (!g.ok) continue;
      CHECK_MSG(g.guards_intact, what << ": wrote outside the output");
      grouped_runs += g.grouped ? 1 : 0;
      within_reference_tolerance(s, d, g.output, what + (g.grouped ? " grouped" : " igemm"));
      const DriverRun ig = run_driver(s, d, *t, PackPath::kIgemm);
      CHECK_MSG(ig.ok && !ig.grouped, what << ": " << ig.error);
      size_t where = 0;
      CHECK_MSG(same_bits(g.output, ig.output, &where),
                what << ": grouped and igemm differ at " << where << ": " << g.output[where]
                     << " vs " << ig.output[where]);
      // Auto routing agrees with the rules (depthwise first, conv/depthwise.h)
      // and with the forced paths' bits.
      const DriverRun a = run_driver(s, d, *t, PackPath::kAuto);
      const WeightDims dims{s.kh, s.kw, s.channels / s.groups, s.filters, s.groups};
      const bool depthwise = depthwise_path_applies(dims, *t);
      CHECK_MSG(a.ok && a.depthwise == depthwise &&
                    a.grouped == (!depthwise && grouped_path_applies(dims, *t)),
                what);
      CHECK_MSG(same_bits(a.output, g.output, &where), what << ": auto differs");

      const std::string act = kAllActivations[i % kAllActivationCount];
      if (act == "linear" || !g.grouped) continue;
      const double alpha = i % 2 == 0 ? -1.0 : 0.37 + 0.5 * (i % 5);
      const DriverRun fused = run_driver(s, d, *t, PackPath::kGrouped, act, alpha);
      CHECK_MSG(fused.ok && fused.guards_intact, what << " " << act);
      const DriverRun fused_igemm = run_driver(s, d, *t, PackPath::kIgemm, act, alpha);
      CHECK_MSG(fused_igemm.ok && same_bits(fused.output, fused_igemm.output, &where),
                what << " " << act << ": fused grouped " << fused.output[where] << " vs igemm "
                     << fused_igemm.output[where] << " at " << where);
      if (std::string(t->isa) != "scalar") continue;  // SIMD activations approximate libm
      Epilogue ep;
      CHECK(parse_activation(act, &ep.activation));
      ep.alpha = alpha < 0 ? default_activation_alpha(ep.activation) : alpha;
      std::vector<float> expect(g.output);
      for (float& y : expect) y = activate_f64(y, ep);
      CHECK_MSG(same_bits(fused.output, expect, &where),
                what << " " << act << ": fused " << fused.output[where] << " vs epilogue(linear) "
                     << expect[where] << " at " << where);
    }
    CHECK_MSG(grouped_runs > cases * 4 / 7,
              t->isa << ": only " << grouped_runs << " of " << cases << " cases took the path");
  }
}

// Fixed shapes around the vector and block boundaries, and the benchmark
// layers' geometry at a small size.
TEST_CASE(grouped_fixed_shapes) {
  std::mt19937_64 rng(99);
  const RefShape shapes[] = {
      // N  H   W   C    CF    kh kw sh sw dh dw same G    F
      {1, 13, 11, 32, false, 3, 3, 1, 1, 1, 1, true, 32, 32},    // L8-like depthwise
      {1, 9, 10, 128, false, 3, 3, 1, 1, 1, 1, true, 32, 128},   // L9-like Cg = Fg = 4
      {2, 7, 9, 64, true, 3, 3, 2, 2, 1, 1, true, 32, 64},       // Cg 2 Fg 2, NCHW
      {1, 8, 8, 64, false, 3, 3, 1, 1, 1, 1, true, 8, 32},       // Cg 8 Fg 4: two windows
      {1, 9, 7, 16, false, 3, 3, 1, 1, 1, 1, true, 16, 48},      // depthwise x3
      {1, 9, 7, 17, false, 5, 5, 1, 1, 2, 2, true, 17, 34},      // depthwise x2, C tail
      {3, 5, 5, 3, false, 3, 3, 1, 1, 1, 1, true, 3, 3},         // C < V: masked windows
      {1, 6, 6, 5, true, 2, 2, 1, 1, 1, 1, false, 5, 15},        // C < V, x3
      {2, 1, 1, 24, false, 1, 1, 1, 1, 1, 1, false, 24, 24},     // one pixel
      {1, 12, 1, 40, false, 7, 1, 1, 1, 1, 1, true, 40, 40},     // width 1, 7x1
      {1, 4, 4, 12, false, 6, 6, 1, 1, 1, 1, true, 6, 18},       // kernel beyond the image
  };
  for (const KernelTable* t : grouped_tables()) {
    for (const RefShape& s : shapes) {
      for (bool bias : {false, true}) {
        const ConvData d = random_conv_data(s, bias, rng);
        const std::string what = std::string(t->isa) + " " + describe_shape(s);
        const DriverRun g = run_driver(s, d, *t, PackPath::kGrouped);
        CHECK_MSG(g.ok && g.grouped && g.guards_intact, what << ": " << g.error);
        if (!g.ok) continue;
        within_reference_tolerance(s, d, g.output, what);
        const DriverRun ig = run_driver(s, d, *t, PackPath::kIgemm);
        size_t where = 0;
        CHECK_MSG(ig.ok && same_bits(g.output, ig.output, &where), what << ": igemm differs at " << where);
      }
    }
  }
}

// Bits independent of the thread count, with work split across threads.
TEST_CASE(grouped_bitwise_across_thread_counts) {
  std::mt19937_64 rng(5);
  const RefShape shapes[] = {
      {2, 40, 40, 32, false, 3, 3, 1, 1, 1, 1, true, 32, 32},
      {1, 30, 30, 64, true, 3, 3, 1, 1, 1, 1, true, 16, 64},
      {1, 33, 31, 24, false, 5, 3, 2, 1, 1, 2, true, 24, 72},
  };
  const int saved = get_num_threads();
  for (const KernelTable* t : grouped_tables()) {
    for (const RefShape& s : shapes) {
      const ConvData d = random_conv_data(s, true, rng);
      set_num_threads(1);
      const DriverRun one = run_driver(s, d, *t, PackPath::kGrouped, "relu");
      CHECK(one.ok && one.grouped);
      for (int threads : {2, 3}) {
        set_num_threads(threads);
        const DriverRun many = run_driver(s, d, *t, PackPath::kGrouped, "relu");
        size_t where = 0;
        CHECK_MSG(many.ok && same_bits(one.output, many.output, &where),
                  t->isa << " " << describe_shape(s) << ": 1 vs " << threads << " threads differ at " << where);
      }
    }
  }
  set_num_threads(saved);
}

// NaN, infinities and signed zeros through the vectorised epilogues: the
// fused result equals epilogue(linear) bit for bit (NaN stays NaN, relu of
// -0 is +0), and a NaN pixel reaches only the outputs whose window covers it.
TEST_CASE(grouped_non_finite_and_signed_zero) {
  const RefShape s{1, 6, 6, 16, false, 3, 3, 1, 1, 1, 1, true, 16, 32};
  std::mt19937_64 rng(8);
  ConvData d = random_conv_data(s, true, rng);
  d.input[static_cast<size_t>((2 * 6 + 3) * 16 + 5)] = NAN;       // pixel (2,3), channel 5
  d.input[static_cast<size_t>((4 * 6 + 1) * 16 + 9)] = INFINITY;  // pixel (4,1), channel 9
  for (size_t f = 0; f < d.bias.size(); f += 3) d.bias[f] = -0.0f;
  for (const KernelTable* t : grouped_tables()) {
    const DriverRun lin = run_driver(s, d, *t, PackPath::kGrouped);
    CHECK(lin.ok && lin.grouped);
    for (const char* act : {"relu", "relu6", "leaky_relu", "elu", "gelu", "tanh"}) {
      const DriverRun fused = run_driver(s, d, *t, PackPath::kGrouped, act, -1);
      // The same table's igemm epilogue; for the scalar table also the
      // float64 reference epilogue, which it is.
      const DriverRun fused_igemm = run_driver(s, d, *t, PackPath::kIgemm, act, -1);
      size_t where = 0;
      CHECK_MSG(fused.ok && fused_igemm.ok && same_bits(fused.output, fused_igemm.output, &where),
                t->isa << " " << act << ": " << fused.output[where] << " vs igemm "
                       << fused_igemm.output[where]);
      if (std::string(t->isa) != "scalar" && std::string(act) != "relu" &&
          std::string(act) != "relu6" && std::string(act) != "leaky_relu") {
        continue;  // SIMD transcendental activations approximate libm
      }
      Epilogue ep;
      CHECK(parse_activation(act, &ep.activation));
      ep.alpha = default_activation_alpha(ep.activation);
      std::vector<float> expect(lin.output);
      for (float& y : expect) y = activate_f64(y, ep);
      CHECK_MSG(fused.ok && same_bits(fused.output, expect, &where),
                t->isa << " " << act << ": " << fused.output[where] << " vs " << expect[where]);
    }
    for (std::int64_t y = 0; y < 6; ++y)
      for (std::int64_t x = 0; x < 6; ++x)
        for (std::int64_t f = 0; f < 32; ++f) {
          const bool covers = std::llabs(y - 2) <= 1 && std::llabs(x - 3) <= 1 && f / 2 == 5;
          const float v = lin.output[static_cast<size_t>((y * 6 + x) * 32 + f)];
          CHECK_MSG(std::isnan(v) == covers, t->isa << " y " << y << " x " << x << " f " << f << " = " << v);
        }
  }
}

}  // namespace
}  // namespace sc2d_test
