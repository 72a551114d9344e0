// The depthwise path (conv/depthwise.h): routing, packed layout, accuracy
// against the float64 reference, bit-identity with the small-group and
// igemm paths and across thread counts, under every kernel table this
// machine runs that has a depthwise kernel; and the kernels' promise never
// to touch input or output floats past channel C - 1 (guard pages).
//
// Bit-identity: all three paths reduce in the contract's order (valid taps
// in (ky, kx) order from +0, then bias, then the epilogue) with the same
// arithmetic per table, so a layer packed for any of them gives the same
// bits, linear or fused.
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "conv/depthwise.h"
#include "conv/grouped.h"
#include "conv/pack.h"
#include "cpu/dispatch.h"
#include "kernels/epilogue_f64.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"
#include "tests/conv_harness.h"
#include "tests/reference_conv.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

std::vector<const KernelTable*> depthwise_tables() {
  std::vector<const KernelTable*> out;
  for (const KernelTable* t : runnable_tables()) {
    if (t->dwconv_f32_nhwc != nullptr) out.push_back(t);
  }
  return out;
}

// Fused output against epilogue(linear): bitwise where the table's
// activation is exact, else within its ulp bound.
bool fused_matches_linear(const KernelTable& t, const std::vector<float>& linear,
                          const std::vector<float>& fused, const std::string& act, double alpha,
                          const std::string& what) {
  Epilogue ep;
  CHECK(parse_activation(act, &ep.activation));
  ep.alpha = alpha < 0 ? default_activation_alpha(ep.activation) : alpha;
  const int ulps = epilogue_ulp_bound(t, ep.activation);
  int bad = 0;
  for (size_t i = 0; i < linear.size() && i < fused.size(); ++i) {
    const float expect = activate_f64(linear[i], ep);
    const float got = fused[i];
    const bool ok = std::isnan(expect) || std::isnan(got)
                        ? std::isnan(expect) && std::isnan(got)
                        : (ulps == 0 ? std::memcmp(&expect, &got, sizeof got) == 0
                                     : float_ulp_distance(expect, got) <= ulps);
    if (!ok && bad++ < 3) {
      CHECK_MSG(false, what << " " << act << ": fused " << got << " vs epilogue(linear) " << expect
                            << " at " << i << " (allowed " << ulps << " ulp)");
    }
  }
  return bad == 0;
}

// The matrix of the brief: C in {1,3,5,8,13,16,32,37,64,256,264,520}, strides and
// dilations 1-3, 'valid'/'same', square and non-square kernels up to 7x7,
// batch 1-3, odd sizes, both layouts.
RefShape random_depthwise_shape(std::mt19937_64& rng) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  // 256 and 264: the x86 kernel's wide-pixel tiles (8-lane, C >= 256); 520:
  // its two-vector tiles (C >= 512) with a masked tail.
  static const std::int64_t kChannels[] = {1, 3, 5, 8, 13, 16, 32, 37, 64, 256, 264, 520};
  static const std::int64_t kKernels[][2] = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {3, 1},
                                             {1, 5}, {7, 7}, {2, 3}, {3, 3}, {3, 3}, {5, 5}};
  RefShape s{};
  s.batch = pick(1, 3);
  s.channels_first = pick(0, 3) == 0;
  s.channels = kChannels[pick(0, 11)];
  s.groups = s.channels;
  s.filters = s.channels;
  const auto& k = kKernels[pick(0, 11)];
  s.kh = k[0];
  s.kw = k[1];
  s.stride_h = pick(1, 3);
  s.stride_w = pick(1, 3);
  s.dilation_h = pick(1, 3);
  s.dilation_w = pick(1, 3);
  s.same = pick(0, 1) == 1;
  const std::int64_t eff_h = (s.kh - 1) * s.dilation_h + 1;
  const std::int64_t eff_w = (s.kw - 1) * s.dilation_w + 1;
  s.height = 2 * pick(0, 8) + 1;  // odd, 1..17
  s.width = 2 * pick(0, 10) + 1;  // odd, 1..21 (runs longer than one tile)
  if (!s.same) {
    s.height = std::max(s.height, eff_h + pick(0, 3));
    s.width = std::max(s.width, eff_w + pick(0, 3));
  }
  return s;
}

