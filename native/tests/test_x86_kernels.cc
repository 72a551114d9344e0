// The x86 SIMD kernels (AVX2, AVX-512) at tile level, and their vectorised
// activations.
//
// - Every rows 1..MR x cols 1..NR, taps 0..3, channels 1..17, and tiles of
//   several NR blocks, against a
//   scalar model of the contract's exact operation order (fmaf over taps and
//   channels, + bias): linear outputs must be bitwise equal to it, activated
//   ones within the kernel's stated ulp bound of activate_f64 of it. Guard
//   zones around every output row catch stores outside `cols`.
// - The activations over a dense sweep of floats against activate_f64
//   (max ulp distance <= kX86ActivationUlpBound, measured maxima printed),
//   plus the special values (+-0, +-inf, NaN, subnormals, huge values).
// - AVX2 and AVX-512 bitwise equal (tiles and activations). Without
//   AVX-512 hardware the AVX-512 kernel runs as "avx512-emulated" (its source
//   compiled against SIMDe, tests/emulated/) wherever the test binary was
//   built with SIMDe; with the hardware, both the real and the emulated one
//   run. The AVX2 tests only skip when the CPU lacks AVX2 itself.
//
// SC2D_SWEEP_STRIDE=n (environment) sets the sweep's stride in float units
// (default 4099, about 0.6 million points per activation, a fraction of a
// second; 7 takes about 4 minutes, 1 is exhaustive over [-120, 120]).
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cpu/cpu_features.h"
#include "kernels/activation.h"
#include "kernels/epilogue_f64.h"
#include "tests/check.h"
#include "tests/conv_harness.h"

#if SIMD_CONV2D_HAVE_AVX2 || SIMD_CONV2D_HAVE_AVX512
#include "kernels/x86/x86_kernels.h"
#endif
#if SC2D_TEST_AVX512_EMULATED
#include "tests/emulated/avx512_emulated.h"
#endif

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

#if SIMD_CONV2D_HAVE_AVX2 || SIMD_CONV2D_HAVE_AVX512

using ActivateFn = void (*)(float*, std::int64_t, const Epilogue&);

struct X86Kernel {
  const char* isa;
  std::int64_t mr, nr;
  ConvF32NhwcTileFn conv;
  ActivateFn activate;
};

std::vector<X86Kernel> runnable_kernels() {
  std::vector<X86Kernel> out;
#if SIMD_CONV2D_HAVE_AVX2
  if (cpu_supports_isa("avx2")) {
    out.push_back({"avx2", kConvF32Nhwc6x16Avx2MR, kConvF32Nhwc6x16Avx2NR, conv_f32_nhwc_6x16_avx2,
                   activate_f32_avx2});
  } else {
    std::printf("    note: this CPU lacks AVX2+FMA; the AVX2 kernel is not run\n");
  }
#endif
#if SIMD_CONV2D_HAVE_AVX512
  if (cpu_supports_isa("avx512")) {
    out.push_back({"avx512", kConvF32Nhwc12x32Avx512MR, kConvF32Nhwc12x32Avx512NR,
                   conv_f32_nhwc_12x32_avx512, activate_f32_avx512});
  } else {
    std::printf("    note: this CPU lacks AVX-512 F/BW/DQ/VL; the AVX-512 kernel %s\n",
                avx512_emulated_table() != nullptr ? "runs emulated only"
                                                   : "is not run (no SIMDe in this build)");
  }
#endif
#if SC2D_TEST_AVX512_EMULATED
  if (cpu_supports_isa("avx2")) {
    out.push_back({"avx512-emulated", kConvF32Nhwc12x32Avx512MR, kConvF32Nhwc12x32Avx512NR,
                   conv_f32_nhwc_12x32_avx512_emulated, activate_f32_avx512_emulated});
  }
#endif
  return out;
}

int ulp_bound(Activation a) { return kX86ActivationUlpBound[static_cast<int>(a)]; }

// True when got is an acceptable result for the reference value want.
bool close_in_ulps(float got, float want, int bound) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (bound == 0) return std::memcmp(&got, &want, sizeof got) == 0;
  return float_ulp_distance(got, want) <= bound;
}

Epilogue epilogue_for(int a, double alpha) {
  Epilogue ep;
  ep.activation = static_cast<Activation>(a);
  ep.alpha = alpha < 0 ? default_activation_alpha(ep.activation) : alpha;
  return ep;
}

// ---------------------------------------------------------------- tiles

struct TileCase {
  std::int64_t rows, cols, taps, channels;
};

