#include "addon/conv_call.h"

#include <cmath>
#include <exception>
#include <new>
#include <string>

#include "addon/js_values.h"
#include "addon/packed_weights_object.h"
#include "conv/conv2d.h"

namespace simd_conv2d_addon {
namespace {

using simd_conv2d::ConvParams;
using simd_conv2d::ConvPlan;

std::string str(std::int64_t v) { return std::to_string(v); }

std::string shape_text(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  return "[" + str(a) + ", " + str(b) + ", " + str(c) + ", " + str(d) + "]";
}

// The shape is spelled out only when the length is wrong, so a normal call
// builds no strings.
void check_length(Napi::Env env, const char* fn, const char* what, std::int64_t expected,
                  const std::int64_t (&shape)[4], std::int64_t received) {
  if (expected == received) return;
  throw_range_error(env, std::string(fn) + ": " + what + ": expected " + str(expected) +
                             " elements for shape " +
                             shape_text(shape[0], shape[1], shape[2], shape[3]) + ", received " +
                             str(received));
}

}  // namespace

void parse_conv_params(const Napi::Value& value, const char* fn, ConvParams* p) {
  Napi::Object o = expect_object(value, fn, "params");
  p->batch = expect_safe_integer(o.Get("batch"), fn, "params.batch", 0);
  p->height = expect_safe_integer(o.Get("height"), fn, "params.height", 1);
  p->width = expect_safe_integer(o.Get("width"), fn, "params.width", 1);
  p->channels = expect_safe_integer(o.Get("channels"), fn, "params.channels", 1);
  p->channels_first = expect_bool(o.Get("channelsFirst"), fn, "params.channelsFirst");
  p->stride_h = expect_safe_integer(o.Get("strideH"), fn, "params.strideH", 1);
  p->stride_w = expect_safe_integer(o.Get("strideW"), fn, "params.strideW", 1);
  p->dilation_h = expect_safe_integer(o.Get("dilationH"), fn, "params.dilationH", 1);
  p->dilation_w = expect_safe_integer(o.Get("dilationW"), fn, "params.dilationW", 1);

  const std::string padding = expect_string(o.Get("padding"), fn, "params.padding");
  if (padding == "valid") {
    p->padding = simd_conv2d::Padding::kValid;
  } else if (padding == "same") {
    p->padding = simd_conv2d::Padding::kSame;
  } else {
    throw_type_error(o.Env(), std::string(fn) + ": params.padding must be 'valid' or 'same', received '" +
                                  padding + "'");
  }

  const std::string activation = expect_string(o.Get("activation"), fn, "params.activation");
  if (!simd_conv2d::parse_activation(activation, &p->activation)) {
    throw_type_error(o.Env(), std::string(fn) + ": params.activation must be one of " +
                                  simd_conv2d::activation_name_list() + "; received '" +
                                  activation + "'");
  }
  const Napi::Value alpha = o.Get("alpha");
  p->alpha = alpha.IsUndefined() ? simd_conv2d::default_activation_alpha(p->activation)
                                 : expect_finite_number(alpha, fn, "params.alpha");
}

namespace {

// A 0/1 slot of the packed params, as a bool.
bool flag_slot(Napi::Env env, double value, const char* fn, const char* what, const char* expected) {
  if (value != 0.0 && value != 1.0) {
    throw_range_error(env, std::string(fn) + ": " + what + " must be " + expected + ", received " +
                               number_text(value));
  }
  return value == 1.0;
}

}  // namespace

void parse_packed_conv_params(const Napi::Value& value, const char* fn, ConvParams* p) {
  Napi::Env env = value.Env();
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      value.As<Napi::TypedArray>().ElementLength() != kConvParamSlots) {
    throw_type_error(env, std::string(fn) + ": params must be a Float64Array of " +
                              str(kConvParamSlots) + " numbers (encodeConvParams), received " +
                              describe_value(value));
  }
  // Copied out at once: nothing below runs JS, but the values are then ours.
  double v[kConvParamSlots];
  const Napi::Float64Array array = value.As<Napi::Float64Array>();
  for (std::size_t i = 0; i < kConvParamSlots; ++i) v[i] = array[i];

