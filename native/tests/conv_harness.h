// Runs the driver end to end (plan -> pack -> forward) for test shapes.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "conv/pack.h"
#include "conv/params.h"
#include "kernels/activation.h"
#include "kernels/kernel_table.h"
#include "tests/reference_conv.h"

namespace sc2d_test {

// A case's input, Keras-layout kernel and (possibly empty) bias.
struct ConvData {
  std::vector<float> input, kernel, bias;
};

// Uniform [-1, 1) inputs and biases; kernel values scaled by 2/sqrt(K) so
// outputs stay O(1) whatever the reduction length.
ConvData random_conv_data(const RefShape& shape, bool with_bias, std::mt19937_64& rng);

// "N2 H5 W7 C4 NHWC k3x3 s1,1 d1,1 same G2 F6", for failure messages.
std::string describe_shape(const RefShape& shape);

// The driver's description of `shape`, linear activation.
simd_conv2d::ConvParams conv_params(const RefShape& shape);

struct DriverRun {
  bool ok = false;
  bool grouped = false;    // the weights were packed for the small-group path
  bool depthwise = false;  // ... for the depthwise path
  std::string error;
  std::vector<float> output;
  bool guards_intact = true;  // nothing was written just outside the output
};

// Whether two runs wrote the same output, bit for bit.
bool same_output_bits(const DriverRun& a, const DriverRun& b);

// The activation is given by its Keras name; alpha < 0 picks the Keras default.
// The weights are packed for `table` (the process' active table when null),
// in the layout `path` asks for.
DriverRun run_driver(const RefShape& shape, const std::vector<float>& input,
                     const std::vector<float>& kernel, const std::vector<float>& bias,
                     const std::string& activation, double alpha,
                     const simd_conv2d::KernelTable* table = nullptr,
                     simd_conv2d::PackPath path = simd_conv2d::PackPath::kAuto);

inline DriverRun run_driver(const RefShape& shape, const ConvData& d, const simd_conv2d::KernelTable& table,
                            simd_conv2d::PackPath path, const std::string& activation = "linear",
                            double alpha = -1) {
  return run_driver(shape, d.input, d.kernel, d.bias, activation, alpha, &table, path);
}

// Bitwise equality (any NaN equals any NaN); *where is the first difference.
bool same_bits(const std::vector<float>& a, const std::vector<float>& b, size_t* where);

// Checks a linear output against the float64 reference with the tolerance
// of conv-design §6 (|y - ref| <= 4 sqrt(K) u S + 4 u |ref|), reporting up to
// three failures under `what`; returns whether all passed.
bool within_reference_tolerance(const RefShape& shape, const ConvData& data,
                                const std::vector<float>& y, const std::string& what);

// The driver against the float64 reference, on `table` with weights packed
// for `path`. Tolerance per output (direct summation, any fixed order;
// conv-design §6):
//
//   |y - ref| <= 4 * sqrt(K) * u * S + 4 * u * |ref|
//
// with u = 2^-24 (float32 unit roundoff), K = kh*kw*Cin_per_group (+1 with a
// bias) the reduction length and S = sum |w*x| + |b| for that output. The
// sqrt(K) term is the statistical size of the accumulated rounding, with a
// factor ~20 above what direct summation shows in practice; the |ref| term
// covers the final rounding. After an activation f the bound becomes
// slope(f) * (conv bound) + 4u|f(ref)| (+ the smallest normal float, for
// results that underflow).
//
// Independently of the tolerance, the fused output (act != "linear") must be
// what applying the epilogue to the linear output gives, since both
// accumulate in the same order: bit-identical for the exact epilogues, within
// the table's stated ulp bound (epilogue_ulp_bound) for vectorised
// approximations, whose error is also added to the tolerance. Both runs must
// leave the guard zones around the output alone.
//
// Failures are reported through CHECK_MSG; the linear run is returned (ok
// false when the driver refused the case) for further comparisons.
DriverRun check_against_reference(const simd_conv2d::KernelTable& table, const RefShape& shape,
                                  const ConvData& data, const std::string& activation,
                                  double alpha,
                                  simd_conv2d::PackPath path = simd_conv2d::PackPath::kAuto);

// The compiled-in kernel tables this CPU can run, best first (scalar last),
// plus avx512_emulated_table() just before "avx2" when it is built and the
// CPU has AVX2 + FMA, so every driver test also runs the AVX-512 kernel.
std::vector<const simd_conv2d::KernelTable*> runnable_tables();

// The registry's "avx512" table with the AVX-512 tile compiled against SIMDe
// (tests/emulated/), named "avx512-emulated"; null when the test binary was
// built without SIMDe. Runnable wherever AVX2 + FMA is.
const simd_conv2d::KernelTable* avx512_emulated_table();

// How far (in float ulps) a table's fused activation may be from
// activate_f64 of the same pre-activation value; 0 means bitwise equal.
int epilogue_ulp_bound(const simd_conv2d::KernelTable& table, simd_conv2d::Activation activation);

// Distance in representable floats (+0 and -0 are the same point).
std::int64_t float_ulp_distance(float a, float b);

extern const char* const kAllActivations[];
extern const int kAllActivationCount;

}  // namespace sc2d_test
