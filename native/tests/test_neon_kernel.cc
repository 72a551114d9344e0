// Tile-level tests of the AArch64 NEON kernel (conv_f32_nhwc_8x8_neon).
//
// Every rows 1..MR x cols 1..NR, taps 0..3 (and a few long reductions),
// channels 1..17 (every 4/2/1 channel tail), checked three ways:
//
//  1. Bitwise against the contract (kernel_table.h) written out in scalar
//     code: acc = +0; acc = fmaf(x, w, acc) over taps, then channels, in
//     order; acc + bias; activate_f64. The NEON kernel fuses each step, so
//     its bits must equal this exactly, for every activation (the ones it
//     evaluates in registers included). NaN results must be NaN.
//  2. Against the scalar table's kernel, which rounds the product and the
//     sum separately. Both are direct sums of the same K = taps*channels
//     products plus the bias, so each is within gamma(K+1)*S of the exact
//     value (Higham's worst-case bound, gamma(n) = n*u/(1-n*u), u = 2^-24,
//     S = sum|x*w| + |b|), and they differ by at most 2*gamma(K+1)*S. That
//     bound is rigorous, so the test cannot fail by bad luck.
//  3. Memory: each input row (per tap), the weight panels and the bias end
//     exactly at an inaccessible page, so a read past `channels` floats, past
//     the last weight panel or past NR biases faults; input and output
//     pointers for rows >= `rows` are null; every output row sits between
//     sentinel guards and lanes [cols, NR) of it must stay untouched. Weight
//     and bias lanes past `cols`, and weight panels no tap lists, hold NaN,
//     so a kernel that stores or mixes them in is caught.
//
// Compiled only where the NEON kernel is (SIMD_CONV2D_HAVE_NEON); elsewhere
// this file registers no tests.
#if SIMD_CONV2D_HAVE_NEON

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cpu/dispatch.h"
#include "kernels/activation.h"
#include "kernels/epilogue_f64.h"
#include "kernels/neon/neon_kernels.h"
#include "tests/check.h"
#include "tests/conv_harness.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

constexpr int MR = static_cast<int>(kConvF32Nhwc8x8NeonMR);
constexpr int NR = static_cast<int>(kConvF32Nhwc8x8NeonNR);
constexpr double kU = 1.0 / 16777216.0;  // 2^-24
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// `count` floats whose last one is followed by a PROT_NONE page. The rest of
// the mapping before them is NaN.
class FencedFloats {
 public:
  explicit FencedFloats(std::size_t count) : count_(count) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t bytes = (count * sizeof(float) + page - 1) / page * page + page;
    map_bytes_ = bytes + page;
    void* p = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<char*>(p);
    if (mprotect(base_ + bytes, page, PROT_NONE) != 0) return;
    float* first = reinterpret_cast<float*>(base_);
    for (std::size_t i = 0; i < bytes / sizeof(float); ++i) first[i] = kNaN;
    data_ = reinterpret_cast<float*>(base_ + bytes) - count;
  }
  ~FencedFloats() {
    if (base_ != nullptr) munmap(base_, map_bytes_);
  }
  FencedFloats(const FencedFloats&) = delete;
  FencedFloats& operator=(const FencedFloats&) = delete;

  bool ok() const { return data_ != nullptr; }
  float* data() { return data_; }
  std::size_t size() const { return count_; }

 private:
  std::size_t count_ = 0;
  std::size_t map_bytes_ = 0;
  char* base_ = nullptr;
  float* data_ = nullptr;
};

// Inputs and a weight block for `taps` x `channels`, shared by all
// rows x cols cases of that size. Tap t uses panel (panels - 1 - t): the
// panel against the fence is used and panel 0 (all NaN) never is.
struct TileInputs {
  int taps = 0;
  int channels = 0;
  int panels = 0;
  // Every (tap, row) pixel of `channels` floats in one pool, at offset
  // t * tap_stride + r * row_stride (the contract's row + tap offset sum);
  // the last pixel ends against the pool's fence.
  std::unique_ptr<FencedFloats> pool;
  std::int64_t row_stride = 0;
  std::int64_t tap_stride = 0;
  std::unique_ptr<FencedFloats> weights;  // panels * channels * NR
  std::unique_ptr<FencedFloats> bias;     // NR
  std::vector<std::int64_t> tap_offsets;
  bool ok = true;

