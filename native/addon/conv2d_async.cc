// conv2dAsync(): the same baton as conv2d, run on the libuv thread pool.
#include <string>
#include <utility>

#include "addon/conv_call.h"
#include "addon/exports.h"

namespace simd_conv2d_addon {
namespace {

class Conv2dWorker : public Napi::AsyncWorker {
 public:
  // The references pin the packed handle and both typed arrays (and so their
  // ArrayBuffers) until the worker is destroyed on the main thread.
  Conv2dWorker(Napi::Env env, ConvBaton baton, const Napi::Value& packed,
               const Napi::Value& input, const Napi::Value& output)
      : Napi::AsyncWorker(env, "simd_conv2d.conv2dAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        baton_(std::move(baton)),
        packed_ref_(Napi::Persistent(packed.As<Napi::Object>())),
        input_ref_(Napi::Persistent(input.As<Napi::Object>())),
        output_ref_(Napi::Persistent(output.As<Napi::Object>())) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  // Worker thread: only the baton, no JS values.
  void Execute() override {
    std::string error;
    if (!run_conv_baton(baton_, "conv2dAsync", &error)) SetError(error);
  }

  void OnOK() override { deferred_.Resolve(Env().Undefined()); }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  ConvBaton baton_;
  Napi::ObjectReference packed_ref_;
  Napi::ObjectReference input_ref_;
  Napi::ObjectReference output_ref_;
};

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
  // Queue() hands ownership to libuv; the worker deletes itself after OnOK/OnError.
  auto* worker = new Conv2dWorker(env, std::move(baton), info[0], info[1], info[2]);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace simd_conv2d_addon
