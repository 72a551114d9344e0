// Structure-aware fuzzing of the native Conv2D entry: plan_conv2d ->
// pack_conv2d_weights -> conv2d_forward.
//
// A case is a byte string read front to back as a list of choices
// (ByteReader: each choice takes the fewest bytes its range needs, and bytes
// past the end read as zero, which picks the plainest option, so every
// string, the empty one included, is a case):
//
//   validity  about 1 case in 5 is an invalid call (below), and which
//   table     one of runnable_tables(): every compiled table this CPU runs,
//             plus "avx512-emulated" where the tests build it
//   run       pack path (auto / igemm / small-group / depthwise), threads
//             1-4, channels_first tuning (conv2d.h)
//   layer     size class (1 in 16 larger: up to 24 x 24 pixels), form (1-4
//             groups, depthwise x1-3, wide depthwise with 200-600 channels),
//             channels, filters, kernel h/w, strides, dilations, padding,
//             layout, batch (sometimes 0), H, W, bias, activation, alpha
//   data      the bytes left over seed the input, kernel and bias values
//
// A valid case must pass check_against_reference (the float64 reference
// within test_conv_random.cc's tolerance, fused activation included, nothing
// written around the output), and its linear output must have the bits of
// the same layer run the plainest way (automatic path, one thread, default
// tuning) on a bit-compatible table: the same one, or avx2 for avx512 and
// its emulation (they share the FMA reduction order).
//
// An invalid case corrupts one thing of a decoded layer: a dimension (zero,
// negative, past its limit, INT64_MIN/MAX), sizes whose product passes the
// element limits, a 'valid' kernel larger than the input, groups that do not
// divide channels or filters, a padding, activation or alpha out of range,
// kernel or bias lengths off by a few, weight dims the packer must refuse,
// input or output lengths off by a few, input and output sharing memory, a
// null buffer, or weights packed for another shape. The stage that owns the
// check must refuse it with a message, and conv2d_forward must leave the
// output alone. Buffers hold exactly the length claimed, so a read or write
// past them is a sanitizer report. Strides and dilations both above 1 are
// not an error here: only the Keras layer refuses them (lib/args.ts); the
// functional API and this entry compute them, so valid cases include them.
//
// Shapes stay small (at most 0.3 M multiply-adds, the large ones 3 M), so a
// case takes microseconds to a few milliseconds.
//
// Drivers: fuzz_main.cc (random strings from a seed; prints the failing
// input as hex for --replay), built as simd_conv2d_fuzz with any compiler
// and run by ctest and scripts/test-sanitizers.sh; or libFuzzer, with clang
// (CMake option SC2D_LIBFUZZER; scripts/fuzz-libfuzzer.sh builds and runs it).
#include "tests/fuzz_conv2d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <random>
#include <sstream>
#include <string_view>
#include <vector>

#include "conv/conv2d.h"
#include "conv/pack.h"
#include "conv/plan.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"
#include "tests/conv_harness.h"
#include "tests/reference_conv.h"

namespace sc2d_test {

namespace {
int g_case_failures = 0;
constexpr int kPrintedFailuresPerCase = 10;
bool g_announce = false;

void announce(const std::string& what) {
  if (!g_announce) return;
  std::printf("  case: %s\n", what.c_str());
  std::fflush(stdout);
}
}  // namespace

void announce_fuzz_cases(bool on) { g_announce = on; }

// The harness reports through this (tests/check.h); a case fails when it was
// called during the case.
void report_failure(const char* file, int line, const char* expr, const std::string& detail) {
  if (g_case_failures < kPrintedFailuresPerCase) {
    std::printf("    FAILED %s:%d: %s%s%s\n", file, line, expr, detail.empty() ? "" : "\n      ",
                detail.c_str());
    std::fflush(stdout);
  }
  ++g_case_failures;
}

namespace {

using namespace simd_conv2d;

constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int32_t kI32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kI32Max = std::numeric_limits<std::int32_t>::max();

class ByteReader {
 public:
  ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  // An integer in [lo, hi], from as many bytes as the range needs; lo once
  // the bytes have run out.
  std::int64_t in(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    std::uint64_t v = 0;
    for (std::uint64_t left = range; left != 0; left >>= 8) v = (v << 8) | next_byte();
    if (range != std::numeric_limits<std::uint64_t>::max()) v %= range + 1;
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + v);
  }

