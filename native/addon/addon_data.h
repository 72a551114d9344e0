// Per-environment state (main thread and each worker thread get their own).
#pragma once

#include <napi.h>

namespace simd_conv2d_addon {

struct AddonData {
  Napi::FunctionReference packed_weights_class;
};

inline AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace simd_conv2d_addon
