#include "addon/packed_weights_object.h"

#include <new>
#include <string>

#include "addon/addon_data.h"
#include "addon/js_values.h"
#include "cpu/dispatch.h"

namespace simd_conv2d_addon {
namespace {

using simd_conv2d::PackedWeights;

// Marks objects made by this addon, so unwrap() never reinterprets another
// addon's wrapped object (or a JS object posing as one) as ours.
constexpr napi_type_tag kPackedWeightsTag = {0x7c0f3a1e5b9d4c21ULL, 0x9e36b8a2d4f1c057ULL};

// Handed from create() to the constructor on the same thread; JS code that
// calls the constructor itself finds it empty.
thread_local const std::shared_ptr<const PackedWeights>* t_pending = nullptr;

std::int64_t packed_bytes(const PackedWeights& w) {
  return static_cast<std::int64_t>(sizeof(float)) *
             (w.data.size() + w.gconv_data.size() + w.dw_data.size()) +
         static_cast<std::int64_t>(sizeof(std::int32_t) * w.gconv_lane_maps.size());
}

}  // namespace

Napi::Function PackedWeightsObject::define_class(Napi::Env env) {
  return DefineClass(env, "PackedWeights", {});
}

PackedWeightsObject::PackedWeightsObject(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PackedWeightsObject>(info) {
  if (t_pending == nullptr) {
    throw_type_error(info.Env(),
                     "PackedWeights cannot be constructed directly; use packWeights()");
  }
  weights_ = *t_pending;
  info.This().As<Napi::Object>().TypeTag(&kPackedWeightsTag);
  external_bytes_ = packed_bytes(*weights_);
  Napi::MemoryManagement::AdjustExternalMemory(info.Env(), external_bytes_);
}

PackedWeightsObject::~PackedWeightsObject() { release(); }

void PackedWeightsObject::release() {
  if (!weights_) return;
  weights_.reset();
  // Runs from the handle's finalizer too, where the environment may be
  // shutting down: a failed adjustment only skews the GC's accounting.
  napi_adjust_external_memory(Env(), -external_bytes_, nullptr);
  external_bytes_ = 0;
}

Napi::Object PackedWeightsObject::create(Napi::Env env,
                                         std::shared_ptr<const PackedWeights> weights) {
  struct Reset {
    ~Reset() { t_pending = nullptr; }
  } reset;
  t_pending = &weights;
  return addon_data(env).packed_weights_class.New({});
}

std::shared_ptr<const PackedWeights> PackedWeightsObject::unwrap(const Napi::Value& value,
                                                                 const char* fn,
                                                                 const char* what) {
  if (value.IsObject() && value.As<Napi::Object>().CheckTypeTag(&kPackedWeightsTag)) {
    PackedWeightsObject* self = Unwrap(value.As<Napi::Object>());
    if (self != nullptr && self->weights_) return self->weights_;
  }
  throw_type_error(value.Env(), std::string(fn) + ": " + what +
                                    " must be a PackedWeights object from packWeights() that was not released, received " +
                                    describe_value(value));
}

Napi::Value release_packed_weights(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Value value = info[0];
  if (!(value.IsObject() && value.As<Napi::Object>().CheckTypeTag(&kPackedWeightsTag))) {
    throw_type_error(env, "releasePackedWeights: handle must be a PackedWeights object from packWeights(), received " +
                              describe_value(value));
  }
  PackedWeightsObject* self = PackedWeightsObject::Unwrap(value.As<Napi::Object>());
  if (self != nullptr) self->release();
  return env.Undefined();
}

Napi::Value pack_weights(const Napi::CallbackInfo& info) {
  constexpr const char* kFn = "packWeights";
  Napi::Env env = info.Env();
  expect_float32_array(info[0], kFn, "kernel");
  const bool has_bias = !info[1].IsNull();
  if (has_bias && !(info[1].IsTypedArray() &&
                    info[1].As<Napi::TypedArray>().TypedArrayType() == napi_float32_array)) {
    throw_type_error(env, std::string(kFn) + ": bias must be a Float32Array or null, received " +
                              describe_value(info[1]));
  }
  Napi::Object dims = expect_object(info[2], kFn, "dims");
  simd_conv2d::WeightDims d;
  d.kernel_h = expect_safe_integer(dims.Get("kh"), kFn, "dims.kh", 1);
  d.kernel_w = expect_safe_integer(dims.Get("kw"), kFn, "dims.kw", 1);
  d.cin_per_group = expect_safe_integer(dims.Get("cinPerGroup"), kFn, "dims.cinPerGroup", 1);
  d.filters = expect_safe_integer(dims.Get("filters"), kFn, "dims.filters", 1);
  d.groups = expect_safe_integer(dims.Get("groups"), kFn, "dims.groups", 1);

  // Buffers last: the getters above may have run user code.
  const Float32View kernel = float32_view(info[0]);
  const Float32View bias = has_bias ? float32_view(info[1]) : Float32View{};

  // An empty bias array has no data pointer; it must not read as "no bias".
  if (has_bias && bias.length != d.filters) {
    throw_range_error(env, std::string(kFn) + ": bias: expected " + std::to_string(d.filters) +
                               " elements for shape [" + std::to_string(d.filters) +
                               "], received " + std::to_string(bias.length));
  }

  std::string error;
  std::shared_ptr<const PackedWeights> packed;
  try {
    const simd_conv2d::KernelTable& table = simd_conv2d::active_kernel_table();
    packed = simd_conv2d::pack_conv2d_weights(table, d, kernel.data, kernel.length,
                                              has_bias ? bias.data : nullptr, bias.length, &error);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, std::string(kFn) + ": out of memory packing the weights");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  if (!packed) throw_range_error(env, std::string(kFn) + ": " + error);
  return PackedWeightsObject::create(env, std::move(packed));
}

}  // namespace simd_conv2d_addon