// One shape on one table: the depthwise path is taken, is within tolerance
// of the reference, and equals the small-group and igemm paths bit for bit,
// linear and with `act` fused.
void check_shape(const KernelTable& t, const RefShape& s, const ConvData& d, const std::string& act,
                 double alpha) {
  const std::string what = std::string(t.isa) + " " + describe_shape(s) +
                           (d.bias.empty() ? " nobias" : " bias");
  const DriverRun dw = run_driver(s, d, t, PackPath::kAuto);
  CHECK_MSG(dw.ok && dw.depthwise && !dw.grouped, what << ": " << dw.error);
  if (!dw.ok) return;
  CHECK_MSG(dw.guards_intact, what << ": wrote outside the output");
  within_reference_tolerance(s, d, dw.output, what);
  size_t where = 0;
  for (PackPath other : {PackPath::kGrouped, PackPath::kIgemm}) {
    const DriverRun o = run_driver(s, d, t, other);
    CHECK_MSG(o.ok && !o.depthwise, what << ": " << o.error);
    CHECK_MSG(same_bits(dw.output, o.output, &where),
              what << ": depthwise " << dw.output[where] << " vs "
                   << (o.grouped ? "small-group " : "igemm ") << o.output[where] << " at "
                   << where);
  }
  if (act == "linear") return;
  const DriverRun fused = run_driver(s, d, t, PackPath::kAuto, act, alpha);
  CHECK_MSG(fused.ok && fused.depthwise && fused.guards_intact, what << " " << act);
  fused_matches_linear(t, dw.output, fused.output, act, alpha, what);
  for (PackPath other : {PackPath::kGrouped, PackPath::kIgemm}) {
    const DriverRun o = run_driver(s, d, t, other, act, alpha);
    CHECK_MSG(o.ok && same_bits(fused.output, o.output, &where),
              what << " " << act << ": fused depthwise " << fused.output[where] << " vs "
                   << o.output[where] << " at " << where);
  }
}

TEST_CASE(depthwise_routing_rule) {
  for (const KernelTable* t : depthwise_tables()) {
    const std::string isa = t->isa;
    CHECK_MSG(depthwise_path_applies({3, 3, 1, 32, 32}, *t), isa << ": L8");
    CHECK_MSG(depthwise_path_applies({7, 1, 1, 37, 37}, *t), isa << ": 7x1, C 37");
    CHECK_MSG(depthwise_path_applies({1, 1, 1, 1, 1}, *t), isa << ": one channel");
    CHECK_MSG(!depthwise_path_applies({3, 3, 1, 64, 32}, *t), isa << ": multiplier 2");
    CHECK_MSG(!depthwise_path_applies({3, 3, 4, 128, 32}, *t), isa << ": Cg 4");
    CHECK_MSG(!depthwise_path_applies({3, 3, 2, 2, 1}, *t), isa << ": dense");
    // Forced paths: kIgemm and kGrouped deny it, kDepthwise and kAuto take it.
    std::vector<float> kernel(9 * 8, 0.5f);
    std::string error;
    for (PackPath path : {PackPath::kAuto, PackPath::kDepthwise, PackPath::kGrouped,
                          PackPath::kIgemm}) {
      auto packed = pack_conv2d_weights(*t, {3, 3, 1, 8, 8}, kernel.data(), 72, nullptr, 0,
                                        &error, path);
      CHECK_MSG(packed != nullptr, error);
      if (!packed) continue;
      const bool want = path == PackPath::kAuto || path == PackPath::kDepthwise;
      CHECK_MSG(use_depthwise_path(*packed) == want, isa << ": path " << static_cast<int>(path));
    }
    // A multiplier-2 layer forced towards depthwise falls back to the rules.
    kernel.assign(9 * 16, 0.5f);
    auto x2 = pack_conv2d_weights(*t, {3, 3, 1, 16, 8}, kernel.data(), 144, nullptr, 0, &error,
                                  PackPath::kDepthwise);
    CHECK_MSG(x2 && !use_depthwise_path(*x2) &&
                  use_grouped_path(*x2) == grouped_path_applies({3, 3, 1, 16, 8}, *t),
              isa << ": multiplier 2 forced");
  }
  // A table without the kernel never routes there.
  KernelTable none = *runnable_tables().back();
  none.dwconv_f32_nhwc = nullptr;
  CHECK(!depthwise_path_applies({3, 3, 1, 32, 32}, none));
  CHECK(!depthwise_layout_fits({3, 3, 1, 32, 32}, none));
}

