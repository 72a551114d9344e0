// AVX-512 pointwise (1x1, stride 1, one group) kernel: four streams of 6
// pixels x 16 output channels (6 zmm accumulators each, 24 in all), whose
// reductions are staggered by a quarter of the channel count.
//
// Why: a register tile that finishes all its accumulators at once stores
// them in one burst, and on Zen 4 a burst of 24 zmm stores costs ~5% of the
// FMA rate by itself (bench/native/store_burst: 111 against 117 GFLOP/s
// without stores; 6 stores at a time, spread out, cost nothing measurable).
// The 12 x 32 tile's 6 x 64 passes do exactly that, once per Cin = 64 steps
// on a ResNet 1x1 layer. Here the work is cut into strips (6 consecutive
// pixels x one 16-channel vector column, Cin steps each) dealt round-robin
// to four streams that start a quarter of Cin apart, so every Cin / 4 steps
// one stream stores its 6 vectors and takes its next strip while the other
// three keep the FMA units busy. One weight vector per stream and step (six
// pixels share it) keeps the weight traffic the 6 x 64 pass's; strips of 3
// pixels x 2 vectors, tried first, doubled it and gained nothing.
//
// Measured (Zen 4, one thread, kernel alone, 384 and 3136 pixels, Cin 64,
// 256 filters): 114.5 GFLOP/s against 109.6 for the 12 x 32 tile with its
// outputs hot in L1; L3 of the suite (C++ core, alternating rounds) 0.961 ->
// 0.889 ms at 1 thread, 0.483 -> 0.448 ms at 2.
//
// Every output is computed as the 12 x 32 tile computes it: from +0, one FMA
// per input channel in order, then + bias, then the epilogue, so the bits
// are the same (the tests compare them). Runs too short to hide the
// staggered start and end (each costs ~0.75 Cin idle steps per stream), and
// the last pixels that do not fill a strip, go through that tile.
//
// Built with the AVX-512 flags only (CMake SC2D_AVX512_SOURCES, binding.gyp
// target simd_conv2d_avx512). ODR safety as in the other kernels: only the
// exported function has external linkage and no std:: template is used.

// GCC 12's AVX-512 headers trip -W(maybe-)uninitialized on their own
// `__Y = __Y` placeholders (GCC bug 105593, fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include "kernels/x86/avx512_ops_inl.h"
#include "kernels/x86/vec_math_inl.h"
#include "kernels/x86/conv_tile_inl.h"
#include "kernels/x86/x86_kernels.h"

#include "common/check.h"

