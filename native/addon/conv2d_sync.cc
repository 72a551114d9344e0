// conv2d() and plan(): the synchronous entry points.
#include <mutex>
#include <string>

#include "addon/compute_queue.h"
#include "addon/conv_call.h"
#include "addon/exports.h"
#include "addon/js_values.h"

namespace simd_conv2d_addon {

Napi::Value conv2d_sync(const Napi::CallbackInfo& info) {
  const ConvBaton baton = parse_conv_call(info, "conv2d");
  std::string error;
  bool ok = false;
  {
    // One OpenMP team at a time, with the asynchronous calls' queue.
    std::lock_guard<std::mutex> computing(compute_lock());
    ok = run_conv_baton(baton, "conv2d", &error);
  }
  if (!ok) throw Napi::Error::New(info.Env(), error);
  return info.Env().Undefined();
}

Napi::Value plan_conv(const Napi::CallbackInfo& info) {
  constexpr const char* kFn = "plan";
  Napi::Env env = info.Env();
  simd_conv2d::ConvParams p;
  parse_conv_params(info[0], kFn, &p);
  Napi::Object o = info[0].As<Napi::Object>();
  p.filters = expect_safe_integer(o.Get("filters"), kFn, "params.filters", 1);
  p.kernel_h = expect_safe_integer(o.Get("kh"), kFn, "params.kh", 1);
  p.kernel_w = expect_safe_integer(o.Get("kw"), kFn, "params.kw", 1);
  const Napi::Value groups = o.Get("groups");
  p.groups = groups.IsUndefined() ? 1 : expect_safe_integer(groups, kFn, "params.groups", 1);
  const simd_conv2d::ConvPlan plan = plan_or_throw(env, p, kFn);

  Napi::Object result = Napi::Object::New(env);
  result.Set("outH", Napi::Number::New(env, static_cast<double>(plan.out_h)));
  result.Set("outW", Napi::Number::New(env, static_cast<double>(plan.out_w)));
  result.Set("padTop", Napi::Number::New(env, static_cast<double>(plan.pad_top)));
  result.Set("padBottom", Napi::Number::New(env, static_cast<double>(plan.pad_bottom)));
  result.Set("padLeft", Napi::Number::New(env, static_cast<double>(plan.pad_left)));
  result.Set("padRight", Napi::Number::New(env, static_cast<double>(plan.pad_right)));
  return result;
}

}  // namespace simd_conv2d_addon
