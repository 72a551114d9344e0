// The only place that knows about threads.
//
// Work is split into index ranges; each index is handled by exactly one call,
// so as long as callers give each output to one index and reduce in a fixed
// order inside it, results are bitwise independent of the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace simd_conv2d {

// Calls fn(begin, end) over disjoint ranges covering [0, count), possibly
// concurrently. `grain` is the fewest indices worth giving a thread: a
// parallel region costs microseconds (and far more when another process holds
// a core), so small jobs run inline on the calling thread.
// If any call throws, the remaining ranges are skipped and the first
// exception is rethrown on the calling thread after all workers stopped.
void parallel_for(std::int64_t count, const std::function<void(std::int64_t, std::int64_t)>& fn,
                  std::int64_t grain = 1);

// Multiply-adds below which a thread is not worth starting: a parallel
// region costs microseconds, far more when another process holds a core.
// Drivers turn this into parallel_for's `grain`.
inline constexpr std::int64_t kMinMacsPerThread = std::int64_t{1} << 17;

// Threads used by later parallel_for calls, from any calling thread. Values
// below 1 are treated as 1. Without OpenMP the value is remembered but
// everything runs on the calling thread.
void set_num_threads(int n);

// Threads parallel_for will use: the last set_num_threads value, else
// SIMD_CONV2D_NUM_THREADS, else the cores this process may use (affinity mask
// and cgroup CPU quota); 1 without OpenMP.
int get_num_threads();

// Non-empty when SIMD_CONV2D_NUM_THREADS is set to something invalid; the
// addon refuses to load with this message rather than guess.
const std::string& num_threads_env_error();

// True when this build runs parallel_for on OpenMP.
bool parallel_uses_openmp();

}  // namespace simd_conv2d