// One tile's data, independent of the kernel's MR / NR: rows x taps input
// pixels drawn from a pool (row r under tap t reads pool pixel row_pixel[r] +
// tap_pixel[t], the contract's offset sum), [taps][channels][cols] weights,
// cols biases.
struct TileProblem {
  TileCase c;
  std::int64_t stride;                  // floats between pool pixels
  std::vector<float> pool;              // input pixels
  std::vector<std::int64_t> row_pixel;  // [rows]
  std::vector<std::int64_t> tap_pixel;  // [taps]
  std::vector<float> weights;           // [taps][channels][cols]
  std::vector<float> bias;              // [cols]

  const float* x(std::int64_t t, std::int64_t r) const {
    return pool.data() + (row_pixel[static_cast<size_t>(r)] + tap_pixel[static_cast<size_t>(t)]) * stride;
  }
};

TileProblem make_problem(const TileCase& c, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  TileProblem p;
  p.c = c;
  const std::int64_t pool_pixels = 23;
  p.stride = c.channels + 3;  // pixels are not packed tightly
  p.pool.resize(static_cast<size_t>(pool_pixels * p.stride));
  for (float& v : p.pool) v = unit(rng) * 2.0f;
  std::uniform_int_distribution<std::int64_t> pick(0, pool_pixels / 2);
  for (std::int64_t r = 0; r < c.rows; ++r) p.row_pixel.push_back(pick(rng));
  for (std::int64_t t = 0; t < c.taps; ++t) p.tap_pixel.push_back(pick(rng));
  for (std::int64_t i = 0; i < c.taps * c.channels * c.cols; ++i) p.weights.push_back(unit(rng));
  for (std::int64_t j = 0; j < c.cols; ++j) p.bias.push_back(unit(rng));
  return p;
}

// Runs the problem through kernel `k`: lays the weights out as a packed
// block for k's NR (zero lanes past cols; tap panels in reverse order, so the
// tap offsets matter), gives rows >= rows offsets far outside the pool (they
// must not be read), and surrounds every output row with guard zones. Returns false
// (after reporting) if anything was written outside rows x cols; *out gets
// the rows x cols outputs.
bool run_problem(const X86Kernel& k, const TileProblem& p, const Epilogue& ep,
                 std::vector<float>* out, const std::string& what) {
  const TileCase& c = p.c;
  const std::int64_t mr = k.mr, nr = k.nr;
  // Rows past c.rows get an offset far outside the pool: reading them would fault.
  std::vector<std::int64_t> input_rows(static_cast<size_t>(mr), std::int64_t{1} << 40);
  std::vector<std::int64_t> input_taps(static_cast<size_t>(c.taps > 0 ? c.taps : 1), 0);
  for (std::int64_t r = 0; r < c.rows; ++r)
    input_rows[static_cast<size_t>(r)] = p.row_pixel[static_cast<size_t>(r)] * p.stride;
  for (std::int64_t t = 0; t < c.taps; ++t)
    input_taps[static_cast<size_t>(t)] = p.tap_pixel[static_cast<size_t>(t)] * p.stride;
  // c.cols columns as ceil(cols / nr) blocks of the kernel's NR, laid out
  // as the packer does (bias, then [tap][channel][nr]) with a gap after each
  // block so block_stride is not just the block's size; the last block
  // stores c.cols - (blocks - 1) * nr columns.
  const std::int64_t blocks = (c.cols + nr - 1) / nr;
  const std::int64_t panel = c.channels * nr;
  const std::int64_t block_stride = nr + c.taps * panel + 16;
  std::vector<float> storage(static_cast<size_t>(blocks * block_stride + 16), 0.0f);
  float* block = storage.data();
  while (reinterpret_cast<std::uintptr_t>(block) % 64 != 0) ++block;
  std::vector<std::int64_t> offsets(static_cast<size_t>(c.taps > 0 ? c.taps : 1));
  for (std::int64_t t = 0; t < c.taps; ++t) offsets[static_cast<size_t>(t)] = (c.taps - 1 - t) * panel;
  for (std::int64_t j = 0; j < c.cols; ++j) {
    float* bias = block + (j / nr) * block_stride;
    float* weights = bias + nr;
    const std::int64_t lane = j % nr;
    bias[lane] = p.bias[static_cast<size_t>(j)];
    for (std::int64_t t = 0; t < c.taps; ++t)
      for (std::int64_t q = 0; q < c.channels; ++q)
        weights[(c.taps - 1 - t) * panel + q * nr + lane] =
            p.weights[static_cast<size_t>((t * c.channels + q) * c.cols + j)];
  }
  constexpr std::int64_t kGuard = 40;
  constexpr float kSentinel = -777.25f;
  const std::int64_t width = blocks * nr;
  std::vector<std::vector<float>> rows(
      static_cast<size_t>(mr), std::vector<float>(static_cast<size_t>(width + 2 * kGuard), kSentinel));
  std::vector<float*> out_ptr(static_cast<size_t>(mr));
  for (std::int64_t r = 0; r < mr; ++r) out_ptr[static_cast<size_t>(r)] = rows[static_cast<size_t>(r)].data() + kGuard;

  ConvTile tile{};
  tile.rows = c.rows;
  tile.cols = c.cols - (blocks - 1) * nr;
  tile.more_blocks = blocks - 1;
  tile.block_stride = block_stride;
  tile.taps = c.taps;
  tile.channels = c.channels;
  tile.input = p.pool.data();
  tile.input_rows = input_rows.data();
  tile.input_taps = input_taps.data();
  tile.tap_offsets = offsets.data();
  tile.bias = block;
  tile.weights = block + nr;
  tile.output = out_ptr.data();
  k.conv(tile, ep);

  out->clear();
  for (std::int64_t r = 0; r < mr; ++r) {
    const std::vector<float>& o = rows[static_cast<size_t>(r)];
    const std::int64_t stored = r < c.rows ? c.cols : 0;
    for (std::int64_t i = 0; i < kGuard; ++i) {
      if (o[static_cast<size_t>(i)] != kSentinel) {
        CHECK_MSG(false, what << ": row " << r << " wrote " << (kGuard - i) << " floats before its start");
        return false;
      }
    }
    for (std::int64_t j = stored; j < width + kGuard; ++j) {
      if (o[static_cast<size_t>(kGuard + j)] != kSentinel) {
        CHECK_MSG(false, what << ": row " << r << " wrote column " << j << " (cols " << stored << ")");
        return false;
      }
    }
    for (std::int64_t j = 0; j < stored; ++j) out->push_back(o[static_cast<size_t>(kGuard + j)]);
  }
  return true;
}