TEST_CASE(depthwise_pack_layout) {
  const WeightDims cases[] = {{3, 3, 1, 32, 32}, {1, 5, 1, 37, 37}, {2, 3, 1, 1, 1},
                              {7, 7, 1, 13, 13}};
  for (const KernelTable* t : depthwise_tables()) {
    for (const WeightDims& d : cases) {
      const std::int64_t taps = d.kernel_h * d.kernel_w;
      const std::int64_t c = d.filters;
      std::vector<float> kernel(static_cast<size_t>(taps * c)), bias(static_cast<size_t>(c));
      for (size_t i = 0; i < kernel.size(); ++i) kernel[i] = 1.0f + static_cast<float>(i);
      for (size_t i = 0; i < bias.size(); ++i) bias[i] = -1.0f - static_cast<float>(i);
      for (bool with_bias : {false, true}) {
        std::string error;
        auto packed = pack_conv2d_weights(*t, d, kernel.data(), taps * c,
                                          with_bias ? bias.data() : nullptr, with_bias ? c : 0,
                                          &error);
        CHECK_MSG(packed && use_depthwise_path(*packed), error);
        if (!packed || !use_depthwise_path(*packed)) continue;
        const std::int64_t cp = packed->dw_channels;
        CHECK(cp >= c && cp < c + t->dwconv_lanes && cp % t->dwconv_lanes == 0);
        CHECK(packed->dw_data.size() == cp * (taps + 1));
        CHECK(packed->data.size() == 0 && packed->gconv_lanes == 0);
        CHECK(reinterpret_cast<std::uintptr_t>(packed->dw_data.data()) % 64 == 0);
        const float* p = packed->dw_data.data();
        int bad = 0;
        for (std::int64_t j = 0; j < cp; ++j) {
          const float want = with_bias && j < c ? bias[static_cast<size_t>(j)] : 0.0f;
          if (p[j] != want && bad++ < 3) CHECK_MSG(false, t->isa << ": bias " << j);
          for (std::int64_t tap = 0; tap < taps; ++tap) {
            const float wt = j < c ? kernel[static_cast<size_t>(tap * c + j)] : 0.0f;
            if (p[cp + tap * cp + j] != wt && bad++ < 3) {
              CHECK_MSG(false, t->isa << ": tap " << tap << " channel " << j);
            }
          }
        }
      }
    }
  }
}

// The randomized matrix, every activation in turn, on every table.
TEST_CASE(depthwise_random_against_reference_and_other_paths) {
  std::mt19937_64 rng(20240611);
  const int cases = random_case_count(500);
  for (const KernelTable* t : depthwise_tables()) {
    for (int i = 0; i < cases; ++i) {
      const RefShape s = random_depthwise_shape(rng);
      const ConvData d = random_conv_data(s, i % 3 != 0, rng);
      const double alpha = i % 2 == 0 ? -1.0 : 0.37 + 0.5 * (i % 5);
      check_shape(*t, s, d, kAllActivations[i % kAllActivationCount], alpha);
    }
  }
}

