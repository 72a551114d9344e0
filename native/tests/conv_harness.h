// Runs the driver end to end (plan -> pack -> forward) for test shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/activation.h"
#include "kernels/kernel_table.h"
#include "tests/reference_conv.h"

namespace sc2d_test {

struct DriverRun {
  bool ok = false;
  std::string error;
  std::vector<float> output;
  bool guards_intact = true;  // nothing was written just outside the output
};

// The activation is given by its Keras name; alpha < 0 picks the Keras default.
// The weights are packed for `table` (the process' active table when null).
DriverRun run_driver(const RefShape& shape, const std::vector<float>& input,
                     const std::vector<float>& kernel, const std::vector<float>& bias,
                     const std::string& activation, double alpha,
                     const simd_conv2d::KernelTable* table = nullptr);

// The compiled-in kernel tables this CPU can run, best first (scalar last).
std::vector<const simd_conv2d::KernelTable*> runnable_tables();

// How far (in float ulps) a table's fused activation may be from
// activate_f64 of the same pre-activation value; 0 means bitwise equal.
int epilogue_ulp_bound(const simd_conv2d::KernelTable& table, simd_conv2d::Activation activation);

// Distance in representable floats (+0 and -0 are the same point).
std::int64_t float_ulp_distance(float a, float b);

extern const char* const kAllActivations[];
extern const int kAllActivationCount;

}  // namespace sc2d_test