  float* x(int t, int r) { return pool->data() + t * tap_stride + r * row_stride; }
  const float* x(int t, int r) const { return pool->data() + t * tap_stride + r * row_stride; }
  const float* w(int t) const { return weights->data() + tap_offsets[static_cast<size_t>(t)]; }
};

std::unique_ptr<TileInputs> make_inputs(int taps, int channels, std::mt19937_64& rng) {
  auto in = std::make_unique<TileInputs>();
  in->taps = taps;
  in->channels = channels;
  in->panels = taps + 1;
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  // Weights scaled so sums spread over about [-4, 4]: every clamp region of
  // relu6 and hard_sigmoid is reached.
  const float scale = 3.0f / std::sqrt(static_cast<float>(std::max(1, taps * channels)));
  in->row_stride = channels + 1;  // pixels not packed tightly
  in->tap_stride = MR * in->row_stride + 2;
  const std::int64_t pool_floats =
      std::max(0, taps - 1) * in->tap_stride + (MR - 1) * in->row_stride + channels;
  in->pool = std::make_unique<FencedFloats>(static_cast<size_t>(pool_floats));
  in->ok = in->pool->ok();
  if (in->ok) {
    for (int t = 0; t < taps; ++t)
      for (int r = 0; r < MR; ++r)
        for (int c = 0; c < channels; ++c) in->x(t, r)[c] = unit(rng);
  }
  const size_t panel = static_cast<size_t>(channels) * NR;
  in->weights = std::make_unique<FencedFloats>(panel * static_cast<size_t>(in->panels));
  in->bias = std::make_unique<FencedFloats>(NR);
  in->ok = in->ok && in->weights->ok() && in->bias->ok();
  if (!in->ok) return in;
  for (int t = 0; t < taps; ++t) {
    const std::int64_t offset = static_cast<std::int64_t>(in->panels - 1 - t) * channels * NR;
    in->tap_offsets.push_back(offset);
    float* w = in->weights->data() + offset;
    for (size_t i = 0; i < panel; ++i) w[i] = unit(rng) * scale;
  }
  for (int j = 0; j < NR; ++j) in->bias->data()[j] = 2.0f * unit(rng);
  return in;
}

// Lanes [cols, NR) of every weight row and of the bias are NaN for this
// case (the driver packs zeros there; the kernel must not let them reach
// stored outputs). Returns what to restore.
void poison_lanes(TileInputs& in, int cols, std::vector<float>* saved) {
  saved->clear();
  auto poison = [&](float* p) {
    for (int j = cols; j < NR; ++j) saved->push_back(p[j]), p[j] = kNaN;
  };
  poison(in.bias->data());
  for (int t = 0; t < in.taps; ++t)
    for (int c = 0; c < in.channels; ++c) poison(in.weights->data() + in.tap_offsets[t] + c * NR);
}

void restore_lanes(TileInputs& in, int cols, const std::vector<float>& saved) {
  size_t k = 0;
  auto restore = [&](float* p) {
    for (int j = cols; j < NR; ++j) p[j] = saved[k++];
  };
  restore(in.bias->data());
  for (int t = 0; t < in.taps; ++t)
    for (int c = 0; c < in.channels; ++c) restore(in.weights->data() + in.tap_offsets[t] + c * NR);
}

// The contract in scalar code, one output.
float contract_value(const TileInputs& in, int r, int j, const Epilogue& ep) {
  float acc = 0.0f;
  for (int t = 0; t < in.taps; ++t) {
    const float* x = in.x(t, r);
    const float* w = in.w(t);
    for (int c = 0; c < in.channels; ++c) acc = std::fmaf(x[c], w[c * NR + j], acc);
  }
  acc = acc + in.bias->data()[j];
  return activate_f64(acc, ep);
}

