// Argument checking for the JS surface. Every helper throws a Napi::Error
// subclass whose message starts with the calling function's name and says
// what was expected and what was received:
//   TypeError  - wrong JS type (or an unknown option string)
//   RangeError - right type, value out of range
#pragma once

#include <cstdint>
#include <string>

#include <napi.h>

namespace simd_conv2d_addon {

// "a Float64Array", "null", "a number (1.5)", ...
std::string describe_value(const Napi::Value& value);

[[noreturn]] void throw_type_error(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range_error(Napi::Env env, const std::string& message);

// `what` is the argument's name in messages, e.g. "input" or "params.strideH".
void expect_float32_array(const Napi::Value& value, const char* fn, const char* what);
Napi::Object expect_object(const Napi::Value& value, const char* fn, const char* what);
bool expect_bool(const Napi::Value& value, const char* fn, const char* what);
std::string expect_string(const Napi::Value& value, const char* fn, const char* what);
double expect_finite_number(const Napi::Value& value, const char* fn, const char* what);

// A safe integer >= min_value (0 or 1).
std::int64_t expect_safe_integer(const Napi::Value& value, const char* fn, const char* what,
                                 std::int64_t min_value);
// The same for a number already read out of a Float64Array.
std::int64_t expect_safe_integer(Napi::Env env, double d, const char* fn, const char* what,
                                 std::int64_t min_value);
// "1.5", "NaN", "-Infinity": how JS prints the number, for messages.
std::string number_text(double d);

// Data pointer and element count of a value already checked to be a
// Float32Array. Read as late as possible: user getters run while parsing
// the other arguments could detach the buffer.
struct Float32View {
  float* data = nullptr;
  std::int64_t length = 0;
};
Float32View float32_view(const Napi::Value& value);

}  // namespace simd_conv2d_addon
