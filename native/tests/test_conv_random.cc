// Driver against the independent float64 reference.
//
// The tolerance and the fused-epilogue rule are check_against_reference's
// (conv_harness.h, conv-design §6). Every case runs on every kernel table this
// CPU supports (not only the active one), and tables that share the FMA
// reduction order (avx2, avx512) must agree bit for bit.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "conv/conv2d.h"
#include "kernels/activation.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"
#include "tests/conv_harness.h"

namespace sc2d_test {
namespace {

std::string describe(const RefShape& s, bool bias, const std::string& act) {
  return describe_shape(s) + (bias ? " bias " : " nobias ") + act;
}

RefShape random_shape(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  RefShape s{};
  s.batch = pick(1, 3);
  s.channels_first = pick(0, 1) == 1;
  s.kh = pick(1, 4);
  s.kw = pick(1, 4);
  s.stride_h = pick(1, 3);
  s.stride_w = pick(1, 3);
  s.dilation_h = pick(1, 3);
  s.dilation_w = pick(1, 3);
  s.same = pick(0, 1) == 1;
  if (pick(0, 3) == 3) {  // depthwise, channel multiplier 1..3
    s.groups = pick(1, 6);
    s.channels = s.groups;
    s.filters = s.groups * pick(1, 3);
  } else {  // 1, 2 or 3 groups; Fg on both sides of NR
    s.groups = pick(1, 3);
    s.channels = s.groups * pick(1, 5);
    s.filters = s.groups * pick(1, 11);
  }
  const std::int64_t eff_h = (s.kh - 1) * s.dilation_h + 1;
  const std::int64_t eff_w = (s.kw - 1) * s.dilation_w + 1;
  s.height = pick(1, 9);
  s.width = pick(1, 9);
  if (!s.same) {
    s.height = std::max(s.height, eff_h + pick(0, 3));
    s.width = std::max(s.width, eff_w + pick(0, 3));
  }
  return s;
}

// Filters per group around and past the AVX-512 tile's NR = 32 (random_shape
// stays below AVX2's NR = 16): partly filled second vectors, several filter
// blocks, and enough pixels to fill whole 12-row tiles.
RefShape random_wide_shape(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  RefShape s{};
  s.batch = pick(1, 2);
  s.channels_first = pick(0, 1) == 1;
  s.kh = pick(1, 3);
  s.kw = pick(1, 3);
  s.stride_h = pick(1, 2);
  s.stride_w = pick(1, 2);
  s.dilation_h = s.stride_h == 1 ? pick(1, 2) : 1;
  s.dilation_w = s.stride_w == 1 ? pick(1, 2) : 1;
  s.same = pick(0, 1) == 1;
  s.groups = pick(1, 2);
  s.channels = s.groups * pick(1, 24);
  s.filters = s.groups * pick(1, 72);
  const std::int64_t eff_h = (s.kh - 1) * s.dilation_h + 1;
  const std::int64_t eff_w = (s.kw - 1) * s.dilation_w + 1;
  s.height = std::max(pick(1, 12), s.same ? 1 : eff_h);
  s.width = std::max(pick(1, 12), s.same ? 1 : eff_w);
  return s;
}

TEST_CASE(random_shapes_every_activation) {
  std::mt19937_64 rng(20240611);
  const int cases = random_case_count(3400);
  for (int i = 0; i < cases; ++i) {
    const RefShape s = random_shape(rng);
    const bool bias = (i % 3) != 0;
    const ConvData d = random_conv_data(s, bias, rng);
    const std::string act = kAllActivations[i % kAllActivationCount];
    // Exercise non-default slopes / alphas as well as the defaults.
    const double alpha = (i / kAllActivationCount) % 2 == 0 ? -1.0 : 0.37 + 0.5 * (i % 5);
    for (const simd_conv2d::KernelTable* table : runnable_tables()) check_against_reference(*table, s, d, act, alpha);
  }
}

TEST_CASE(wide_filter_shapes) {
  std::mt19937_64 rng(32);
  for (int i = 0; i < 170; ++i) {
    const RefShape s = random_wide_shape(rng);
    const ConvData d = random_conv_data(s, i % 4 != 0, rng);
    const std::string act = kAllActivations[i % kAllActivationCount];
    for (const simd_conv2d::KernelTable* table : runnable_tables()) check_against_reference(*table, s, d, act, -1);
  }
}

TEST_CASE(fixed_edge_shapes) {
  std::mt19937_64 rng(7);
  const RefShape shapes[] = {
      // N  H   W   C  CF    kh kw sh sw dh dw same G   F
      {2, 8, 8, 4, false, 3, 3, 1, 1, 1, 1, true, 1, 8},     // M multiple of MR, F == NR
      {1, 6, 7, 64, false, 3, 3, 1, 1, 1, 1, true, 1, 16},   // long reduction (K = 576)
      {1, 6, 7, 64, true, 3, 3, 2, 2, 1, 1, true, 1, 17},    // NCHW, stride 2, F tail
      {3, 5, 4, 6, true, 1, 1, 2, 3, 1, 1, false, 1, 9},     // 1x1, strides skip pixels
      {1, 2, 3, 3, false, 5, 4, 1, 1, 1, 1, true, 1, 4},     // kernel larger than the image
      {2, 9, 9, 8, false, 3, 3, 1, 1, 1, 1, true, 8, 8},     // depthwise
      {2, 9, 9, 8, true, 3, 3, 2, 2, 1, 1, true, 8, 24},     // depthwise x3, NCHW
      {1, 11, 10, 6, false, 3, 2, 2, 1, 2, 3, true, 3, 12},  // dilation + stride + groups
      {1, 7, 7, 3, false, 4, 4, 2, 2, 1, 1, true, 1, 5},     // odd "same" total (pad 1/2)
      {2, 1, 1, 5, false, 1, 1, 1, 1, 1, 1, false, 1, 33},   // 1 pixel per image
      {1, 13, 1, 2, true, 3, 1, 1, 1, 2, 1, true, 2, 2},     // width 1
  };
  for (const RefShape& s : shapes) {
    for (bool bias : {false, true}) {
      const ConvData d = random_conv_data(s, bias, rng);
      for (const simd_conv2d::KernelTable* table : runnable_tables())
        check_against_reference(*table, s, d, bias ? "relu" : "linear", -1);
    }
  }
}

// channels_first runs in parts of whole images, and the igemm and depthwise
// engines write large NCHW outputs straight from each tile or row (planar
// output), small ones through an NHWC buffer; either way the result must be
// the NHWC layer's output, transposed, bit for bit. Shapes cover full tiles that wrap to the
// next output row and image, two groups, a filter tail, weights past 512 KiB
// (blocks swept outermost), depthwise rows, and small-group layers.
TEST_CASE(channels_first_matches_channels_last_bitwise) {
  std::mt19937_64 rng(41);
  const RefShape shapes[] = {
      // N  H   W   C   CF    kh kw sh sw dh dw same G   F
      {2, 9, 13, 20, false, 3, 3, 1, 1, 1, 1, true, 1, 70},
      {2, 7, 11, 12, false, 3, 3, 1, 2, 1, 1, true, 2, 38},
      {1, 6, 9, 128, false, 3, 3, 1, 1, 1, 1, true, 1, 160},  // 737 KiB of weights
      {3, 5, 5, 8, false, 1, 1, 1, 1, 1, 1, false, 1, 33},
      // The depthwise engine also writes NCHW itself, one output row at a time.
      {2, 7, 10, 16, false, 3, 3, 1, 1, 1, 1, true, 16, 16},
      {1, 9, 11, 5, false, 3, 3, 2, 2, 1, 1, true, 5, 5},
      {2, 6, 6, 40, false, 5, 5, 1, 1, 1, 1, false, 40, 40},
      // The small-group engine (its NHWC output transposed after).
      {1, 8, 8, 16, false, 3, 3, 1, 1, 1, 1, true, 4, 16},
      {2, 9, 7, 64, false, 3, 3, 1, 1, 1, 1, true, 16, 48},
  };
  for (const RefShape& s : shapes) {
    RefShape cf = s;
    cf.channels_first = true;
    const ConvData d = random_conv_data(s, true, rng);
    ConvData dcf = d;
    const std::int64_t hw = s.height * s.width;
    for (std::int64_t n = 0; n < s.batch; ++n)
      for (std::int64_t p = 0; p < hw; ++p)
        for (std::int64_t c = 0; c < s.channels; ++c)
          dcf.input[static_cast<size_t>((n * s.channels + c) * hw + p)] =
              d.input[static_cast<size_t>((n * hw + p) * s.channels + c)];
    // The defaults (one part, these small outputs through an NHWC buffer),
    // then one image per part, every output planar.
    simd_conv2d::ChannelsFirstTuning every_path;
    every_path.part_bytes = 1;
    every_path.planar_output_min_bytes = 0;
    for (const simd_conv2d::ChannelsFirstTuning& tuning :
         {simd_conv2d::ChannelsFirstTuning{}, every_path}) {
      const simd_conv2d::ChannelsFirstTuning saved = simd_conv2d::set_channels_first_tuning(tuning);
      for (const simd_conv2d::KernelTable* table : runnable_tables()) {
        const DriverRun last = run_driver(s, d.input, d.kernel, d.bias, "linear", -1, table);
        const DriverRun first = run_driver(cf, dcf.input, dcf.kernel, dcf.bias, "linear", -1, table);
        CHECK(last.ok && first.ok && first.guards_intact);
        if (!last.ok || !first.ok) continue;
        within_reference_tolerance(s, d, last.output,
                                   std::string("[") + table->isa + "] " + describe_shape(s));
        const std::int64_t pixels =
            static_cast<std::int64_t>(last.output.size()) / s.batch / s.filters;
        std::int64_t wrong = 0;
        for (std::int64_t n = 0; n < s.batch; ++n)
          for (std::int64_t p = 0; p < pixels; ++p)
            for (std::int64_t f = 0; f < s.filters; ++f) {
              const float a = last.output[static_cast<size_t>((n * pixels + p) * s.filters + f)];
              const float b = first.output[static_cast<size_t>((n * s.filters + f) * pixels + p)];
              wrong += std::memcmp(&a, &b, sizeof a) != 0;
            }
        CHECK_MSG(wrong == 0, "[" << table->isa << "] " << describe_shape(cf) << ", parts of "
                                  << tuning.part_bytes << " bytes, planar from "
                                  << tuning.planar_output_min_bytes << " bytes: " << wrong
                                  << " outputs differ from the transposed NHWC output");
      }
      simd_conv2d::set_channels_first_tuning(saved);
    }
  }
}

// Integer data whose sums stay below 2^24 are exact in float: the driver must
// match the reference exactly (keras nn_test.py's deterministic conv test).
TEST_CASE(exact_integer_case) {
  const std::int64_t strides[][2] = {{1, 1}, {2, 2}, {1, 2}};
  for (bool same : {false, true}) {
    for (const auto& st : strides) {
      RefShape s{2, 10, 10, 3, false, 2, 2, st[0], st[1], 1, 1, same, 1, 2};
      ConvData d;
      for (int i = 0; i < 600; ++i) d.input.push_back(static_cast<float>(i));
      for (int i = 0; i < 24; ++i) d.kernel.push_back(static_cast<float>(i));
      d.bias.assign(2, 0.0f);
      const RefResult ref = reference_conv2d(s, d.input, d.kernel, d.bias);
      for (const simd_conv2d::KernelTable* table : runnable_tables()) {
        const DriverRun run = run_driver(s, d.input, d.kernel, d.bias, "linear", -1, table);
        CHECK_MSG(run.ok, run.error);
        if (!run.ok) continue;
        bool exact = run.output.size() == ref.value.size();
        for (size_t i = 0; exact && i < ref.value.size(); ++i) {
          exact = static_cast<double>(run.output[i]) == ref.value[i];
        }
        CHECK_MSG(exact, "[" << table->isa << "] " << describe(s, true, "linear"));
      }
    }
  }
}

TEST_CASE(non_finite_values_stay_local) {
  // A NaN in one input pixel must reach only the outputs whose window covers
  // it; padding reads must never see it.
  RefShape s{1, 6, 6, 2, false, 3, 3, 1, 1, 1, 1, true, 1, 3};
  std::mt19937_64 rng(3);
  ConvData d = random_conv_data(s, true, rng);
  d.input[static_cast<size_t>((2 * 6 + 3) * 2 + 1)] = NAN;  // pixel (2,3), channel 1
  for (const simd_conv2d::KernelTable* table : runnable_tables()) {
    const DriverRun run = run_driver(s, d.input, d.kernel, d.bias, "relu", -1, table);
    CHECK(run.ok);
    if (!run.ok) continue;
    for (std::int64_t y = 0; y < 6; ++y)
      for (std::int64_t x = 0; x < 6; ++x)
        for (std::int64_t f = 0; f < 3; ++f) {
          const bool covers = std::llabs(y - 2) <= 1 && std::llabs(x - 3) <= 1;
          const float v = run.output[static_cast<size_t>((y * 6 + x) * 3 + f)];
          CHECK_MSG(std::isnan(v) == covers,
                    "[" << table->isa << "] y " << y << " x " << x << " f " << f << " = " << v);
        }
  }
}

TEST_CASE(bitwise_identical_across_thread_counts) {
  std::mt19937_64 rng(11);
  const RefShape shapes[] = {
      // Large enough that every one of them is split across threads.
      {2, 15, 13, 12, false, 3, 3, 1, 1, 1, 1, true, 1, 20},
      {2, 33, 29, 12, true, 3, 3, 2, 1, 1, 2, true, 3, 21},
      {2, 40, 40, 16, false, 3, 3, 1, 1, 1, 1, true, 16, 32},
  };
  const int saved = simd_conv2d::get_num_threads();
  for (const RefShape& s : shapes) {
    const ConvData d = random_conv_data(s, true, rng);
    for (const simd_conv2d::KernelTable* table : runnable_tables()) {
      simd_conv2d::set_num_threads(1);
      const DriverRun one = run_driver(s, d.input, d.kernel, d.bias, "gelu", -1, table);
      CHECK(one.ok);
      for (int threads : {2, 3, 5}) {
        simd_conv2d::set_num_threads(threads);
        const DriverRun many = run_driver(s, d.input, d.kernel, d.bias, "gelu", -1, table);
        CHECK(many.ok);
        CHECK_MSG(same_output_bits(many, one),
                  "[" << table->isa << "] " << describe(s, true, "gelu")
                      << " differs between 1 and " << threads << " threads");
      }
    }
  }
  simd_conv2d::set_num_threads(saved);
}

// AVX2 and AVX-512 share the FMA reduction order and the epilogue code, so
// the same layer gives the same bits on both, whatever their MR and NR. The
// AVX-512 side is the real kernel where the CPU has it and the SIMDe-emulated
// one wherever the test binary was built with SIMDe (both, when both exist).
TEST_CASE(avx2_and_avx512_bitwise_equal) {
  const simd_conv2d::KernelTable* avx2 = nullptr;
  std::vector<const simd_conv2d::KernelTable*> avx512;
  for (const simd_conv2d::KernelTable* t : runnable_tables()) {
    const std::string isa = t->isa;
    if (isa == "avx2") avx2 = t;
    if (isa == "avx512" || isa == "avx512-emulated") avx512.push_back(t);
  }
  if (avx2 == nullptr || avx512.empty()) {
    std::printf("    note: %s; AVX2 vs AVX-512 driver equality not checked\n",
                avx2 == nullptr ? "AVX2 is not available here" : "AVX-512 is not available here");
    return;
  }
  for (const simd_conv2d::KernelTable* other : avx512) {
    std::mt19937_64 rng(12);
    for (int i = 0; i < 600; ++i) {
      const RefShape s = i < 400 ? random_shape(rng) : random_wide_shape(rng);
      const ConvData d = random_conv_data(s, i % 2 == 0, rng);
      const std::string act = kAllActivations[i % kAllActivationCount];
      const DriverRun a = run_driver(s, d.input, d.kernel, d.bias, act, -1, avx2);
      const DriverRun b = run_driver(s, d.input, d.kernel, d.bias, act, -1, other);
      CHECK(a.ok && b.ok);
      CHECK_MSG(same_output_bits(a, b),
                describe(s, i % 2 == 0, act) << ": avx2 and " << other->isa << " differ");
    }
  }
}

}  // namespace
}  // namespace sc2d_test