// Edges of the geometry: inputs smaller than the kernel with 'same' (down to
// outputs whose every tap is padding), one-pixel images, rows longer than
// several tiles with channel tails, and the benchmark layer's shape.
TEST_CASE(depthwise_fixed_shapes) {
  std::mt19937_64 rng(77);
  const RefShape shapes[] = {
      // N  H   W   C    CF    kh kw sh sw dh dw same G    F
      {1, 13, 29, 32, false, 3, 3, 1, 1, 1, 1, true, 32, 32},  // L8-like, 3 tiles + tail
      {1, 2, 2, 5, false, 5, 5, 1, 1, 1, 1, true, 5, 5},       // input smaller than the kernel
      {2, 1, 1, 37, false, 7, 7, 1, 1, 2, 2, true, 37, 37},    // one pixel, dilated 7x7
      {1, 2, 2, 8, false, 2, 2, 1, 1, 3, 3, true, 8, 8},       // outputs with no valid tap
      {1, 3, 2, 13, true, 3, 3, 1, 1, 3, 1, true, 13, 13},     // rows with no valid tap
      {3, 9, 41, 16, false, 3, 3, 2, 2, 2, 2, true, 16, 16},   // stride == dilation 2
      {1, 8, 50, 3, false, 1, 5, 1, 1, 1, 1, true, 3, 3},      // 1x5, C < vector
      {1, 11, 35, 64, true, 5, 5, 1, 1, 1, 1, true, 64, 64},   // 5x5 shared-column tiles
      {1, 7, 33, 24, false, 3, 3, 3, 1, 1, 1, false, 24, 24},  // stride 3 rows only
      {1, 5, 25, 13, false, 3, 3, 1, 1, 1, 1, true, 13, 13},   // shared tiles, masked tail
      {1, 4, 23, 64, false, 3, 3, 1, 1, 1, 1, true, 64, 64},   // shared tiles, C = 64 constant
      {2, 6, 30, 21, true, 5, 5, 1, 1, 1, 1, false, 21, 21},   // 5-tap shared tiles, tail
      {1, 5, 17, 264, false, 3, 3, 1, 1, 1, 1, true, 264, 264},  // wide-pixel tiles, tail
      {2, 4, 14, 256, true, 3, 3, 1, 1, 1, 1, true, 256, 256},   // wide-pixel tiles, NCHW
      {1, 4, 11, 520, false, 3, 3, 1, 1, 1, 1, true, 520, 520},  // two-vector tiles, tail
      {1, 3, 9, 1024, false, 3, 3, 1, 1, 1, 1, false, 1024, 1024},  // two-vector tiles, 4 KiB pixels
      {1, 9, 19, 140, false, 3, 3, 2, 2, 1, 1, true, 140, 140},  // 4-pixel generic tiles, stride 2
      {2, 7, 13, 128, true, 5, 5, 2, 2, 1, 1, true, 128, 128},   // 4-pixel generic tiles, 5x5
  };
  for (const KernelTable* t : depthwise_tables()) {
    for (const RefShape& s : shapes) {
      for (bool bias : {false, true}) {
        const ConvData d = random_conv_data(s, bias, rng);
        check_shape(*t, s, d, bias ? "relu6" : "gelu", -1);
      }
    }
  }
}

// Bits independent of the thread count, with work split across threads.
TEST_CASE(depthwise_bitwise_across_thread_counts) {
  std::mt19937_64 rng(6);
  const RefShape shapes[] = {
      {2, 40, 40, 32, false, 3, 3, 1, 1, 1, 1, true, 32, 32},
      {1, 30, 31, 37, true, 3, 3, 2, 2, 1, 1, true, 37, 37},
      {1, 33, 31, 16, false, 5, 3, 1, 1, 2, 1, false, 16, 16},
  };
  const int saved = get_num_threads();
  for (const KernelTable* t : depthwise_tables()) {
    for (const RefShape& s : shapes) {
      const ConvData d = random_conv_data(s, true, rng);
      set_num_threads(1);
      const DriverRun one = run_driver(s, d, *t, PackPath::kAuto, "silu");
      CHECK(one.ok && one.depthwise);
      for (int threads : {2, 3}) {
        set_num_threads(threads);
        const DriverRun many = run_driver(s, d, *t, PackPath::kAuto, "silu");
        size_t where = 0;
        CHECK_MSG(many.ok && same_bits(one.output, many.output, &where),
                  t->isa << " " << describe_shape(s) << ": 1 vs " << threads
                         << " threads differ at " << where);
      }
    }
  }
  set_num_threads(saved);
}

