#include "addon/js_values.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace simd_conv2d_addon {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // Number.MAX_SAFE_INTEGER

const char* typed_array_name(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "typed array";
  }
}

bool safe_integer_at_least(double d, std::int64_t min_value) {
  return std::isfinite(d) && std::floor(d) == d && d >= static_cast<double>(min_value) &&
         d <= kMaxSafeInteger;
}

const char* safe_integer_kind(std::int64_t min_value) {
  return min_value > 0 ? "a positive safe integer" : "a non-negative safe integer";
}

std::string prefix(const char* fn, const char* what) {
  return std::string(fn) + ": " + what + " must be ";
}

}  // namespace

std::string describe_value(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return value.As<Napi::Boolean>().Value() ? "true" : "false";
    case napi_number: return "a number (" + value.ToString().Utf8Value() + ")";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_external: return "an external";
    case napi_bigint: return "a bigint";
    case napi_object:
    default:
      break;
  }
  if (value.IsTypedArray()) {
    return std::string("a ") + typed_array_name(value.As<Napi::TypedArray>().TypedArrayType());
  }
  if (value.IsArray()) return "an Array";
  if (value.IsArrayBuffer()) return "an ArrayBuffer";
  if (value.IsDataView()) return "a DataView";
  if (value.IsPromise()) return "a Promise";
  return "an object";
}

void throw_type_error(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

void throw_range_error(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

void expect_float32_array(const Napi::Value& value, const char* fn, const char* what) {
  if (value.IsTypedArray() &&
      value.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array) {
    return;
  }
  throw_type_error(value.Env(),
                   prefix(fn, what) + "a Float32Array, received " + describe_value(value));
}

Napi::Object expect_object(const Napi::Value& value, const char* fn, const char* what) {
  if (!value.IsObject() || value.IsArray() || value.IsFunction()) {
    throw_type_error(value.Env(), prefix(fn, what) + "an object, received " + describe_value(value));
  }
  return value.As<Napi::Object>();
}

bool expect_bool(const Napi::Value& value, const char* fn, const char* what) {
  if (!value.IsBoolean()) {
    throw_type_error(value.Env(), prefix(fn, what) + "a boolean, received " + describe_value(value));
  }
  return value.As<Napi::Boolean>().Value();
}

std::string expect_string(const Napi::Value& value, const char* fn, const char* what) {
  if (!value.IsString()) {
    throw_type_error(value.Env(), prefix(fn, what) + "a string, received " + describe_value(value));
  }
  return value.As<Napi::String>().Utf8Value();
}

double expect_finite_number(const Napi::Value& value, const char* fn, const char* what) {
  if (!value.IsNumber()) {
    throw_type_error(value.Env(), prefix(fn, what) + "a number, received " + describe_value(value));
  }
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) {
    throw_range_error(value.Env(), prefix(fn, what) + "a finite number, received " +
                                       value.ToString().Utf8Value());
  }
  return d;
}

std::string number_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // The shortest text that reads back as d, as JS would print it (17 digits always do).
  char text[32];
  for (int digits = 1; digits < 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, d);
    if (std::strtod(text, nullptr) == d) return text;
  }
  std::snprintf(text, sizeof text, "%.17g", d);
  return text;
}

std::int64_t expect_safe_integer(Napi::Env env, double d, const char* fn, const char* what,
                                 std::int64_t min_value) {
  if (!safe_integer_at_least(d, min_value)) {
    throw_range_error(env, prefix(fn, what) + safe_integer_kind(min_value) + ", received " +
                               number_text(d));
  }
  return static_cast<std::int64_t>(d);
}

std::int64_t expect_safe_integer(const Napi::Value& value, const char* fn, const char* what,
                                 std::int64_t min_value) {
  if (!value.IsNumber()) {
    throw_type_error(value.Env(), prefix(fn, what) + safe_integer_kind(min_value) +
                                      ", received " + describe_value(value));
  }
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!safe_integer_at_least(d, min_value)) {
    throw_range_error(value.Env(), prefix(fn, what) + safe_integer_kind(min_value) +
                                       ", received " + value.ToString().Utf8Value());
  }
  return static_cast<std::int64_t>(d);
}

Float32View float32_view(const Napi::Value& value) {
  Napi::TypedArrayOf<float> array = value.As<Napi::TypedArrayOf<float>>();
  Float32View view;
  view.length = static_cast<std::int64_t>(array.ElementLength());
  view.data = view.length > 0 ? array.Data() : nullptr;
  return view;
}

}  // namespace simd_conv2d_addon
