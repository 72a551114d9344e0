// Runs the driver end to end (plan -> pack -> forward) for test shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/reference_conv.h"

namespace sc2d_test {

struct DriverRun {
  bool ok = false;
  std::string error;
  std::vector<float> output;
  bool guards_intact = true;  // nothing was written just outside the output
};

// The activation is given by its Keras name; alpha < 0 picks the Keras default.
DriverRun run_driver(const RefShape& shape, const std::vector<float>& input,
                     const std::vector<float>& kernel, const std::vector<float>& bias,
                     const std::string& activation, double alpha);

extern const char* const kAllActivations[];
extern const int kAllActivationCount;

}  // namespace sc2d_test
