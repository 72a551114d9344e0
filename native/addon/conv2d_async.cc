// conv2dAsync(): the same baton as conv2d, run by the process-wide compute
// queue (compute_queue.h) instead of libuv's pool; the promise settles on the
// calling thread through a thread-safe function. The returned promise carries
// the job's id as `jobId`, for cancelJob().
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "addon/compute_queue.h"
#include "addon/conv_call.h"
#include "addon/exports.h"

namespace simd_conv2d_addon {
namespace {

// Whether the job has ended (finished, failed or cancelled): the call's
// finalizer may run first when the calling environment shuts down (a worker
// exiting), and must then wait, so the buffers it unpins outlive the job.
struct JobState {
  std::mutex mutex;
  std::condition_variable ended_cv;
  bool ended = false;
  // Set by the finalizer: the thread-safe function is being torn down, and
  // the job must end without calling it (a call or release from inside its
  // own finalization would reach a half-destroyed object).
  bool finalizing = false;
  std::uint64_t id = 0;
};

// Lives from the call until the thread-safe function is finalized on the
// calling thread. The references pin the packed handle and both typed arrays
// (and so their ArrayBuffers) while the job may run.
struct AsyncCall {
  explicit AsyncCall(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise::Deferred deferred;
  Napi::ObjectReference packed_ref;
  Napi::ObjectReference input_ref;
  Napi::ObjectReference output_ref;
  std::shared_ptr<JobState> state = std::make_shared<JobState>();
};

void settle(Napi::Env env, Napi::Function /*unused*/, AsyncCall* call, JobResult* result) {
  // Runs from the event loop, where a C++ exception would terminate the
  // process: an environment that is shutting down (a worker exiting, the
  // process ending) refuses to run JS, and then the promise simply stays
  // pending with nobody left to see it.
  if (env != nullptr) try {
    switch (result->kind) {
      case JobResult::kDone:
        call->deferred.Resolve(env.Undefined());
        break;
      case JobResult::kFailed:
        call->deferred.Reject(Napi::Error::New(env, result->error).Value());
        break;
      case JobResult::kCancelled: {
        Napi::Error error = Napi::Error::New(env, "conv2dAsync: cancelled before it started");
        error.Set("name", Napi::String::New(env, "AbortError"));
        call->deferred.Reject(error.Value());
        break;
      }
    }
  } catch (const Napi::Error&) {
  }
  delete result;
}

void finalize(Napi::Env /*env*/, void* /*data*/, AsyncCall* call) {
  const std::shared_ptr<JobState> state = call->state;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->finalizing = true;
  }
  if (!cancel_compute_job(state->id)) {
    std::unique_lock<std::mutex> lock(state->mutex);
    wait_until_true(state->ended_cv, lock, [&state] { return state->ended; });
  }
  delete call;
}

using Settler = Napi::TypedThreadSafeFunction<AsyncCall, JobResult, settle>;

}  // namespace

Napi::Value conv2d_async(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ConvBaton baton;
  try {
    baton = parse_conv_call(info, "conv2dAsync");
  } catch (const Napi::Error& error) {
    // A promise-returning function reports bad arguments by rejecting too.
    Napi::Promise::Deferred rejected = Napi::Promise::Deferred::New(env);
    rejected.Reject(error.Value());
    return rejected.Promise();
  }
  auto* call = new AsyncCall(env);
  call->packed_ref = Napi::Persistent(info[0].As<Napi::Object>());
  call->input_ref = Napi::Persistent(info[1].As<Napi::Object>());
  call->output_ref = Napi::Persistent(info[2].As<Napi::Object>());
  Napi::Promise promise = call->deferred.Promise();
  // One call back to this thread; the finalizer frees the call (and its
  // references) after that, or when the environment shuts down first.
  Settler settler = Settler::New(env, "simd_conv2d.conv2dAsync", 0, 1, call, finalize);
  std::shared_ptr<JobState> state = call->state;
  const std::uint64_t id = submit_compute_job(
      std::move(baton), "conv2dAsync", [state, settler](const JobResult& r) mutable {
        // Under the lock, so the finalizer either sees the job ended and the
        // call handed over, or has marked it finalizing first.
        std::lock_guard<std::mutex> lock(state->mutex);
        if (!state->finalizing) {
          auto* result = new JobResult(r);
          if (settler.BlockingCall(result) != napi_ok) delete result;  // environment gone
          settler.Release();
        }
        state->ended = true;
        state->ended_cv.notify_all();
      });
  state->id = id;
  promise.Set("jobId", Napi::Number::New(env, static_cast<double>(id)));
  return promise;
}

Napi::Value cancel_job(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    throw Napi::TypeError::New(env, "cancelJob: expected a job id (number)");
  }
  const double id = info[0].As<Napi::Number>().DoubleValue();
  if (!(id >= 1) || id != static_cast<double>(static_cast<std::uint64_t>(id))) {
    return Napi::Boolean::New(env, false);
  }
  return Napi::Boolean::New(env, cancel_compute_job(static_cast<std::uint64_t>(id)));
}

Napi::Value compute_stats_fn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ComputeStats s = compute_stats();
  Napi::Object out = Napi::Object::New(env);
  out.Set("queued", Napi::Number::New(env, static_cast<double>(s.queued)));
  out.Set("running", Napi::Number::New(env, static_cast<double>(s.running)));
  out.Set("completed", Napi::Number::New(env, static_cast<double>(s.completed)));
  out.Set("failed", Napi::Number::New(env, static_cast<double>(s.failed)));
  out.Set("cancelled", Napi::Number::New(env, static_cast<double>(s.cancelled)));
  return out;
}

}  // namespace simd_conv2d_addon