// S = sum |x*w| + |b| for one output.
double abs_sum(const TileInputs& in, int r, int j) {
  double s = std::fabs(static_cast<double>(in.bias->data()[j]));
  for (int t = 0; t < in.taps; ++t)
    for (int c = 0; c < in.channels; ++c)
      s += std::fabs(static_cast<double>(in.x(t, r)[c]) * in.w(t)[c * NR + j]);
  return s;
}

bool same_value(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(float)) == 0;
}

// Output rows between sentinel guards, at a different misalignment each.
struct GuardedOutput {
  static constexpr int kGuard = 9;
  static constexpr int kStride = NR + 2 * kGuard + 3;
  static constexpr float kSentinel = -7777.25f;
  std::vector<float> buffer = std::vector<float>(static_cast<size_t>(MR * kStride), kSentinel);
  float* row(int r) { return buffer.data() + r * kStride + kGuard + (r % 3); }
  // Everything except rows [0, rows) x lanes [0, cols) must hold the sentinel.
  bool guards_intact(int rows, int cols) {
    for (int i = 0; i < MR * kStride; ++i) {
      const int r = i / kStride;
      const int lane = i - (r * kStride + kGuard + (r % 3));
      const bool written = r < rows && lane >= 0 && lane < cols;
      if (!written && buffer[static_cast<size_t>(i)] != kSentinel) return false;
    }
    return true;
  }
};

// Runs `fn` (a tile function for tables with this MR/NR) over one case.
void run_tile(ConvF32NhwcTileFn fn, std::int64_t mr, const TileInputs& in, int rows, int cols,
              const Epilogue& ep, GuardedOutput* out) {
  // Splits into calls of at most `mr` rows (the scalar kernel has MR = 4).
  for (int r0 = 0; r0 < rows; r0 += static_cast<int>(mr)) {
    const int n = std::min<int>(static_cast<int>(mr), rows - r0);
    // Rows past n get an offset far outside the pool: reading them would fault.
    std::vector<std::int64_t> input_rows(static_cast<size_t>(mr), std::int64_t{1} << 40);
    std::vector<std::int64_t> input_taps(static_cast<size_t>(std::max(1, in.taps)), 0);
    std::vector<float*> outs(static_cast<size_t>(mr), nullptr);
    for (int r = 0; r < n; ++r) input_rows[static_cast<size_t>(r)] = (r0 + r) * in.row_stride;
    for (int t = 0; t < in.taps; ++t) input_taps[static_cast<size_t>(t)] = t * in.tap_stride;
    for (int r = 0; r < n; ++r) outs[static_cast<size_t>(r)] = out->row(r0 + r);
    ConvTile tile{};
    tile.rows = n;
    tile.cols = cols;
    tile.taps = in.taps;
    tile.channels = in.channels;
    tile.input = in.taps > 0 ? in.pool->data() : nullptr;
    tile.input_rows = in.taps > 0 ? input_rows.data() : nullptr;
    tile.input_taps = in.taps > 0 ? input_taps.data() : nullptr;
    tile.tap_offsets = in.taps > 0 ? in.tap_offsets.data() : nullptr;
    tile.bias = in.bias->data();
    tile.weights = in.weights->data();
    tile.output = outs.data();
    fn(tile, ep);
  }
}

const KernelTable* table_named(const char* isa) {
  std::string error;
  const KernelTable* t = select_kernel_table(isa, &error);
  CHECK_MSG(t != nullptr, error);
  return t;
}

Epilogue epilogue_named(const std::string& name, double alpha) {
  Epilogue ep;
  CHECK(parse_activation(name, &ep.activation));
  ep.alpha = alpha < 0 ? default_activation_alpha(ep.activation) : alpha;
  return ep;
}

// The (taps, channels) sizes every rows x cols case runs for.
std::vector<std::pair<int, int>> tile_sizes() {
  std::vector<std::pair<int, int>> sizes;
  for (int taps = 0; taps <= 3; ++taps)
    for (int c = 1; c <= 17; ++c) sizes.push_back({taps, c});
  sizes.push_back({9, 64});  // 3x3 x 64: long 4-channel loop
  sizes.push_back({5, 35});  // 4-channel loop + 2 + 1 tails over several taps
  return sizes;
}