std::string describe_tile(const X86Kernel& k, const TileCase& c, const Epilogue& ep) {
  return std::string(k.isa) + " rows " + std::to_string(c.rows) + " cols " + std::to_string(c.cols) +
         " taps " + std::to_string(c.taps) + " channels " + std::to_string(c.channels) + " " +
         activation_name(ep.activation) + " alpha " + std::to_string(ep.alpha);
}

// Runs one tile through `k` and checks it against the contract's order:
// acc = +0, fmaf over taps and channels in order, + bias, then the
// activation (bitwise for linear, within the ulp bound otherwise).
bool check_tile(const X86Kernel& k, const TileCase& c, const Epilogue& ep, std::mt19937_64& rng) {
  const TileProblem p = make_problem(c, rng);
  const std::string what = describe_tile(k, c, ep);
  std::vector<float> got;
  if (!run_problem(k, p, ep, &got, what)) return false;
  for (std::int64_t r = 0; r < c.rows; ++r) {
    for (std::int64_t j = 0; j < c.cols; ++j) {
      float acc = 0.0f;
      for (std::int64_t t = 0; t < c.taps; ++t) {
        const float* a = p.x(t, r);
        for (std::int64_t q = 0; q < c.channels; ++q)
          acc = std::fmaf(a[q], p.weights[static_cast<size_t>((t * c.channels + q) * c.cols + j)], acc);
      }
      acc = acc + p.bias[static_cast<size_t>(j)];
      const float want = activate_f64(acc, ep);
      const float g = got[static_cast<size_t>(r * c.cols + j)];
      if (!close_in_ulps(g, want, ulp_bound(ep.activation))) {
        CHECK_MSG(false, what << ": row " << r << " col " << j << " got " << g << " want " << want
                              << " (pre-activation " << acc << ")");
        return false;
      }
    }
  }
  return true;
}

TEST_CASE(x86_tiles_every_shape) {
  std::mt19937_64 rng(606);
  const Epilogue linear = epilogue_for(static_cast<int>(Activation::kLinear), -1);
  for (const X86Kernel& k : runnable_kernels()) {
    int failures = 0;
    for (std::int64_t rows = 1; rows <= k.mr && failures < 3; ++rows)
      for (std::int64_t cols = 1; cols <= k.nr && failures < 3; ++cols)
        for (std::int64_t taps = 0; taps <= 3 && failures < 3; ++taps)
          for (std::int64_t ch = 1; ch <= 17; ch += (taps == 0 ? 17 : 1))
            if (!check_tile(k, {rows, cols, taps, ch}, linear, rng)) ++failures;
  }
}

