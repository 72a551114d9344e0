// What the output stores of a register tile cost the FMA units, apart from
// any cache effect, and a pass shape that avoids it.
//
// First: 24 zmm accumulators run 64 rounds of FMAs (a 6 x 64 pass of a 1x1
// layer with Cin = 64: 1536 FMA cycles), and their 24 stores go to one hot
// 1.5 KiB buffer, either all at the end of the rounds (what a pass does: the
// values are final only then) or in G evenly spaced groups. Then the same
// work as four streams of 3 rows x 2 vectors whose reductions are staggered
// by K/4, so one stream finishes (and stores 6 values) every 16 steps.
//
//   cmake --build build/bench-native --target store_burst && build/bench-native/store_burst
//
// On the Zen 4 VM (2026-12-04, GFLOP/s, peak 117): no stores 117; 24 at the
// end 111; 2 groups of 12, 113; 4 groups of 6, 116; 8 groups of 3, 116.
// Four streams in step 106-109, staggered 114. So a pass's single burst of
// stores costs ~5% of the FMA rate on its own: the share our 6 x 64 pass
// loses against its store-free form in L1 (110 vs 115 GFLOP/s in a
// kernel-only loop). oneDNN's JIT kernel for the 1x1 layer L3 (dumped with
// ONEDNN_JIT_DUMP=1) has the same 6 x 64 shape and the same burst, so this is
// headroom for both, not the difference between them. A kernel whose streams
// finish at different times wins most of it back: the pointwise kernel
// (native/kernels/avx512/pointwise_f32_nhwc_4x6x16_avx512.cc) does that.
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kAccumulators = 24;
constexpr int kRounds = 64;

