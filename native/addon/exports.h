// The functions module.cc exports (one file per group of entry points).
#pragma once

#include <napi.h>

namespace simd_conv2d_addon {

Napi::Value conv2d_sync(const Napi::CallbackInfo& info);   // conv2d
Napi::Value conv2d_async(const Napi::CallbackInfo& info);  // conv2dAsync
Napi::Value cancel_job(const Napi::CallbackInfo& info);    // cancelJob
Napi::Value compute_stats_fn(const Napi::CallbackInfo& info);  // computeStats
Napi::Value plan_conv(const Napi::CallbackInfo& info);     // plan

}  // namespace simd_conv2d_addon