TEST_CASE(neon_is_the_default_table) {
  const KernelTable* neon = table_named("neon");
  CHECK(neon != nullptr && std::string(neon->isa) == "neon" && neon->mr == MR && neon->nr == NR &&
        neon->conv_f32_nhwc == conv_f32_nhwc_8x8_neon);
  std::string error;
  const KernelTable* def = select_kernel_table(nullptr, &error);
  CHECK_MSG(def == neon, "default table " << (def ? def->isa : error.c_str()));
  const auto isas = available_isas();
  CHECK(!isas.empty() && isas.front() == "neon" && isas.back() == "scalar");
}

// Check 1 (and 3): bits equal the contract for every activation.
TEST_CASE(neon_tile_bitwise_contract) {
  const KernelTable* neon = table_named("neon");
  if (neon == nullptr) return;
  const char* const fused[] = {"linear", "relu", "relu6", "leaky_relu", "hard_sigmoid", "hard_silu"};
  std::mt19937_64 rng(8080);
  std::vector<float> saved;
  int case_index = 0;
  int bad = 0;
  for (const auto& size : tile_sizes()) {
    auto in = make_inputs(size.first, size.second, rng);
    CHECK_MSG(in->ok, "mmap failed");
    if (!in->ok) return;
    for (int rows = 1; rows <= MR; ++rows) {
      for (int cols = 1; cols <= NR; ++cols, ++case_index) {
        poison_lanes(*in, cols, &saved);
        // The activations done in registers, every case (leaky_relu with a
        // slope < 1 and > 1), plus one of the others in turn.
        std::vector<Epilogue> eps;
        for (const char* name : fused) eps.push_back(epilogue_named(name, -1));
        eps.push_back(epilogue_named("leaky_relu", 1.75));
        eps.push_back(epilogue_named(kAllActivations[case_index % kAllActivationCount],
                                     case_index % 2 ? 0.37 : -1));
        for (const Epilogue& ep : eps) {
          GuardedOutput out;
          run_tile(neon->conv_f32_nhwc, MR, *in, rows, cols, ep, &out);
          const std::string what = "taps " + std::to_string(in->taps) + " channels " +
                                   std::to_string(in->channels) + " rows " +
                                   std::to_string(rows) + " cols " + std::to_string(cols) + " " +
                                   activation_name(ep.activation) + " alpha " +
                                   std::to_string(ep.alpha);
          if (!out.guards_intact(rows, cols) && bad++ < 10) {
            CHECK_MSG(false, what << ": wrote outside rows x cols");
          }
          for (int r = 0; r < rows; ++r) {
            for (int j = 0; j < cols; ++j) {
              const float want = contract_value(*in, r, j, ep);
              const float got = out.row(r)[j];
              if (!same_value(got, want) && bad++ < 10) {
                CHECK_MSG(false, what << ": [" << r << "][" << j << "] got " << got << " want "
                                      << want);
              }
            }
          }
        }
        restore_lanes(*in, cols, saved);
      }
    }
  }
}