namespace simd_conv2d {
namespace {

using T = Avx512Ops;
using V = T::V;
constexpr int L = T::kLanes;
constexpr int NR = static_cast<int>(kConvF32Nhwc12x32Avx512NR);
constexpr int MR = static_cast<int>(kConvF32Nhwc12x32Avx512MR);
constexpr int kStreams = 4;
constexpr int kRows = 6;  // pixels per strip
static_assert(NR == 2 * L, "a packed block is two vectors wide");

// Below this many strips per run the idle start and end (~3 / (strips + 3)
// of the run) outweigh the ~5% the staggering wins.
constexpr std::int64_t kMinStrips = 96;

// What each stream is doing: its accumulators (one vector per row), where it
// reads at the current step, the strip it computes (pixel < 0: none; it then
// runs on the first strip's data and stores nothing), and the next strip it
// will take, as (group of rows, vector column) so that no turn-over divides.
struct Streams {
  V acc[kStreams][kRows];
  const float* x[kStreams];
  const float* w[kStreams];
  std::int64_t pixel[kStreams];
  std::int64_t column[kStreams];
  std::int64_t next_group[kStreams];
  std::int64_t next_column[kStreams];
};

// The layer's output channels, in L-wide vector columns: column c is half
// c % 2 of packed block c / 2.
struct Columns {
  std::int64_t count;    // vector columns with at least one stored channel
  std::int64_t filters;  // stored channels
};

// The first `pixels` pixels from `first` through the 12 x 32 tile.
void run_tiles(const PointwiseRun& run, std::int64_t first, std::int64_t pixels,
               const Epilogue& epilogue) {
  std::int64_t rows[MR];
  float* outputs[MR];
  const std::int64_t zero = 0;
  ConvTile t{};
  t.cols = run.cols;
  t.taps = 1;
  t.channels = run.channels;
  t.input = run.input;
  t.input_rows = rows;
  t.input_taps = &zero;
  t.tap_offsets = &zero;
  t.bias = run.packed;
  t.weights = run.packed + NR;
  t.output = outputs;
  t.more_blocks = run.blocks - 1;
  t.block_stride = run.block_stride;
  for (std::int64_t p = first; p < first + pixels; p += MR) {
    const std::int64_t n = first + pixels - p < MR ? first + pixels - p : MR;
    for (std::int64_t r = 0; r < n; ++r) {
      rows[r] = (p + r) * run.channels;
      outputs[r] = run.output + (p + r) * run.output_stride;
    }
    t.rows = n;
    conv_f32_nhwc_12x32_avx512(t, epilogue);
  }
}

// Where vector column c's bias and (after NR floats) weights start.
inline const float* column_data(const PointwiseRun& run, std::int64_t c) {
  return run.packed + (c >> 1) * run.block_stride + (c & 1) * L;
}

// The fused activations other than relu, and a last column stored in part.
// `buffer` holds the strip's biased sums, row by row (the accumulators are
// not passed by reference: GCC would then keep them in memory throughout).
__attribute__((noinline)) void finish_slow(float* buffer, float* out, std::int64_t stride,
                                           int lanes, const Epilogue& epilogue) {
  if (epilogue.activation != Activation::kLinear) activate_vectors<T>(buffer, kRows, epilogue);
  for (int r = 0; r < kRows; ++r) T::store_n(out + r * stride, T::load(buffer + r * L), lanes);
}

// Stream S reached the end of its strip: bias, epilogue, store; then it
// takes its next strip (or none) from step 0. Strips go round-robin, so a
// stream's next one is kStreams strips on: `step_groups` row groups and
// `step_columns` columns (with carry).
template <int S>
__attribute__((always_inline)) inline void turn_over(Streams& s, const PointwiseRun& run,
                                                     const Columns& columns, std::int64_t groups,
                                                     std::int64_t step_groups,
                                                     std::int64_t step_columns,
                                                     const Epilogue& epilogue) {
  if (s.pixel[S] >= 0) {
    const std::int64_t c = s.column[S];
    const V b = T::load(column_data(run, c));
    float* out = run.output + s.pixel[S] * run.output_stride + c * L;
    SC2D_UNROLL
    for (int r = 0; r < kRows; ++r) s.acc[S][r] = T::add(s.acc[S][r], b);
    const std::int64_t left = columns.filters - c * L;
    const int lanes = left < L ? static_cast<int>(left) : L;
    if (lanes == L && (epilogue.activation == Activation::kLinear ||
                       epilogue.activation == Activation::kRelu)) {
      if (epilogue.activation == Activation::kRelu) {
        SC2D_UNROLL
        for (int r = 0; r < kRows; ++r) s.acc[S][r] = relu_<T>(s.acc[S][r]);
      }
      SC2D_UNROLL
      for (int r = 0; r < kRows; ++r) T::store(out + r * run.output_stride, s.acc[S][r]);
    } else {
      alignas(64) float buffer[kRows * L];
      SC2D_UNROLL
      for (int r = 0; r < kRows; ++r) T::store(buffer + r * L, s.acc[S][r]);
      finish_slow(buffer, out, run.output_stride, lanes, epilogue);
    }
    // The same column one group of rows on: into L2 while the streams compute.
    if (s.pixel[S] + 2 * kRows <= run.pixels) {
      SC2D_UNROLL
      for (int r = 0; r < kRows; ++r) {
        __builtin_prefetch(out + (kRows + r) * run.output_stride, 1, 1);
      }
    }
  }
  SC2D_UNROLL
  for (int r = 0; r < kRows; ++r) s.acc[S][r] = T::zero();
  const std::int64_t group = s.next_group[S];
  if (group < groups) {
    const std::int64_t c = s.next_column[S];
    s.pixel[S] = group * kRows;
    s.column[S] = c;
    s.x[S] = run.input + group * kRows * run.channels;
    s.w[S] = column_data(run, c) + NR;
    std::int64_t next_column = c + step_columns;
    std::int64_t next_group = group + step_groups;
    if (next_column >= columns.count) {
      next_column -= columns.count;
      ++next_group;
    }
    s.next_column[S] = next_column;
    s.next_group[S] = next_group;
  } else {
    s.pixel[S] = -1;
    s.x[S] = run.input;
    s.w[S] = run.packed + NR;
  }
}

// `steps` reduction steps of all four streams, each at its own channel.
__attribute__((always_inline)) inline void advance(Streams& s, std::int64_t steps,
                                                   std::int64_t channels) {
  for (std::int64_t j = 0; j < steps; ++j) {
    SC2D_UNROLL
    for (int q = 0; q < kStreams; ++q) {
      const V w = T::load(s.w[q]);
      SC2D_UNROLL
      for (int r = 0; r < kRows; ++r) {
        s.acc[q][r] = T::fma(T::broadcast(s.x[q] + r * channels), w, s.acc[q][r]);
      }
      s.x[q] += 1;
      s.w[q] += NR;
    }
  }
}

bool all_idle(const Streams& s) {
  return s.pixel[0] < 0 && s.pixel[1] < 0 && s.pixel[2] < 0 && s.pixel[3] < 0;
}

// Strips (6 pixels x one vector column) of the first groups * 6 pixels:
// strip i is row group i / columns, column i % columns, computed by stream
// i % 4. Stream q turns over at step q * K / 4 of every K steps.
void run_staggered(const PointwiseRun& run, const Columns& columns, std::int64_t groups,
                   const Epilogue& epilogue) {
  const std::int64_t k = run.channels;
  const std::int64_t at[kStreams + 1] = {0, k / 4, k / 2, 3 * k / 4, k};
  const std::int64_t step_groups = kStreams / columns.count;
  const std::int64_t step_columns = kStreams % columns.count;
  Streams s;
  SC2D_UNROLL
  for (int q = 0; q < kStreams; ++q) {
    s.pixel[q] = -1;
    s.column[q] = 0;
    s.next_group[q] = q / columns.count;
    s.next_column[q] = q % columns.count;
    s.x[q] = run.input;
    s.w[q] = run.packed + NR;
    SC2D_UNROLL
    for (int r = 0; r < kRows; ++r) s.acc[q][r] = T::zero();
  }
  for (;;) {
    turn_over<0>(s, run, columns, groups, step_groups, step_columns, epilogue);
    if (all_idle(s)) return;
    advance(s, at[1] - at[0], k);
    turn_over<1>(s, run, columns, groups, step_groups, step_columns, epilogue);
    if (all_idle(s)) return;
    advance(s, at[2] - at[1], k);
    turn_over<2>(s, run, columns, groups, step_groups, step_columns, epilogue);
    if (all_idle(s)) return;
    advance(s, at[3] - at[2], k);
    turn_over<3>(s, run, columns, groups, step_groups, step_columns, epilogue);
    if (all_idle(s)) return;
    advance(s, at[4] - at[3], k);
  }
}

}  // namespace

void pointwise_f32_nhwc_4x6x16_avx512(const PointwiseRun& run, const Epilogue& epilogue) {
  SC2D_CHECK(run.pixels >= 1 && run.channels >= 1 && run.blocks >= 1);
  SC2D_CHECK(run.cols >= 1 && run.cols <= NR);
  SC2D_CHECK(run.block_stride >= NR + run.channels * NR);
  SC2D_CHECK(run.output_stride >= (run.blocks - 1) * NR + run.cols);
  SC2D_CHECK(run.input != nullptr && run.packed != nullptr && run.output != nullptr);
  Columns columns;
  columns.filters = (run.blocks - 1) * NR + run.cols;
  columns.count = (columns.filters + L - 1) / L;
  const std::int64_t groups = run.pixels / kRows;
  if (groups * columns.count < kMinStrips) {
    run_tiles(run, 0, run.pixels, epilogue);
    return;
  }
  run_staggered(run, columns, groups, epilogue);
  if (groups * kRows < run.pixels) {
    run_tiles(run, groups * kRows, run.pixels - groups * kRows, epilogue);
  }
}

}  // namespace simd_conv2d
