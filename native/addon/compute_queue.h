// One process-wide queue and one thread for every asynchronous convolution.
//
// Each conv2dAsync used to run on libuv's pool and start its own OpenMP team:
// 16 concurrent calls meant 4 pool threads x N OpenMP threads fighting over
// the cores, and 4 pool threads busy with convolutions starve Node's own use
// of the pool (fs, crypto, dns). Here calls from every thread and worker of
// the process wait in one FIFO and run one at a time on a dedicated thread,
// each with the whole OpenMP team; synchronous calls take the same compute
// lock, so at most one team runs. The queue thread touches no JS value: a
// job carries a plain baton and a completion callback that the caller makes
// thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "addon/conv_call.h"

namespace simd_conv2d_addon {

// How a job ended, handed to its completion callback on the queue thread.
struct JobResult {
  enum Kind { kDone, kFailed, kCancelled } kind = kDone;
  std::string error;  // kFailed
};

struct ComputeStats {
  std::int64_t queued = 0;     // waiting
  std::int64_t running = 0;    // 0 or 1
  std::int64_t completed = 0;  // since the process started
  std::int64_t failed = 0;
  std::int64_t cancelled = 0;
};

// Adds a job; `done` runs on the queue thread when it finished, failed or
// was cancelled before starting. Returns the job's id (> 0).
std::uint64_t submit_compute_job(ConvBaton baton, const char* fn,
                                 std::function<void(const JobResult&)> done);

// Removes a job that has not started; its `done` then runs (kCancelled) on
// the calling thread before this returns true. False when it already started
// or finished (or the id is unknown).
bool cancel_compute_job(std::uint64_t id);

ComputeStats compute_stats();

// Held while any convolution computes (queue thread and synchronous calls).
std::mutex& compute_lock();

// cv.wait(lock, pred), in timed slices: std::condition_variable::wait is
// versioned GLIBCXX_3.4.30 in GCC 12's libstdc++, newer than the prebuilt
// binaries' floor (GCC 11's 3.4.29, README), while wait_for is inline over
// glibc's pthread_cond_clockwait. scripts/check-prebuilds.sh holds the floor.
template <class Pred>
void wait_until_true(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Pred pred) {
  while (!pred()) cv.wait_for(lock, std::chrono::seconds(1));
}

}  // namespace simd_conv2d_addon