  // One of the values, the first once the bytes have run out.
  template <typename T, std::size_t N>
  T one_of(const T (&values)[N]) {
    return values[static_cast<std::size_t>(in(0, static_cast<std::int64_t>(N) - 1))];
  }

  // FNV-1a of the bytes not read yet: the seed of the case's values.
  std::uint64_t rest_seed() const {
    std::uint64_t h = 14695981039346656037ull;
    for (std::size_t i = pos_; i < size_; ++i) h = (h ^ data_[i]) * 1099511628211ull;
    return h;
  }

 private:
  std::uint8_t next_byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

const std::vector<const KernelTable*>& tables() {
  static const std::vector<const KernelTable*> t = runnable_tables();
  return t;
}

// The table whose bits `table` must reproduce: avx2 for avx512 and its
// emulation (same FMA order, same epilogue code), else itself.
const KernelTable* bit_partner(const KernelTable* table) {
  const std::string_view isa = table->isa;
  if (isa != "avx512" && isa != "avx512-emulated") return table;
  for (const KernelTable* t : tables()) {
    if (std::string_view(t->isa) == "avx2") return t;
  }
  return table;
}

struct Layer {
  RefShape shape{};
  bool bias = false;
  int activation = 0;  // index into kAllActivations
  double alpha = -1;   // < 0: the Keras default
};

struct RunConfig {
  const KernelTable* table = nullptr;
  PackPath path = PackPath::kAuto;
  int threads = 1;
  int tuning = 0;  // 0 default; 1 one image per part, planar from 0 bytes; 2 one image per part
};

std::int64_t extent(std::int64_t k, std::int64_t d) { return (k - 1) * d + 1; }

std::int64_t multiply_adds(const RefShape& s) {
  std::int64_t oh = 0, ow = 0, pad = 0;
  ref_axis(s.height, s.kh, s.stride_h, s.dilation_h, s.same, &oh, &pad);
  ref_axis(s.width, s.kw, s.stride_w, s.dilation_w, s.same, &ow, &pad);
  return s.batch * oh * ow * s.kh * s.kw * (s.channels / s.groups) * s.filters;
}

Layer decode_layer(ByteReader& r) {
  Layer l;
  RefShape& s = l.shape;
  const bool large = r.in(0, 15) == 15;
  const std::int64_t form = r.in(0, 9);
  if (form < 6) {  // 1-4 groups; 1 in 3 with Fg past AVX-512's NR = 32
    s.groups = r.in(1, 4);
    s.channels = s.groups * r.in(1, 9);
    s.filters = s.groups * r.in(1, r.in(0, 2) == 2 ? 72 : 12);
  } else if (form < 9) {  // depthwise, channel multiplier 1-3
    s.groups = r.in(1, 40);
    s.channels = s.groups;
    s.filters = s.groups * r.in(1, 3);
  } else {  // the x86 depthwise kernel's wide-pixel (C >= 256) and two-vector (C >= 512) tiles
    s.groups = r.in(200, 600);
    s.channels = s.groups;
    s.filters = s.groups;
  }
  s.kh = r.in(1, 5);
  s.kw = r.in(1, 5);
  s.stride_h = r.in(1, 3);
  s.stride_w = r.in(1, 3);
  s.dilation_h = r.in(1, 3);
  s.dilation_w = r.in(1, 3);
  s.same = r.in(0, 1) == 1;
  s.channels_first = r.in(0, 1) == 1;
  s.batch = r.in(0, 15) == 15 ? 0 : r.in(1, 3);
  const std::int64_t side = large ? 24 : 10;
  s.height = r.in(1, side);
  s.width = r.in(1, side);
  const std::int64_t min_h = s.same ? 1 : extent(s.kh, s.dilation_h);
  const std::int64_t min_w = s.same ? 1 : extent(s.kw, s.dilation_w);
  if (!s.same) {
    s.height = std::max(s.height, min_h + r.in(0, 3));
    s.width = std::max(s.width, min_w + r.in(0, 3));
  }
  // Shrink to the size class's budget: batch first, then the image.
  const std::int64_t budget = large ? 3'000'000 : 300'000;
  while (multiply_adds(s) > budget) {
    if (s.batch > 1) {
      --s.batch;
    } else if (s.height > min_h || s.width > min_w) {
      s.height = std::max(min_h, s.height / 2);
      s.width = std::max(min_w, s.width / 2);
    } else {
      break;
    }
  }
  l.bias = r.in(0, 2) != 0;
  l.activation = static_cast<int>(r.in(0, kAllActivationCount - 1));
  l.alpha = r.in(0, 3) == 3 ? 0.37 + 0.5 * static_cast<double>(r.in(0, 4)) : -1.0;
  return l;
}

RunConfig decode_run(ByteReader& r) {
  RunConfig c;
  c.table = tables()[static_cast<std::size_t>(r.in(0, static_cast<std::int64_t>(tables().size()) - 1))];
  static const PackPath kPaths[] = {PackPath::kAuto, PackPath::kAuto, PackPath::kAuto,
                                    PackPath::kIgemm, PackPath::kGrouped, PackPath::kDepthwise};
  c.path = r.one_of(kPaths);
  c.threads = static_cast<int>(r.in(1, 4));
  c.tuning = static_cast<int>(r.in(0, 3)) % 3;
  return c;
}

const char* path_name(PackPath p) {
  switch (p) {
    case PackPath::kAuto: return "auto";
    case PackPath::kIgemm: return "igemm";
    case PackPath::kGrouped: return "grouped";
    case PackPath::kDepthwise: return "depthwise";
  }
  return "?";
}

std::string describe(const Layer& l, const RunConfig& c) {
  std::ostringstream o;
  o << "[" << c.table->isa << "] " << describe_shape(l.shape) << (l.bias ? " bias " : " nobias ")
    << kAllActivations[l.activation];
  if (l.alpha >= 0) o << " alpha " << l.alpha;
  o << ", path " << path_name(c.path) << ", " << c.threads << (c.threads == 1 ? " thread" : " threads");
  if (l.shape.channels_first && c.tuning != 0) {
    o << (c.tuning == 1 ? ", 1-image parts, planar output" : ", 1-image parts");
  }
  return o.str();
}

ChannelsFirstTuning tuning_for(int tuning) {
  ChannelsFirstTuning t;
  if (tuning != 0) t.part_bytes = 1;
  if (tuning == 1) t.planar_output_min_bytes = 0;
  return t;
}

// Sets the process-wide thread count and channels_first tuning for a case,
// and puts the previous ones back.
class ScopedRunSettings {
 public:
  ScopedRunSettings(int threads, const ChannelsFirstTuning& tuning)
      : threads_(get_num_threads()), tuning_(set_channels_first_tuning(tuning)) {
    set_num_threads(threads);
  }
  ~ScopedRunSettings() {
    set_num_threads(threads_);
    set_channels_first_tuning(tuning_);
  }
  ScopedRunSettings(const ScopedRunSettings&) = delete;
  ScopedRunSettings& operator=(const ScopedRunSettings&) = delete;

