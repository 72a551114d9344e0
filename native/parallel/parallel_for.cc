#include "parallel/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "parallel/available_cpus.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace simd_conv2d {
namespace {

// Kept here rather than via omp_set_num_threads(): that call only changes the
// calling thread's setting, and async work runs on libuv pool threads.
std::atomic<int> g_requested_threads{0};

struct DefaultThreads {
  int count = 1;
  std::string error;  // a bad SIMD_CONV2D_NUM_THREADS
};

// SIMD_CONV2D_NUM_THREADS, else the cores this process may use (affinity and
// cgroup quota), read once.
const DefaultThreads& default_threads() {
  static const DefaultThreads d = [] {
    DefaultThreads out;
    const int from_env = parse_num_threads(std::getenv(kNumThreadsEnvVar), &out.error);
    out.count = from_env > 0 ? from_env : available_cpus();
    return out;
  }();
  return d;
}

}  // namespace

void set_num_threads(int n) { g_requested_threads.store(std::max(1, n)); }

int get_num_threads() {
#ifdef _OPENMP
  const int requested = g_requested_threads.load();
  return requested > 0 ? requested : default_threads().count;
#else
  return 1;
#endif
}

const std::string& num_threads_env_error() { return default_threads().error; }

bool parallel_uses_openmp() {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

void parallel_for(std::int64_t count, const std::function<void(std::int64_t, std::int64_t)>& fn,
                  std::int64_t grain) {
  if (count <= 0) return;
  const std::int64_t worth = count / std::max<std::int64_t>(grain, 1);
  const std::int64_t threads = std::min<std::int64_t>(get_num_threads(), worth);
  if (threads <= 1) {
    fn(0, count);
    return;
  }
#ifdef _OPENMP
  // A few ranges per thread. Each thread first works through a home share of
  // consecutive indices, the same share on every call, so a layer called in
  // a loop finds its part of the input and weights still in that core's
  // caches; a thread that runs out (another process slowed its partner)
  // takes the ranges its partners have not started. Shares are split by
  // index, not by whole ranges: 22 tiles on 2 threads are 11 + 11, where
  // 8 ranges of 3 or 2 gave one thread 12 and left its partner waiting.
  constexpr std::int64_t kRangesPerShare = 4;
  struct alignas(64) Cursor {
    std::atomic<std::int64_t> next;
    std::int64_t end;
    std::int64_t step;
  };
  std::vector<Cursor> cursors(static_cast<std::size_t>(threads));
  for (std::int64_t t = 0; t < threads; ++t) {
    Cursor& c = cursors[static_cast<std::size_t>(t)];
    const std::int64_t begin = t * count / threads;
    c.end = (t + 1) * count / threads;
    c.step = std::max<std::int64_t>(1, (c.end - begin + kRangesPerShare - 1) / kRangesPerShare);
    c.next.store(begin, std::memory_order_relaxed);
  }
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;

#pragma omp parallel num_threads(static_cast<int>(threads))
  {
    // The team may be smaller than asked for; stealing covers the rest.
    const std::int64_t me = omp_get_thread_num();
    for (std::int64_t k = 0; k < threads; ++k) {
      Cursor& c = cursors[static_cast<std::size_t>((me + k) % threads)];
      for (;;) {
        const std::int64_t begin = c.next.fetch_add(c.step, std::memory_order_relaxed);
        if (begin >= c.end || failed.load(std::memory_order_relaxed)) break;
        const std::int64_t end = std::min(begin + c.step, c.end);
        // An exception must not leave an OpenMP region; carry it out instead.
        try {
          fn(begin, end);
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (!first_error) first_error = std::current_exception();
          failed.store(true, std::memory_order_relaxed);
        }
      }
    }
  }
  if (first_error) std::rethrow_exception(first_error);
#else
  fn(0, count);
#endif
}

}  // namespace simd_conv2d
