// Turning JS arguments into the driver's plain structs; shared by conv2d,
// conv2dAsync and plan so every path validates identically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <napi.h>

#include "conv/pack.h"
#include "conv/params.h"
#include "conv/plan.h"

namespace simd_conv2d_addon {

// Everything a conv2d call needs, with no JS values in it: safe to hand to a
// worker thread as long as the JS objects behind the pointers are pinned.
struct ConvBaton {
  std::shared_ptr<const simd_conv2d::PackedWeights> weights;
  simd_conv2d::ConvPlan plan;
  const float* input = nullptr;
  std::int64_t input_length = 0;
  float* output = nullptr;
  std::int64_t output_length = 0;
};

// Reads a NativeConvParams object (plan()): batch, height, width, channels,
// channelsFirst, strides, dilations, padding, activation, alpha. Leaves
// kernel_h/kernel_w/groups/filters untouched.
void parse_conv_params(const Napi::Value& value, const char* fn, simd_conv2d::ConvParams* params);

// The Float64Array a conv call's params travel in (lib/binding.ts
// encodeConvParams): one array read instead of a dozen property lookups,
// which were about a third of a small layer's call overhead.
enum ConvParamSlot : std::size_t {
  kSlotBatch,
  kSlotHeight,
  kSlotWidth,
  kSlotChannels,
  kSlotChannelsFirst,  // 0 or 1
  kSlotStrideH,
  kSlotStrideW,
  kSlotDilationH,
  kSlotDilationW,
  kSlotPadding,     // 0 valid, 1 same
  kSlotActivation,  // simd_conv2d::Activation value (the fusedActivations index)
  kSlotAlpha,       // NaN: the activation's default
  kConvParamSlots
};
void parse_packed_conv_params(const Napi::Value& value, const char* fn,
                              simd_conv2d::ConvParams* params);

// plan_conv2d, or a RangeError carrying its message.
simd_conv2d::ConvPlan plan_or_throw(Napi::Env env, const simd_conv2d::ConvParams& params,
                                    const char* fn);

// (packed, input, output, params) -> baton, checking types, sizes, lengths
// and that output does not alias input.
ConvBaton parse_conv_call(const Napi::CallbackInfo& info, const char* fn);

// Runs the baton; touches no JS value, so it may run on a worker thread.
// Returns false with a message prefixed by fn (also for out-of-memory).
bool run_conv_baton(const ConvBaton& baton, const char* fn, std::string* error);

}  // namespace simd_conv2d_addon