// kGroups store groups of kAccumulators / kGroups stores each (0: no stores).
template <int kGroups>
__attribute__((target("avx512f"))) double gflops(float* out) {
  static_assert(kGroups == 0 || (kRounds % kGroups == 0 && kAccumulators % kGroups == 0), "even groups");
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 w = _mm512_set1_ps(0.999f);
  const __m512 x = _mm512_set1_ps(0.0001f);
  constexpr int kGroupsOrOne = kGroups == 0 ? 1 : kGroups;
  constexpr int kRoundsPerGroup = kRounds / kGroupsOrOne;
  constexpr int kStoresPerGroup = kGroups == 0 ? 0 : kAccumulators / kGroups;
  const long iters = 400000000L / (kAccumulators * kRounds);
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 8
      for (int g = 0; g < kGroupsOrOne; ++g) {
        for (int round = 0; round < kRoundsPerGroup; ++round) {
#pragma GCC unroll 24
          for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_fmadd_ps(x, w, acc[i]);
        }
#pragma GCC unroll 24
        for (int s = 0; s < kStoresPerGroup; ++s) {
          const int i = g * kStoresPerGroup + s;
          _mm512_storeu_ps(out + 16 * i, acc[i]);
        }
      }
      asm volatile("" ::: "memory");
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  float sink = 0;
  for (int i = 0; i < kAccumulators; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  if (sink == 1.0f) std::puts("");  // keeps the sums alive
  return 2.0 * 16 * kAccumulators * kRounds * static_cast<double>(iters) / best / 1e9;
}

// The same work as four streams of 3 rows x 2 vectors (6 accumulators each), their reductions
// staggered by a quarter of K = 64: every 16 steps one stream finishes, stores its 6 values and
// starts again, so the stores come 6 at a time, spread out. kStagger = false runs the four in step
// (24 stores together every 64 steps) as the control. Weights are loaded into registers (2 per
// stream step), inputs broadcast from memory, as a 1x1 kernel would.
constexpr int kK = 64;
constexpr int kStreams = 4;
constexpr int kQuarter = kK / kStreams;

struct StreamData {
  const float* weights;  // [kStreams][kK][32]
  const float* inputs;   // [kStreams][3 rows][kK]
  float* out;            // [kStreams][3 rows][32]
};

template <bool kStagger, int kPhase>
__attribute__((target("avx512f"), always_inline)) inline void stream_phase(__m512 (&acc)[24], const StreamData& d) {
  for (int j = 0; j < kQuarter; ++j) {
#pragma GCC unroll 4
    for (int s = 0; s < kStreams; ++s) {
      const int k = (kStagger ? (kPhase + s) % kStreams : kPhase) * kQuarter + j;
      const float* w = d.weights + (s * kK + k) * 32;
      __m512 w0 = _mm512_load_ps(w);
      __m512 w1 = _mm512_load_ps(w + 16);
      // Keep the weights in registers: GCC would otherwise fold each use into its FMA as a
      // separate 64-byte load, three per weight vector, and the loads would bound the loop.
      asm("" : "+v"(w0), "+v"(w1));
      const float* x = d.inputs + s * 3 * kK + k;
#pragma GCC unroll 3
      for (int r = 0; r < 3; ++r) {
        const __m512 xr = _mm512_set1_ps(x[r * kK]);
        acc[s * 6 + 2 * r] = _mm512_fmadd_ps(xr, w0, acc[s * 6 + 2 * r]);
        acc[s * 6 + 2 * r + 1] = _mm512_fmadd_ps(xr, w1, acc[s * 6 + 2 * r + 1]);
      }
    }
  }
  constexpr int kDone = kStagger ? (kStreams - 1 - kPhase) : 0;  // the stream at k = kK now
  constexpr int kFirst = kDone * 6;
  constexpr int kCount = kStagger ? 6 : (kPhase == kStreams - 1 ? 24 : 0);
#pragma GCC unroll 24
  for (int i = 0; i < kCount; ++i) {
    _mm512_storeu_ps(d.out + 16 * (kFirst + i), acc[kFirst + i]);
    acc[kFirst + i] = _mm512_setzero_ps();
  }
}

template <bool kStagger>
__attribute__((target("avx512f"))) double staggered_gflops(const StreamData& d) {
  __m512 acc[24];
  for (auto& a : acc) a = _mm512_setzero_ps();
  const long rounds = 400000000L / (24L * kK);
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    for (long it = 0; it < rounds; ++it) {
      stream_phase<kStagger, 0>(acc, d);
      stream_phase<kStagger, 1>(acc, d);
      stream_phase<kStagger, 2>(acc, d);
      stream_phase<kStagger, 3>(acc, d);
      asm volatile("" ::: "memory");
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  float sink = 0;
  for (const auto& a : acc) sink += _mm512_reduce_add_ps(a);
  if (sink == 1.0f) std::puts("");
  return 2.0 * 16 * 24 * kK * static_cast<double>(rounds) / best / 1e9;
}

}  // namespace

int main() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) {
    std::puts("store_burst: this CPU has no AVX-512F; nothing to measure");
    return 0;
  }
  auto* out = static_cast<float*>(std::aligned_alloc(64, 64 * kAccumulators));
  std::printf("24 accumulators x 64 FMA rounds, one thread, GFLOP/s (best of 5):\n");
  std::printf("  no stores                %6.1f\n", gflops<0>(out));
  std::printf("  24 stores at the end     %6.1f\n", gflops<1>(out));
  std::printf("  2 groups of 12           %6.1f\n", gflops<2>(out));
  std::printf("  4 groups of 6            %6.1f\n", gflops<4>(out));
  std::printf("  8 groups of 3            %6.1f\n", gflops<8>(out));
  auto* weights = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kStreams * kK * 32));
  auto* inputs = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kStreams * 3 * kK));
  auto* outs = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * kStreams * 3 * 32));
  for (int i = 0; i < kStreams * kK * 32; ++i) weights[i] = 0.001f * static_cast<float>(i % 13);
  for (int i = 0; i < kStreams * 3 * kK; ++i) inputs[i] = 0.01f * static_cast<float>(i % 7);
  const StreamData d{weights, inputs, outs};
  std::printf("4 streams of 3 rows x 2 vectors, K = 64, loads and stores included:\n");
  std::printf("  in step (24 stores at once)  %6.1f\n", staggered_gflops<false>(d));
  std::printf("  staggered by K/4 (6 at once) %6.1f\n", staggered_gflops<true>(d));
  std::free(weights);
  std::free(inputs);
  std::free(outs);
  std::free(out);
  return 0;
}
