// The end of an x86 small-group tile (GconvTile, kernel_table.h), shared by
// the AVX2 and AVX-512 kernels over their vector-ops traits: the bias once,
// after the sum, then linear / relu on registers and every other activation
// through a stack buffer with the x86 vector activations (vec_math_inl.h),
// the same code the igemm kernels run, so fused outputs match them bit for bit.
//
// Include only from ISA translation units, after the traits and
// vec_math_inl.h; everything here has internal linkage.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

#ifndef SC2D_GCONV_UNROLL
#define SC2D_GCONV_UNROLL _Pragma("GCC unroll 16")
#endif

namespace simd_conv2d {
namespace {

// Activations other than linear / relu: through a buffer, vector by vector.
template <class T>
__attribute__((noinline)) void gconv_activate_and_store(float* buffer, int rows, int lanes,
                                                        float* output,
                                                        const std::int64_t* output_rows,
                                                        const Epilogue& epilogue) {
  activate_vectors<T>(buffer, rows, epilogue);
  for (int r = 0; r < rows; ++r) {
    T::store_n(output + output_rows[r], T::load(buffer + r * T::kLanes), lanes);
  }
}

// Bias, activation and the stores of a tile's R accumulators (one vector of
// `tile.lanes` outputs per pixel).
template <class T, int R>
inline void gconv_finish(typename T::V (&acc)[R], const GconvTile& tile, const Epilogue& epilogue) {
  constexpr int L = T::kLanes;
  const typename T::V bias = T::load(tile.bias);
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) acc[r] = T::add(acc[r], bias);

  const int lanes = static_cast<int>(tile.lanes);
  if (epilogue.activation == Activation::kLinear || epilogue.activation == Activation::kRelu) {
    if (epilogue.activation == Activation::kRelu) {
      SC2D_GCONV_UNROLL
      for (int r = 0; r < R; ++r) acc[r] = relu_<T>(acc[r]);
    }
    SC2D_GCONV_UNROLL
    for (int r = 0; r < R; ++r) T::store_n(tile.output + tile.output_rows[r], acc[r], lanes);
    return;
  }
  alignas(64) float buffer[R * L];
  SC2D_GCONV_UNROLL
  for (int r = 0; r < R; ++r) T::store(buffer + r * L, acc[r]);
  gconv_activate_and_store<T>(buffer, R, lanes, tile.output, tile.output_rows, epilogue);
}

}  // namespace
}  // namespace simd_conv2d