#if defined(__unix__) || defined(__APPLE__)
// Floats placed so that the last one ends where an inaccessible page
// begins: any read or write past the end faults.
class GuardedFloats {
 public:
  explicit GuardedFloats(std::int64_t count) : count_(count) {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(float);
    data_pages_ = (bytes + page_ - 1) / page_;
    void* p = mmap(nullptr, (data_pages_ + 1) * page_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<char*>(p);
    if (base_ != nullptr) mprotect(base_ + data_pages_ * page_, page_, PROT_NONE);
  }
  ~GuardedFloats() {
    if (base_ != nullptr) munmap(base_, (data_pages_ + 1) * page_);
  }
  GuardedFloats(const GuardedFloats&) = delete;
  GuardedFloats& operator=(const GuardedFloats&) = delete;
  float* data() {
    return base_ == nullptr ? nullptr
                            : reinterpret_cast<float*>(base_ + data_pages_ * page_) - count_;
  }

 private:
  std::int64_t count_;
  std::size_t page_ = 0, data_pages_ = 0;
  char* base_ = nullptr;
};

// A run whose last pixel ends the input and output buffers, for every C
// around the vector widths: the masked channel tail must not touch the
// guard page (a fault fails the test run), and the outputs equal the small
// reference below.
TEST_CASE(depthwise_kernels_stay_inside_channels) {
  for (const KernelTable* t : depthwise_tables()) {
    // 257, 263: the x86 wide-pixel tiles (C >= 256) with a masked tail; 512,
    // 527 (an odd vector after the pairs, then the tail): its two-vector tiles.
    // Stride 2 (the generic tiles; 4-pixel ones from C = 128 on x86): 135, 263.
    for (std::int64_t c : {1, 3, 7, 8, 9, 15, 16, 17, 23, 31, 33, 135, 257, 263, 512, 527})
    for (std::int64_t stride : {1, 2}) {
      for (std::int64_t pixels : {1, 5, 6, 8, 10, 13}) {
        const std::int64_t cp = (c + t->dwconv_lanes - 1) / t->dwconv_lanes * t->dwconv_lanes;
        const std::int64_t taps = 3;  // one kernel row of 3 taps
        const std::int64_t in_pixels = (pixels - 1) * stride + taps;
        GuardedFloats in(in_pixels * c), out(pixels * c);
        if (in.data() == nullptr || out.data() == nullptr) {
          CHECK_MSG(false, "mmap failed");
          return;
        }
        for (std::int64_t i = 0; i < in_pixels * c; ++i) in.data()[i] = 0.25f * static_cast<float>(i % 7) - 0.5f;
        std::vector<float> weights(static_cast<size_t>((taps + 1) * cp), 0.0f);
        for (std::int64_t j = 0; j < c; ++j) {
          weights[static_cast<size_t>(j)] = 0.125f * static_cast<float>(j % 3);  // bias
          for (std::int64_t k = 0; k < taps; ++k) {
            weights[static_cast<size_t>(cp + k * cp + j)] = 0.5f + 0.25f * static_cast<float>((j + k) % 4);
          }
        }
        const float* rows[1] = {in.data()};
        const std::int64_t offsets[1] = {0};
        DwconvRun run{};
        run.pixels = pixels;
        run.channels = c;
        run.rows = 1;
        run.row_taps = taps;
        run.input = rows;
        run.weight_offsets = offsets;
        run.pixel_stride = stride * c;
        run.tap_stride = c;
        run.padded_channels = cp;
        run.bias = weights.data();
        run.weights = weights.data() + cp;
        run.output = out.data();
        t->dwconv_f32_nhwc(run, Epilogue{});
        int bad = 0;
        for (std::int64_t p = 0; p < pixels; ++p) {
          for (std::int64_t j = 0; j < c; ++j) {
            // Small exact values: every order and FMA give the same sum.
            float want = 0.0f;
            for (std::int64_t k = 0; k < taps; ++k) {
              want += in.data()[(p * stride + k) * c + j] * weights[static_cast<size_t>(cp + k * cp + j)];
            }
            want += weights[static_cast<size_t>(j)];
            const float got = out.data()[p * c + j];
            if (got != want && bad++ < 3) {
              CHECK_MSG(false, t->isa << " C " << c << " stride " << stride << " pixels " << pixels << ": pixel " << p
                                      << " channel " << j << " got " << got << " want " << want);
            }
          }
        }
      }
    }
  }
}
#endif

}  // namespace
}  // namespace sc2d_test
