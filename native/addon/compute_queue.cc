#include "addon/compute_queue.h"

#include <condition_variable>
#include <deque>
#include <thread>
#include <utility>

namespace simd_conv2d_addon {
namespace {

struct Job {
  std::uint64_t id;
  ConvBaton baton;
  const char* fn;
  std::function<void(const JobResult&)> done;
};

struct Queue {
  std::mutex mutex;  // guards everything below
  std::condition_variable wake;
  std::deque<Job> jobs;
  std::uint64_t next_id = 1;
  bool thread_started = false;
  ComputeStats stats;
  std::mutex compute;  // compute_lock()
};

// Never destroyed: the queue thread may still wait on it while the process
// exits, and static destructors must not pull the mutex out from under it.
Queue& queue() {
  static Queue* const q = new Queue();
  return *q;
}

void run_jobs() {
  Queue& q = queue();
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(q.mutex);
      wait_until_true(q.wake, lock, [&q] { return !q.jobs.empty(); });
      job = std::move(q.jobs.front());
      q.jobs.pop_front();
      --q.stats.queued;
      ++q.stats.running;
    }
    JobResult result;
    {
      std::lock_guard<std::mutex> computing(q.compute);
      if (!run_conv_baton(job.baton, job.fn, &result.error)) result.kind = JobResult::kFailed;
    }
    {
      std::lock_guard<std::mutex> lock(q.mutex);
      --q.stats.running;
      ++(result.kind == JobResult::kFailed ? q.stats.failed : q.stats.completed);
    }
    job.done(result);
  }
}

}  // namespace

std::uint64_t submit_compute_job(ConvBaton baton, const char* fn,
                                 std::function<void(const JobResult&)> done) {
  Queue& q = queue();
  std::uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    id = q.next_id++;
    q.jobs.push_back(Job{id, std::move(baton), fn, std::move(done)});
    ++q.stats.queued;
    if (!q.thread_started) {
      // Detached: it lives as long as the process (see queue()).
      std::thread(run_jobs).detach();
      q.thread_started = true;
    }
  }
  q.wake.notify_one();
  return id;
}

bool cancel_compute_job(std::uint64_t id) {
  Queue& q = queue();
  Job job;
  {
    std::lock_guard<std::mutex> lock(q.mutex);
    auto it = q.jobs.begin();
    while (it != q.jobs.end() && it->id != id) ++it;
    if (it == q.jobs.end()) return false;
    job = std::move(*it);
    q.jobs.erase(it);
    --q.stats.queued;
    ++q.stats.cancelled;
  }
  JobResult result;
  result.kind = JobResult::kCancelled;
  job.done(result);
  return true;
}

ComputeStats compute_stats() {
  Queue& q = queue();
  std::lock_guard<std::mutex> lock(q.mutex);
  return q.stats;
}

std::mutex& compute_lock() { return queue().compute; }

}  // namespace simd_conv2d_addon