 private:
  int threads_;
  ChannelsFirstTuning tuning_;
};

void run_valid(const Layer& l, const RunConfig& c, std::uint64_t seed, const std::string& what) {
  announce(what);
  std::mt19937_64 rng(seed);
  const ConvData d = random_conv_data(l.shape, l.bias, rng);
  DriverRun lin;
  {
    ScopedRunSettings settings(c.threads, tuning_for(c.tuning));
    lin = check_against_reference(*c.table, l.shape, d, kAllActivations[l.activation], l.alpha,
                                  c.path);
  }
  const KernelTable* partner = bit_partner(c.table);
  const bool plain = partner == c.table && c.path == PackPath::kAuto && c.threads == 1 &&
                     (c.tuning == 0 || !l.shape.channels_first);
  if (!lin.ok || plain) return;
  ScopedRunSettings settings(1, ChannelsFirstTuning{});
  const DriverRun base = run_driver(l.shape, d, *partner, PackPath::kAuto);
  CHECK_MSG(base.ok, what << ": " << base.error);
  CHECK_MSG(base.output.size() == lin.output.size(), what << ": output size");
  if (!base.ok || base.output.size() != lin.output.size()) return;
  std::size_t where = 0;
  CHECK_MSG(same_bits(lin.output, base.output, &where),
            what << ": linear output differs from [" << partner->isa
                 << "] auto path, 1 thread, default tuning at " << where << ": "
                 << lin.output[where] << " vs " << base.output[where]);
}

// ---------------------------------------------------------------- invalid calls

enum class Invalid {
  // plan_conv2d refuses
  kDimension,
  kElementCount,
  kValidKernelTooLarge,
  kGroupsDoNotDivide,
  kEnumOrAlpha,
  // pack_conv2d_weights refuses
  kKernelLength,
  kBiasLength,
  kWeightDims,
  // conv2d_forward refuses
  kInputLength,
  kOutputLength,
  kOverlap,
  kNullBuffer,
  kOtherWeights,
};
constexpr std::int64_t kInvalidKinds = static_cast<std::int64_t>(Invalid::kOtherWeights) + 1;

ConvParams params_of(const Layer& l) {
  ConvParams p = conv_params(l.shape);
  CHECK(parse_activation(kAllActivations[l.activation], &p.activation));
  p.alpha = l.alpha < 0 ? default_activation_alpha(p.activation) : l.alpha;
  return p;
}

void expect_plan_refuses(const ConvParams& p, const std::string& what) {
  ConvPlan plan;
  std::string error;
  const bool ok = plan_conv2d(p, &plan, &error);
  CHECK_MSG(!ok && !error.empty(), what << ": plan_conv2d " << (ok ? "accepted it" : "gave no message"));
}

// Corrupts one thing of p that plan_conv2d checks; *what says which.
void corrupt_for_plan(Invalid kind, ByteReader& r, ConvParams* p, std::string* what) {
  std::ostringstream o;
  switch (kind) {
    case Invalid::kDimension: {
      struct Field {
        const char* name;
        std::int64_t ConvParams::*member;
        std::int64_t limit;
      };
      static const Field kFields[] = {
          {"batch", &ConvParams::batch, ConvLimits::kMaxDim},
          {"height", &ConvParams::height, ConvLimits::kMaxDim},
          {"width", &ConvParams::width, ConvLimits::kMaxDim},
          {"channels", &ConvParams::channels, ConvLimits::kMaxDim},
          {"kernel_h", &ConvParams::kernel_h, ConvLimits::kMaxKernelDim},
          {"kernel_w", &ConvParams::kernel_w, ConvLimits::kMaxKernelDim},
          {"stride_h", &ConvParams::stride_h, ConvLimits::kMaxStride},
          {"stride_w", &ConvParams::stride_w, ConvLimits::kMaxStride},
          {"dilation_h", &ConvParams::dilation_h, ConvLimits::kMaxStride},
          {"dilation_w", &ConvParams::dilation_w, ConvLimits::kMaxStride},
          {"groups", &ConvParams::groups, ConvLimits::kMaxDim},
          {"filters", &ConvParams::filters, ConvLimits::kMaxDim},
      };
      const Field& f = r.one_of(kFields);
      // Batch 0 is valid (an empty call); 0 is out of range for the rest.
      const std::int64_t values[] = {f.member == &ConvParams::batch ? -1 : 0, -1, kI64Min,
                                     f.limit + 1, kI64Max, -(std::int64_t{1} << 31)};
      const std::int64_t v = r.one_of(values);
      p->*f.member = v;
      o << f.name << " = " << v;
      break;
    }
    case Invalid::kElementCount: {
      p->channels_first = false;
      p->padding = Padding::kSame;
      p->groups = 1;
      p->kernel_h = p->kernel_w = 1;
      p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
      switch (r.in(0, 3)) {
        case 0: {  // the input past 2^46 elements (or past int64) at in-range dims
          const std::int64_t a = r.in(17, 30), b = r.in(10, 30), c = r.in(10, 30);
          const std::int64_t d = std::min<std::int64_t>(30, std::max<std::int64_t>(0, 47 - a - b - c) + r.in(0, 3));
          p->batch = std::int64_t{1} << a;
          p->height = std::int64_t{1} << b;
          p->width = std::int64_t{1} << c;
          p->channels = std::int64_t{1} << d;
          p->filters = 1;
          o << "input 2^" << a << " x 2^" << b << " x 2^" << c << " x 2^" << d;
          break;
        }
        case 1: {  // the output past 2^46 elements, the input within
          p->batch = std::int64_t{1} << 16;
          p->height = p->width = std::int64_t{1} << 8;
          p->channels = 1;
          p->filters = std::int64_t{1} << r.in(15, 30);
          o << "output 2^32 pixels x " << p->filters << " filters";
          break;
        }
        case 2: {  // the kernel past 2^46 elements: 2^20 taps
          p->batch = 1;
          p->height = p->width = 1;
          p->kernel_h = p->kernel_w = std::int64_t{1} << 10;
          p->channels = std::int64_t{1} << r.in(14, 30);
          p->filters = std::int64_t{1} << 13;
          o << "kernel 1024 x 1024 x " << p->channels << " x 8192";
          break;
        }
        default: {  // more than 2^20 taps, each side in range
          p->batch = 1;
          p->height = p->width = 1;
          p->channels = p->filters = 1;
          p->kernel_h = std::int64_t{1} << r.in(10, 20);
          p->kernel_w = (std::int64_t{1} << 21) / p->kernel_h;
          o << "kernel " << p->kernel_h << " x " << p->kernel_w;
          break;
        }
      }
      break;
    }
    case Invalid::kValidKernelTooLarge: {
      p->padding = Padding::kValid;
      const bool rows = r.in(0, 1) == 0;
      std::int64_t& k = rows ? p->kernel_h : p->kernel_w;
      std::int64_t& n = rows ? p->height : p->width;
      const std::int64_t d = rows ? p->dilation_h : p->dilation_w;
      k = std::max<std::int64_t>(k, 2);
      n = r.in(1, extent(k, d) - 1);
      o << "'valid' with " << (rows ? "height " : "width ") << n << " < extent " << extent(k, d);
      break;
    }
    case Invalid::kGroupsDoNotDivide: {
      p->groups = r.in(2, 5);
      const std::int64_t off = r.in(1, p->groups - 1);
      if (r.in(0, 1) == 0) {
        p->channels = p->groups * r.in(1, 4) + off;
        p->filters = p->groups * r.in(1, 4);
      } else {
        p->channels = p->groups * r.in(1, 4);
        p->filters = p->groups * r.in(1, 4) + off;
      }
      o << "groups " << p->groups << " with channels " << p->channels << ", filters "
        << p->filters;
      break;
    }
    default: {  // kEnumOrAlpha
      switch (r.in(0, 2)) {
        case 0: {
          static const std::int32_t kBad[] = {kActivationCount, -1, kActivationCount + 1,
                                              kI32Min, kI32Max};
          const std::int32_t v = r.one_of(kBad);
          p->activation = static_cast<Activation>(v);
          o << "activation " << v;
          break;
        }
        case 1: {
          static const double kBad[] = {std::nan(""), std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()};
          p->alpha = r.one_of(kBad);
          o << "alpha " << p->alpha;
          break;
        }
        default: {
          static const std::int32_t kBad[] = {2, -1, 3, kI32Min, kI32Max};
          const std::int32_t v = r.one_of(kBad);
          p->padding = static_cast<Padding>(v);
          o << "padding " << v;
          break;
        }
      }
      break;
    }
  }
  *what = o.str();
}

// A buffer of exactly n floats holding `fill`.
std::vector<float> filled(std::int64_t n, float fill) {
  return std::vector<float>(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)), fill);
}