  p->batch = expect_safe_integer(env, v[kSlotBatch], fn, "params.batch", 0);
  p->height = expect_safe_integer(env, v[kSlotHeight], fn, "params.height", 1);
  p->width = expect_safe_integer(env, v[kSlotWidth], fn, "params.width", 1);
  p->channels = expect_safe_integer(env, v[kSlotChannels], fn, "params.channels", 1);
  p->channels_first = flag_slot(env, v[kSlotChannelsFirst], fn, "params.channelsFirst", "0 or 1");
  p->stride_h = expect_safe_integer(env, v[kSlotStrideH], fn, "params.strideH", 1);
  p->stride_w = expect_safe_integer(env, v[kSlotStrideW], fn, "params.strideW", 1);
  p->dilation_h = expect_safe_integer(env, v[kSlotDilationH], fn, "params.dilationH", 1);
  p->dilation_w = expect_safe_integer(env, v[kSlotDilationW], fn, "params.dilationW", 1);
  p->padding = flag_slot(env, v[kSlotPadding], fn, "params.padding", "0 (valid) or 1 (same)")
                   ? simd_conv2d::Padding::kSame
                   : simd_conv2d::Padding::kValid;
  const double activation = v[kSlotActivation];
  if (!(activation >= 0 && activation < simd_conv2d::kActivationCount &&
        std::floor(activation) == activation)) {
    throw_range_error(env, std::string(fn) + ": params.activation must be an index below " +
                               str(simd_conv2d::kActivationCount) + " into fusedActivations, received " +
                               number_text(activation));
  }
  p->activation = static_cast<simd_conv2d::Activation>(static_cast<std::int32_t>(activation));
  const double alpha = v[kSlotAlpha];
  if (std::isnan(alpha)) {
    p->alpha = simd_conv2d::default_activation_alpha(p->activation);
  } else if (std::isfinite(alpha)) {
    p->alpha = alpha;
  } else {
    throw_range_error(env, std::string(fn) + ": params.alpha must be a finite number or NaN (the default), received " +
                               number_text(alpha));
  }
}

ConvPlan plan_or_throw(Napi::Env env, const ConvParams& params, const char* fn) {
  ConvPlan plan;
  std::string error;
  if (!simd_conv2d::plan_conv2d(params, &plan, &error)) {
    throw_range_error(env, std::string(fn) + ": " + error);
  }
  return plan;
}

ConvBaton parse_conv_call(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  ConvBaton baton;
  baton.weights = PackedWeightsObject::unwrap(info[0], fn, "packed");
  expect_float32_array(info[1], fn, "input");
  expect_float32_array(info[2], fn, "output");

  ConvParams p;
  parse_packed_conv_params(info[3], fn, &p);
  const simd_conv2d::WeightDims& d = baton.weights->dims;
  p.kernel_h = d.kernel_h;
  p.kernel_w = d.kernel_w;
  p.groups = d.groups;
  p.filters = d.filters;
  if (p.channels != d.cin_per_group * d.groups) {  // both <= 2^30
    throw_range_error(env, std::string(fn) + ": params.channels (" + str(p.channels) +
                               ") must equal cinPerGroup x groups of the packed weights (" +
                               str(d.cin_per_group) + " x " + str(d.groups) + " = " +
                               str(d.cin_per_group * d.groups) + ")");
  }
  baton.plan = plan_or_throw(env, p, fn);
  const ConvPlan& plan = baton.plan;

  // Buffers last: the params getters above may have run user code.
  const Float32View input = float32_view(info[1]);
  const Float32View output = float32_view(info[2]);
  const std::int64_t in_shape[4] = {p.batch, p.channels_first ? p.channels : p.height,
                                     p.channels_first ? p.height : p.width,
                                     p.channels_first ? p.width : p.channels};
  const std::int64_t out_shape[4] = {p.batch, p.channels_first ? p.filters : plan.out_h,
                                      p.channels_first ? plan.out_h : plan.out_w,
                                      p.channels_first ? plan.out_w : p.filters};
  check_length(env, fn, "input", plan.input_elements, in_shape, input.length);
  check_length(env, fn, "output", plan.output_elements, out_shape, output.length);
  if (simd_conv2d::float_ranges_overlap(input.data, input.length, output.data, output.length)) {
    throw_range_error(env, std::string(fn) + ": output must not share memory with input");
  }
  baton.input = input.data;
  baton.input_length = input.length;
  baton.output = output.data;
  baton.output_length = output.length;
  return baton;
}

bool run_conv_baton(const ConvBaton& baton, const char* fn, std::string* error) {
  std::string message;
  try {
    if (simd_conv2d::conv2d_forward(baton.plan, *baton.weights, baton.input, baton.input_length,
                                    baton.output, baton.output_length, &message)) {
      return true;
    }
  } catch (const std::bad_alloc&) {
    message = "out of memory for the convolution's scratch buffers";
  } catch (const std::exception& e) {
    message = e.what();
  }
  *error = std::string(fn) + ": " + message;
  return false;
}

}  // namespace simd_conv2d_addon