TEST_CASE(x86_tiles_every_activation) {
  std::mt19937_64 rng(607);
  for (const X86Kernel& k : runnable_kernels()) {
    for (int a = 0; a < kAllActivationCount; ++a) {
      for (double alpha : {-1.0, 0.37, 1.7}) {
        const Epilogue ep = epilogue_for(a, alpha);
        for (std::int64_t rows : {std::int64_t{1}, k.mr / 2, k.mr})
          for (std::int64_t cols : {std::int64_t{1}, k.nr / 2 + 1, k.nr})
            for (std::int64_t taps : {0, 1, 3})
              for (std::int64_t ch : {1, 2, 5})
                check_tile(k, {rows, cols, taps, ch}, ep, rng);
      }
    }
  }
}

// Tiles of several NR blocks (ConvTile::more_blocks): every block count 2..5
// with a full or partial last block, every row count, channel counts around
// the AVX-512 kernel's pair threshold (32) with odd remainders, linear and a
// buffered activation. The AVX-512 kernel runs two blocks at a time in
// passes of up to 6 rows there (conv_block_pair), an odd last block alone.
TEST_CASE(x86_tiles_several_blocks) {
  std::mt19937_64 rng(608);
  const Epilogue linear = epilogue_for(static_cast<int>(Activation::kLinear), -1);
  const Epilogue silu = epilogue_for(static_cast<int>(Activation::kSilu), -1);
  for (const X86Kernel& k : runnable_kernels()) {
    int failures = 0;
    for (std::int64_t blocks = 2; blocks <= 5 && failures < 3; ++blocks)
      for (std::int64_t last : {std::int64_t{1}, k.nr / 2 + 3, k.nr})
        for (std::int64_t rows = 1; rows <= k.mr && failures < 3; ++rows)
          for (std::int64_t ch : {5, 31, 32, 33, 64})
            for (std::int64_t taps : {1, 2})
              for (const Epilogue& ep : {linear, silu})
                if (!check_tile(k, {rows, (blocks - 1) * k.nr + last, taps, ch}, ep, rng)) ++failures;
  }
}

// The same tile through AVX2 and AVX-512 gives the same bits (the per-output
// order depends on neither MR, NR nor the ISA). kernels[0] is AVX2; every
// other entry is an AVX-512 one (real or emulated).
TEST_CASE(x86_avx2_avx512_tiles_bitwise_equal) {
  const auto kernels = runnable_kernels();
  if (kernels.size() < 2) {
    std::printf("    note: AVX-512 is not available here; AVX2 vs AVX-512 tile equality not checked\n");
    return;
  }
  for (size_t k = 1; k < kernels.size(); ++k) {
    std::mt19937_64 rng(901);
    for (int a = 0; a < kAllActivationCount; ++a) {
      const Epilogue ep = epilogue_for(a, -1);
      for (std::int64_t rows = 1; rows <= kernels[0].mr; ++rows)
        for (std::int64_t cols : {1, 7, 8, 9, 16, 40, 64, 100})
          for (std::int64_t taps : {0, 1, 2, 5}) {
            const TileProblem p = make_problem({rows, cols, taps, cols > 16 ? 37 : 13}, rng);
            std::vector<float> o2, o5;
            const std::string what = describe_tile(kernels[k], p.c, ep);
            if (!run_problem(kernels[0], p, ep, &o2, what) || !run_problem(kernels[k], p, ep, &o5, what))
              continue;
            CHECK_MSG(o2.size() == o5.size() &&
                          std::memcmp(o2.data(), o5.data(), o2.size() * sizeof(float)) == 0,
                      what << ": avx2 and " << kernels[k].isa << " differ");
          }
    }
  }
}

// ---------------------------------------------------------------- activations

std::int64_t sweep_stride() {
  const char* s = std::getenv("SC2D_SWEEP_STRIDE");
  if (s == nullptr || *s == '\0') return 4099;
  const long long v = std::atoll(s);
  return v >= 1 ? v : 4099;
}

