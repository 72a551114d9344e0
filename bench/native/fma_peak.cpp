// Measures this machine's fp32 FMA peak (AVX2 ymm, FMA = 2 flops) with 1..T
// threads, so "% of peak" in BENCHMARKS.md is relative to what the cores
// actually deliver here (clock, VM, SMT sharing), not to a data sheet.
//
//   fma_peak --threads 1,2 [--seconds 0.2] [--reps 5]
//
// Prints one "@@bench" JSON line per thread count.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common.h"

namespace bench {
float fma_loop_avx2(std::int64_t iterations);
}

namespace {

constexpr double kFlopsPerIteration = 12 * 8 * 2;  // chains * lanes * (mul+add)

// One repetition: all threads start together (spin barrier) and the wall time
// runs until the last one finishes, so an uneven thread counts against peak.
double run_once(int threads, std::int64_t iters) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  std::vector<float> sink(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      sink[t] = bench::fma_loop_avx2(iters);
    });
  }
  while (ready.load() < threads) {
  }
  const double t0 = bench::now_ms();
  go.store(true, std::memory_order_release);
  for (auto& th : pool) th.join();
  const double ms = bench::now_ms() - t0;
  volatile float keep = 0;
  for (float v : sink) keep = keep + v;
  (void)keep;
  return threads * iters * kFlopsPerIteration / (ms * 1e6);  // GFLOP/s
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts{1, 2};
  double seconds = 0.2;
  int reps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--threads") {
      thread_counts.clear();
      std::string v = argv[i + 1];
      std::size_t pos = 0;
      while (pos <= v.size()) {
        const std::size_t comma = v.find(',', pos);
        thread_counts.push_back(std::atoi(v.substr(pos, comma - pos).c_str()));
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (k == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (k == "--reps") {
      reps = std::atoi(argv[i + 1]);
    }
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    bench::emit("\"type\":\"unsupported\",\"reason\":\"CPU lacks AVX2+FMA\"");
    return 0;
  }
  // Calibrate iterations on one thread so each repetition lasts ~`seconds`.
  std::int64_t iters = 1 << 20;
  for (;;) {
    const double t0 = bench::now_ms();
    volatile float r = bench::fma_loop_avx2(iters);
    (void)r;
    const double ms = bench::now_ms() - t0;
    if (ms > 20) {
      iters = static_cast<std::int64_t>(iters * (seconds * 1000 / ms));
      break;
    }
    iters *= 4;
  }
  for (int threads : thread_counts) {
    std::vector<double> g;
    for (int r = 0; r < reps; ++r) g.push_back(run_once(threads, iters));
    std::sort(g.begin(), g.end());
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "\"type\":\"peak\",\"isa\":\"avx2-fma\",\"threads\":%d,\"gflops\":%.2f,"
                  "\"min\":%.2f,\"max\":%.2f,\"reps\":%d",
                  threads, g[g.size() / 2], g.front(), g.back(), reps);
    bench::emit(buf);
  }
  return 0;
}
