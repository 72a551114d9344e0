// Reference activation epilogue: each value is widened to double, the
// activation is evaluated with libm there, and the result is rounded once to
// float. That keeps every activation within about 1 ulp of the exact value,
// which SIMD approximations will later be tested against.
//
// Compiled with baseline flags and not inline, so kernels built for any ISA
// can call it without pulling ISA-specific code into shared symbols.
#pragma once

#include <cstdint>

#include "kernels/activation.h"

namespace simd_conv2d {

// Applies epilogue.activation in place to values[0..count).
void apply_epilogue_f64(float* values, std::int64_t count, const Epilogue& epilogue);

// One value, same arithmetic; for tests and scalar tails.
float activate_f64(float x, const Epilogue& epilogue);

}  // namespace simd_conv2d
