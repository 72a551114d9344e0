// The opaque JS handle for packed weights (class PackedWeights) and the
// packWeights() entry point.
//
// The handle owns a shared_ptr to the packed data, so a queued async call
// keeps the weights alive even if the handle is collected meanwhile.
#pragma once

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

 private:
  std::shared_ptr<const simd_conv2d::PackedWeights> weights_;
};

// packWeights(kernel: Float32Array, bias: Float32Array | null,
//             dims: { kh, kw, cinPerGroup, filters, groups }): PackedWeights
Napi::Value pack_weights(const Napi::CallbackInfo& info);

}  // namespace simd_conv2d_addon