bool all_equal(const std::vector<float>& v, float value) {
  return std::all_of(v.begin(), v.end(),
                     [&](float x) { return std::memcmp(&x, &value, sizeof x) == 0; });
}

constexpr float kSentinel = -12345.678f;

void run_invalid(Invalid kind, ByteReader& r, Layer l, const RunConfig& c, std::string* what) {
  if (l.shape.batch == 0) l.shape.batch = 1;  // forward's checks need pixels to refuse
  ConvParams p = params_of(l);
  std::ostringstream o;
  o << "invalid: ";
  if (kind <= Invalid::kEnumOrAlpha) {
    std::string change;
    corrupt_for_plan(kind, r, &p, &change);
    *what = "invalid: " + change + " on " + describe(l, c);
    announce(*what);
    expect_plan_refuses(p, *what);
    return;
  }

  ConvPlan plan;
  std::string error;
  CHECK_MSG(plan_conv2d(p, &plan, &error), describe(l, c) << ": " << error);
  if (g_case_failures > 0) return;
  const RefShape& s = l.shape;
  WeightDims dims{s.kh, s.kw, s.channels / s.groups, s.filters, s.groups};
  const std::int64_t kernel_length = s.kh * s.kw * dims.cin_per_group * s.filters;

  if (kind <= Invalid::kWeightDims) {
    std::int64_t klen = kernel_length;
    std::int64_t blen = l.bias ? s.filters : 0;
    if (kind == Invalid::kKernelLength) {
      klen += r.in(0, 1) == 0 ? -r.in(1, std::min<std::int64_t>(3, kernel_length)) : r.in(1, 3);
      o << "kernel length " << klen << " for " << kernel_length;
    } else if (kind == Invalid::kBiasLength) {
      blen = s.filters + (r.in(0, 1) == 0 && s.filters > 1 ? -1 : r.in(1, 2));
      o << "bias length " << blen << " for " << s.filters;
    } else {
      switch (r.in(0, 4)) {
        case 0: dims.cin_per_group = r.one_of({std::int64_t{0}, std::int64_t{-1}, kI64Min}); break;
        case 1: dims.filters = r.one_of({std::int64_t{0}, std::int64_t{-3}, kI64Max}); break;
        case 2: dims.groups = r.one_of({std::int64_t{0}, std::int64_t{-1}, ConvLimits::kMaxDim + 1}); break;
        case 3: dims.kernel_h = r.one_of({std::int64_t{0}, ConvLimits::kMaxKernelDim + 1, kI64Max}); break;
        default:
          dims.groups = r.in(2, 5);
          dims.filters = dims.groups * r.in(1, 4) + r.in(1, dims.groups - 1);
          break;
      }
      o << "weight dims kh " << dims.kernel_h << " kw " << dims.kernel_w << " cinPerGroup "
        << dims.cin_per_group << " filters " << dims.filters << " groups " << dims.groups;
      klen = 16;  // the packer must refuse the dims before reading any of it
    }
    *what = o.str() + " on " + describe(l, c);
    announce(*what);
    const std::vector<float> kernel = filled(klen, 0.25f);
    const std::vector<float> bias = filled(blen, 0.5f);
    const auto packed = pack_conv2d_weights(*c.table, dims, kernel.empty() ? nullptr : kernel.data(), klen,
                                            bias.empty() ? nullptr : bias.data(), blen, &error,
                                            c.path);
    CHECK_MSG(packed == nullptr && !error.empty(),
              *what << ": pack_conv2d_weights " << (packed ? "accepted it" : "gave no message"));
    return;
  }

  // Forward-stage errors: weights packed for the call, unless kOtherWeights.
  if (kind == Invalid::kOtherWeights) {
    switch (r.in(0, 3)) {
      case 0: ++dims.kernel_h; break;
      case 1: ++dims.kernel_w; break;
      case 2: dims.filters += dims.groups; break;
      default: ++dims.cin_per_group; break;
    }
    o << "weights packed for kh " << dims.kernel_h << " kw " << dims.kernel_w << " cinPerGroup "
      << dims.cin_per_group << " filters " << dims.filters;
  }
  std::int64_t in_len = plan.input_elements;
  std::int64_t out_len = plan.output_elements;
  std::vector<float> shared;  // kOverlap: one buffer for both
  const float* input = nullptr;
  float* output = nullptr;
  std::vector<float> in_buf, out_buf;
  bool null_input = false, null_output = false;
  switch (kind) {
    case Invalid::kInputLength:
      in_len += r.in(0, 1) == 0 ? -r.in(1, std::min<std::int64_t>(3, in_len)) : r.in(1, 3);
      o << "input length " << in_len << " for " << plan.input_elements;
      break;
    case Invalid::kOutputLength:
      out_len += r.in(0, 1) == 0 ? -r.in(1, std::min<std::int64_t>(3, out_len)) : r.in(1, 3);
      o << "output length " << out_len << " for " << plan.output_elements;
      break;
    case Invalid::kOverlap: {
      const std::int64_t overlap = r.in(1, std::min(in_len, out_len));
      const bool output_first = r.in(0, 1) == 1;
      shared = filled(in_len + out_len - overlap, kSentinel);
      input = shared.data() + (output_first ? out_len - overlap : 0);
      output = shared.data() + (output_first ? 0 : in_len - overlap);
      o << "output " << (output_first ? "before" : "after") << " the input, " << overlap
        << " floats shared";
      break;
    }
    case Invalid::kNullBuffer:
      null_input = r.in(0, 1) == 0;
      null_output = !null_input;
      o << (null_input ? "null input" : "null output");
      break;
    default:
      break;
  }
  *what = o.str() + " on " + describe(l, c);
  announce(*what);
  const std::vector<float> kernel =
      filled(dims.kernel_h * dims.kernel_w * dims.cin_per_group * dims.filters, 0.25f);
  const auto weights = pack_conv2d_weights(*c.table, dims, kernel.data(),
                                           static_cast<std::int64_t>(kernel.size()), nullptr, 0,
                                           &error, c.path);
  CHECK_MSG(weights != nullptr, describe(l, c) << ": " << error);
  if (weights == nullptr) return;

  if (kind != Invalid::kOverlap) {
    in_buf = filled(in_len, 1.0f);
    out_buf = filled(out_len, kSentinel);
    input = null_input || in_buf.empty() ? nullptr : in_buf.data();
    output = null_output || out_buf.empty() ? nullptr : out_buf.data();
  }
  error.clear();
  const bool ok = conv2d_forward(plan, *weights, input, in_len, output, out_len, &error);
  CHECK_MSG(!ok && !error.empty(),
            *what << ": conv2d_forward " << (ok ? "accepted it" : "gave no message"));
  CHECK_MSG(all_equal(kind == Invalid::kOverlap ? shared : out_buf, kSentinel),
            *what << ": conv2d_forward wrote to its output while refusing the call");
}

}  // namespace

