// The opaque JS handle for packed weights (class PackedWeights) and the
// packWeights() entry point.
//
// The handle owns a shared_ptr to the packed data, so a queued async call
// keeps the weights alive even if the handle is collected or released
// meanwhile. Node-API runs finalizers from the event loop, not from the GC, so
// a synchronous loop that never yields would keep every dropped handle's data;
// releasePackedWeights() frees it at once, and the data's size is reported to
// V8 as external memory so the GC runs as often as the real footprint needs.
#pragma once

#include <cstdint>
#include <memory>

#include <napi.h>

#include "conv/pack.h"

namespace simd_conv2d_addon {

class PackedWeightsObject : public Napi::ObjectWrap<PackedWeightsObject> {
 public:
  // Defines the class for this environment (called once per env at load).
  static Napi::Function define_class(Napi::Env env);

  // The packed data behind `value`, or a TypeError naming `what` if `value`
  // is not a handle made by packWeights() in this addon.
  static std::shared_ptr<const simd_conv2d::PackedWeights> unwrap(const Napi::Value& value,
                                                                  const char* fn,
                                                                  const char* what);

  // Only reachable through packWeights(); `new PackedWeights()` from JS throws.
  explicit PackedWeightsObject(const Napi::CallbackInfo& info);

  static Napi::Object create(Napi::Env env,
                             std::shared_ptr<const simd_conv2d::PackedWeights> weights);

  ~PackedWeightsObject() override;

  // Drops this handle's share of the packed data; later use of the handle is
  // a TypeError. Calls already queued keep their own share.
  void release();

 private:
  std::shared_ptr<const simd_conv2d::PackedWeights> weights_;
  std::int64_t external_bytes_ = 0;
};

// packWeights(kernel: Float32Array, bias: Float32Array | null,
//             dims: { kh, kw, cinPerGroup, filters, groups }): PackedWeights
Napi::Value pack_weights(const Napi::CallbackInfo& info);

// releasePackedWeights(handle: PackedWeights): undefined (see release()).
Napi::Value release_packed_weights(const Napi::CallbackInfo& info);

}  // namespace simd_conv2d_addon