// Check 2: within the rigorous worst-case bound of the scalar kernel.
TEST_CASE(neon_tile_matches_scalar_kernel) {
  const KernelTable* neon = table_named("neon");
  const KernelTable* scalar = table_named("scalar");
  if (neon == nullptr || scalar == nullptr) return;
  CHECK_MSG(scalar->nr == NR, "the scalar table's NR changed; this test packs one block for both");
  if (scalar->nr != NR) return;
  const Epilogue linear = epilogue_named("linear", -1);
  std::mt19937_64 rng(4242);
  int bad = 0;
  int differing = 0;
  int compared = 0;
  for (const auto& size : tile_sizes()) {
    auto in = make_inputs(size.first, size.second, rng);
    CHECK_MSG(in->ok, "mmap failed");
    if (!in->ok) return;
    const double k1 = static_cast<double>(in->taps * in->channels + 1);
    const double gamma = k1 * kU / (1.0 - k1 * kU);
    for (int rows = 1; rows <= MR; ++rows) {
      for (int cols = 1; cols <= NR; ++cols) {
        GuardedOutput a;
        GuardedOutput b;
        run_tile(neon->conv_f32_nhwc, neon->mr, *in, rows, cols, linear, &a);
        run_tile(scalar->conv_f32_nhwc, scalar->mr, *in, rows, cols, linear, &b);
        CHECK(a.guards_intact(rows, cols) && b.guards_intact(rows, cols));
        for (int r = 0; r < rows; ++r) {
          for (int j = 0; j < cols; ++j) {
            const double tol = 2.0 * gamma * abs_sum(*in, r, j);
            const double err = std::fabs(static_cast<double>(a.row(r)[j]) - b.row(r)[j]);
            ++compared;
            differing += a.row(r)[j] != b.row(r)[j];
            if (!(err <= tol) && bad++ < 10) {
              CHECK_MSG(false, "taps " << in->taps << " channels " << in->channels << " rows "
                                       << rows << " cols " << cols << " [" << r << "][" << j
                                       << "]: neon " << a.row(r)[j] << " scalar " << b.row(r)[j]
                                       << " err " << err << " tol " << tol);
            }
          }
        }
      }
    }
  }
  // The two must differ somewhere, or the NEON kernel is not fusing (or the
  // scalar one is, against -ffp-contract=off).
  CHECK_MSG(differing > 0, "NEON and scalar agree bit for bit on all " << compared << " outputs");
}

// NaN, infinities, clamp boundaries and tiny values through every activation.
TEST_CASE(neon_tile_special_values) {
  const KernelTable* neon = table_named("neon");
  if (neon == nullptr) return;
  const float inf = std::numeric_limits<float>::infinity();
  const float specials[] = {kNaN, inf, -inf, 0.0f, 6.0f, std::nextafter(6.0f, 7.0f), -3.0f, 3.0f,
                            -1e-45f, 1e-45f, -2.5f, 3e38f, -3e38f, 1e-38f, -0.5f, 0.25f};
  const int count = sizeof(specials) / sizeof(specials[0]);
  std::mt19937_64 rng(99);
  int bad = 0;
  // taps = 0: outputs are +0 + bias, i.e. the special values themselves.
  // taps = 1, 5 channels: one input row holds NaN / inf, so the sums do.
  for (int taps : {0, 1}) {
    auto in = make_inputs(taps, 5, rng);
    CHECK_MSG(in->ok, "mmap failed");
    if (!in->ok) return;
    for (int shift = 0; shift < count; shift += NR) {
      for (int j = 0; j < NR; ++j) in->bias->data()[j] = specials[(shift + j) % count];
      if (taps == 1) {
        in->x(0, 1)[2] = kNaN;
        in->x(0, 3)[0] = inf;
        in->x(0, 4)[4] = -inf;
        in->x(0, 6)[1] = 3e38f;
      }
      for (int a = 0; a < kAllActivationCount; ++a) {
        for (double alpha : {-1.0, 1.5}) {
          const Epilogue ep = epilogue_named(kAllActivations[a], alpha);
          for (int cols : {NR, 5}) {
            GuardedOutput out;
            run_tile(neon->conv_f32_nhwc, MR, *in, MR, cols, ep, &out);
            CHECK(out.guards_intact(MR, cols));
            for (int r = 0; r < MR; ++r) {
              for (int j = 0; j < cols; ++j) {
                const float want = contract_value(*in, r, j, ep);
                const float got = out.row(r)[j];
                if (!same_value(got, want) && bad++ < 10) {
                  CHECK_MSG(false, kAllActivations[a] << " alpha " << ep.alpha << " taps " << taps
                                                      << " bias " << in->bias->data()[j] << " ["
                                                      << r << "][" << j << "] got " << got
                                                      << " want " << want);
                }
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace sc2d_test

#endif  // SIMD_CONV2D_HAVE_NEON
