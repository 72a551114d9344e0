// Module entry: registers the exports and the small info/thread functions.
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

#include <napi.h>

#include "addon/addon_data.h"
#include "addon/exports.h"
#include "addon/js_values.h"
#include "addon/malloc_policy.h"
#include "addon/packed_weights_object.h"
#include "cpu/dispatch.h"
#include "kernels/activation.h"
#include "parallel/available_cpus.h"
#include "parallel/parallel_for.h"

#ifndef SIMD_CONV2D_VERSION
#define SIMD_CONV2D_VERSION "0.0.0-unknown"
#endif

namespace simd_conv2d_addon {
namespace {


Napi::Value info_fn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  out.Set("isa", simd_conv2d::active_isa());
  const auto isas = simd_conv2d::available_isas();
  Napi::Array list = Napi::Array::New(env, isas.size());
  for (size_t i = 0; i < isas.size(); ++i) list.Set(static_cast<uint32_t>(i), isas[i]);
  out.Set("availableIsas", list);
  out.Set("openmp", Napi::Boolean::New(env, simd_conv2d::parallel_uses_openmp()));
  out.Set("numThreads", Napi::Number::New(env, simd_conv2d::get_num_threads()));
  out.Set("malloc", malloc_policy());
  out.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  out.Set("version", SIMD_CONV2D_VERSION);
  return out;
}

Napi::Value get_isa_fn(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), simd_conv2d::active_isa());
}

// setIsa(name): '' or undefined restores the automatic choice.
Napi::Value set_isa_fn(const Napi::CallbackInfo& info) {
  std::string name;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsString()) {
      throw Napi::TypeError::New(info.Env(), "setIsa: name must be a string such as 'avx2', or '' for automatic");
    }
    name = info[0].As<Napi::String>().Utf8Value();
  }
  std::string error;
  if (!simd_conv2d::set_active_isa(name.c_str(), &error)) throw Napi::Error::New(info.Env(), error);
  return info.Env().Undefined();
}

Napi::Value set_num_threads_fn(const Napi::CallbackInfo& info) {
  const std::int64_t n = expect_safe_integer(info[0], "setNumThreads", "n", 1);
  if (n > simd_conv2d::kMaxThreads) {
    throw_range_error(info.Env(), "setNumThreads: n must be at most " +
                                      std::to_string(simd_conv2d::kMaxThreads) + ", received " +
                                      std::to_string(n));
  }
  simd_conv2d::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  // Resolve the kernel table now, so a bad SIMD_CONV2D_ISA fails require()
  // with its message instead of surfacing on some later call.
  try {
    simd_conv2d::active_kernel_table();
    if (!simd_conv2d::num_threads_env_error().empty()) {
      throw std::runtime_error(simd_conv2d::num_threads_env_error());
    }
    std::string malloc_error;
    if (!apply_malloc_policy(&malloc_error)) throw std::runtime_error(malloc_error);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }

  auto* data = new AddonData();
  data->packed_weights_class = Napi::Persistent(PackedWeightsObject::define_class(env));
  env.SetInstanceData<AddonData>(data);

  exports.Set("packWeights", Napi::Function::New(env, pack_weights, "packWeights"));
  exports.Set("releasePackedWeights", Napi::Function::New(env, release_packed_weights, "releasePackedWeights"));
  exports.Set("conv2d", Napi::Function::New(env, conv2d_sync, "conv2d"));
  exports.Set("conv2dAsync", Napi::Function::New(env, conv2d_async, "conv2dAsync"));
  exports.Set("cancelJob", Napi::Function::New(env, cancel_job, "cancelJob"));
  exports.Set("computeStats", Napi::Function::New(env, compute_stats_fn, "computeStats"));
  exports.Set("plan", Napi::Function::New(env, plan_conv, "plan"));
  exports.Set("info", Napi::Function::New(env, info_fn, "info"));
  exports.Set("getIsa", Napi::Function::New(env, get_isa_fn, "getIsa"));
  exports.Set("setIsa", Napi::Function::New(env, set_isa_fn, "setIsa"));
  exports.Set("setNumThreads", Napi::Function::New(env, set_num_threads_fn, "setNumThreads"));
  // Canonical names of the fused activations; a conv call's params carry an index into it.
  Napi::Array fused = Napi::Array::New(env, simd_conv2d::kActivationCount);
  for (std::int32_t i = 0; i < simd_conv2d::kActivationCount; ++i) {
    fused.Set(static_cast<std::uint32_t>(i),
              simd_conv2d::activation_name(static_cast<simd_conv2d::Activation>(i)));
  }
  exports.Set("fusedActivations", fused);
  return exports;
}

}  // namespace
}  // namespace simd_conv2d_addon

// The macro pastes the function name into an identifier, so it needs an
// unqualified name.
static Napi::Object InitSimdConv2d(Napi::Env env, Napi::Object exports) {
  return simd_conv2d_addon::init(env, exports);
}

NODE_API_MODULE(simd_conv2d, InitSimdConv2d)