std::string fuzz_table_names() {
  std::string names;
  for (const KernelTable* t : tables()) names += (names.empty() ? "" : ", ") + std::string(t->isa);
  return names;
}

FuzzResult run_fuzz_case(const std::uint8_t* data, std::size_t size) {
  g_case_failures = 0;
  FuzzResult result;
  ByteReader r(data, size);
  const bool invalid = r.in(0, 4) == 4;
  const auto kind = static_cast<Invalid>(r.in(0, kInvalidKinds - 1));
  const RunConfig c = decode_run(r);
  const Layer l = decode_layer(r);
  try {
    if (invalid) {
      run_invalid(kind, r, l, c, &result.description);
    } else {
      result.description = describe(l, c);
      run_valid(l, c, r.rest_seed(), result.description);
    }
  } catch (const std::exception& e) {
    report_failure(__FILE__, __LINE__, "no exception", result.description + ": threw " + e.what());
  }
  result.outcome = g_case_failures > 0 ? FuzzOutcome::kFailed
                   : invalid          ? FuzzOutcome::kRejected
                                      : FuzzOutcome::kValid;
  return result;
}

}  // namespace sc2d_test

// libFuzzer's entry (SC2D_LIBFUZZER builds): a failed check is a crash, so
// libFuzzer keeps the input.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sc2d_test::FuzzResult r = sc2d_test::run_fuzz_case(data, size);
  if (r.outcome == sc2d_test::FuzzOutcome::kFailed) {
    std::fprintf(stderr, "simd_conv2d fuzz case failed: %s\n", r.description.c_str());
    std::abort();
  }
  return 0;
}