float float_from_bits(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

// The sweep: every `stride`-th float in [-120, 120] (both signs), every
// 64 * stride-th beyond, a fine sweep of [-1, 1] and the special values.
std::vector<float> sweep_points(std::int64_t stride) {
  std::vector<float> xs;
  const std::uint32_t top = 0x42f00000u;  // 120.0f
  for (std::uint64_t b = 0; b <= top; b += static_cast<std::uint64_t>(stride)) {
    const float f = float_from_bits(static_cast<std::uint32_t>(b));
    xs.push_back(f);
    xs.push_back(-f);
  }
  // Beyond 120 up to FLT_MAX (where every activation saturates or is linear),
  // more sparsely.
  for (std::uint64_t b = top; b < 0x7f800000u; b += static_cast<std::uint64_t>(stride) * 64) {
    const float f = float_from_bits(static_cast<std::uint32_t>(b));
    xs.push_back(f);
    xs.push_back(-f);
  }
  for (float x = -1.0f; x <= 1.0f; x += 1.0f / 4096) xs.push_back(x);
  const float inf = std::numeric_limits<float>::infinity();
  const float specials[] = {0.0f,      -0.0f,     inf,       -inf,     FLT_MAX,  -FLT_MAX,
                            FLT_MIN,   -FLT_MIN,  1e-45f,    -1e-45f,  1e-30f,   -1e-30f,
                            88.72f,    88.73f,    89.0f,     -87.3f,   -103.9f,  -104.0f,
                            -150.0f,   150.0f,    1e10f,     -1e10f,   0.625f,   -0.625f,
                            0.65f,     -0.65f,    6.0f,      -6.0f,    -15.0f,   -16.0f,
                            -13.2f,    -14.2f,    9.01f,     -9.01f,   16.6f,    -16.6f,
                            std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN()};
  for (float f : specials) xs.push_back(f);
  return xs;
}

void check_activation_accuracy(const X86Kernel& k) {
  const std::int64_t stride = sweep_stride();
  const std::vector<float> xs = sweep_points(stride);
  std::printf("    %s activations, %zu points each (stride %lld): max ulp vs activate_f64\n", k.isa,
              xs.size(), static_cast<long long>(stride));
  for (int a = 0; a < kAllActivationCount; ++a) {
    for (double alpha : {-1.0, 0.3, 1.7}) {
      const Epilogue ep = epilogue_for(a, alpha);
      if (alpha >= 0 && ep.activation != Activation::kElu && ep.activation != Activation::kLeakyRelu)
        continue;
      std::vector<float> got = xs;
      k.activate(got.data(), static_cast<std::int64_t>(got.size()), ep);
      std::int64_t worst = 0;
      float worst_x = 0;
      int bad = 0;
      for (size_t i = 0; i < xs.size(); ++i) {
        const float want = activate_f64(xs[i], ep);
        if (std::isnan(want) != std::isnan(got[i])) {
          if (bad++ < 3)
            CHECK_MSG(false, activation_name(ep.activation) << "(" << xs[i] << ") = " << got[i]
                                                            << ", reference " << want);
          continue;
        }
        if (std::isnan(want)) continue;
        const std::int64_t d = float_ulp_distance(got[i], want);
        if (d > worst) worst = d, worst_x = xs[i];
        if (!close_in_ulps(got[i], want, ulp_bound(ep.activation)) && bad++ < 3) {
          CHECK_MSG(false, activation_name(ep.activation)
                               << " alpha " << ep.alpha << " (" << xs[i] << ") = " << got[i]
                               << ", reference " << want << ": " << d << " ulp, bound "
                               << ulp_bound(ep.activation));
        }
      }
      std::printf("      %-13s alpha %-4g max %lld ulp (at x = %.9g)\n",
                  activation_name(ep.activation), ep.alpha, static_cast<long long>(worst),
                  static_cast<double>(worst_x));
    }
  }
}

TEST_CASE(x86_activation_accuracy) {
  for (const X86Kernel& k : runnable_kernels()) check_activation_accuracy(k);
}

TEST_CASE(x86_avx2_avx512_activations_bitwise_equal) {
  const auto kernels = runnable_kernels();
  if (kernels.size() < 2) {
    std::printf("    note: AVX-512 is not available here; AVX2 vs AVX-512 equality not checked\n");
    return;
  }
  const std::vector<float> xs = sweep_points(sweep_stride());
  for (size_t k = 1; k < kernels.size(); ++k) {
    for (int a = 0; a < kAllActivationCount; ++a) {
      const Epilogue ep = epilogue_for(a, 0.45);
      std::vector<float> x2 = xs, x5 = xs;
      kernels[0].activate(x2.data(), static_cast<std::int64_t>(x2.size()), ep);
      kernels[k].activate(x5.data(), static_cast<std::int64_t>(x5.size()), ep);
      CHECK_MSG(std::memcmp(x2.data(), x5.data(), x2.size() * sizeof(float)) == 0,
                kernels[k].isa << " " << activation_name(ep.activation));
    }
  }
}

#endif  // SIMD_CONV2D_HAVE_AVX2 || SIMD_CONV2D_HAVE_AVX512

}  // namespace
}  // namespace sc2d_test
