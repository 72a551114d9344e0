// The x86 indirect-GEMM tile (kernel_table.h's ConvTile contract), written
// once over a vector-ops traits type and instantiated in each ISA's
// translation unit: AVX2 (8 lanes, 6 x 16) and AVX-512 (16 lanes, 12 x 32).
//
// Register tile: R rows x 2 vectors of accumulators (NR = 2 * lanes). Per
// tap, the R input row addresses are formed once (row offset + tap offset);
// per input channel the kernel loads the 2 weight vectors, broadcasts one
// input float per row and issues 2 R FMAs. Each output therefore sees exactly the contract's order: +0, then
// fma(x, w, acc) over taps in order and channels in order, then + bias, then
// the activation. That order depends on neither MR, NR nor the ISA, so the
// AVX2 and AVX-512 kernels agree bit for bit.
//
// kUnroll channels per loop iteration is chosen per instantiation. For the
// AVX2 6 x 16 tile, 1 is fastest: GCC then addresses all six rows with one
// shared index register (3 scalar adds per step), while by 2 it gives every
// row pointer its own increment (9 adds per 2 steps) and rotates
// accumulators between registers, and by 4 it spills. Measured on Zen 3 with
// a tile-only loop: 1x1-style K = 64 runs ~4% faster by 1 than by 2. The
// AVX-512 tile keeps 2 (32 registers, no spills; not measurable here).
//
// Rows are a template parameter (one instantiation per row count 1..MR), so
// the accumulators and row pointers live in registers with no per-row
// branches. Columns past tile.cols are computed (their weights are zero) but
// never stored: the tail is written with masked stores.
//
// Include only from ISA translation units, after the traits and
// vec_math_inl.h; everything here has internal linkage.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

// Full unrolling of the per-row loops is what keeps the accumulators in
// registers (GCC -O2 would otherwise keep them in a stack array).
#ifndef SC2D_UNROLL
#define SC2D_UNROLL _Pragma("GCC unroll 16")
#endif

namespace simd_conv2d {
namespace {

// The fused epilogue for activations other than linear / relu: the R x NR
// biased sums go through a small stack buffer, are activated in place
// vector by vector, and stored with the column mask.
template <class T>
__attribute__((noinline)) void activate_and_store(float* buffer, int rows, int cols,
                                                  float* const* output, std::int64_t column,
                                                  const Epilogue& epilogue) {
  constexpr int L = T::kLanes;
  activate_vectors<T>(buffer, 2 * rows, epilogue);
  const int n0 = cols < L ? cols : L;
  const int n1 = cols - n0;
  for (int r = 0; r < rows; ++r) {
    T::store_n(output[r] + column, T::load(buffer + r * 2 * L), n0);
    T::store_n(output[r] + column + L, T::load(buffer + r * 2 * L + L), n1);
  }
}

// Row r's first input channel under tap t: the contract's row + tap offset.
template <int R>
inline void tap_rows(const ConvTile& tile, std::int64_t t, const float* (&a)[R]) {
  const std::int64_t tap_input = tile.input_taps[t];
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) a[r] = tile.input + (tile.input_rows[r] + tap_input);
}

// One NR block of the tile: its bias and weights at `bias` / `weights`, its
// outputs at output[r] + column, `cols` of them stored.
template <class T, int MR, int R, int kUnroll>
inline void conv_block(const ConvTile& tile, const float* bias, const float* weights,
                       std::int64_t column, int cols, const Epilogue& epilogue) {
  using V = typename T::V;
  constexpr int L = T::kLanes;
  constexpr int NR = 2 * L;

  V acc0[R];
  V acc1[R];
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) {
    acc0[r] = T::zero();
    acc1[r] = T::zero();
  }

  const std::int64_t taps = tile.taps;
  const std::int64_t channels = tile.channels;
  for (std::int64_t t = 0; t < taps; ++t) {
    const float* a[R];
    tap_rows(tile, t, a);
    const float* w = weights + tile.tap_offsets[t];
    std::int64_t c = 0;
    // kUnroll channels per iteration; the per-output order is unchanged.
    for (; c + kUnroll <= channels; c += kUnroll, w += kUnroll * NR) {
      SC2D_UNROLL
      for (int q = 0; q < kUnroll; ++q) {
        const V w0 = T::load(w + q * NR);
        const V w1 = T::load(w + q * NR + L);
        SC2D_UNROLL
        for (int r = 0; r < R; ++r) {
          const V x = T::broadcast(a[r] + c + q);
          acc0[r] = T::fma(x, w0, acc0[r]);
          acc1[r] = T::fma(x, w1, acc1[r]);
        }
      }
    }
    for (; c < channels; ++c, w += NR) {
      const V w0 = T::load(w);
      const V w1 = T::load(w + L);
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        const V x = T::broadcast(a[r] + c);
        acc0[r] = T::fma(x, w0, acc0[r]);
        acc1[r] = T::fma(x, w1, acc1[r]);
      }
    }
  }

  // Bias once, after the sum.
  const V b0 = T::load(bias);
  const V b1 = T::load(bias + L);
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) {
    acc0[r] = T::add(acc0[r], b0);
    acc1[r] = T::add(acc1[r], b1);
  }

  float* const* output = tile.output;
  if (epilogue.activation == Activation::kLinear || epilogue.activation == Activation::kRelu) {
    if (epilogue.activation == Activation::kRelu) {
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        acc0[r] = relu_<T>(acc0[r]);
        acc1[r] = relu_<T>(acc1[r]);
      }
    }
    if (cols == NR) {
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        T::store(output[r] + column, acc0[r]);
        T::store(output[r] + column + L, acc1[r]);
      }
    } else {
      const int n0 = cols < L ? cols : L;
      const int n1 = cols - n0;
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        T::store_n(output[r] + column, acc0[r], n0);
        T::store_n(output[r] + column + L, acc1[r], n1);
      }
    }
    return;
  }
  alignas(64) float buffer[R * NR];
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) {
    T::store(buffer + r * NR, acc0[r]);
    T::store(buffer + r * NR + L, acc1[r]);
  }
  activate_and_store<T>(buffer, R, cols, output, column, epilogue);
}

// Two consecutive NR blocks of R rows at once: 4 vectors per row, so each
// channel step loads 4 weight vectors and broadcasts R inputs for 4 R FMAs.
// For R <= 6 that is 24 accumulators, and only R row addresses: a 12-row
// tile's addresses do not fit the general registers with the loop's own, and
// its loop reloads them from the stack (on Zen 4 a 1x1, K = 64 layer ran
// ~10% faster as 6 x 64 than as 12 x 32 in a loop-only test). Each output's
// order is conv_block's, so the bits are the same.
template <class T, int R, int kUnroll>
inline void conv_block_pair(const ConvTile& tile, const float* bias, const float* weights,
                            std::int64_t column, int cols_b, const Epilogue& epilogue) {
  using V = typename T::V;
  constexpr int L = T::kLanes;
  constexpr int NR = 2 * L;
  const std::int64_t stride = tile.block_stride;

  V acc[4][R];
  SC2D_UNROLL
  for (int v = 0; v < 4; ++v) {
    SC2D_UNROLL
    for (int r = 0; r < R; ++r) acc[v][r] = T::zero();
  }

  const std::int64_t taps = tile.taps;
  const std::int64_t channels = tile.channels;
  for (std::int64_t t = 0; t < taps; ++t) {
    const float* a[R];
    tap_rows(tile, t, a);
    const float* wa = weights + tile.tap_offsets[t];
    const float* wb = wa + stride;
    std::int64_t c = 0;
    for (; c + kUnroll <= channels; c += kUnroll, wa += kUnroll * NR, wb += kUnroll * NR) {
      SC2D_UNROLL
      for (int q = 0; q < kUnroll; ++q) {
        const V w0 = T::load(wa + q * NR);
        const V w1 = T::load(wa + q * NR + L);
        const V w2 = T::load(wb + q * NR);
        const V w3 = T::load(wb + q * NR + L);
        SC2D_UNROLL
        for (int r = 0; r < R; ++r) {
          const V x = T::broadcast(a[r] + c + q);
          acc[0][r] = T::fma(x, w0, acc[0][r]);
          acc[1][r] = T::fma(x, w1, acc[1][r]);
          acc[2][r] = T::fma(x, w2, acc[2][r]);
          acc[3][r] = T::fma(x, w3, acc[3][r]);
        }
      }
    }
    for (; c < channels; ++c, wa += NR, wb += NR) {
      const V w0 = T::load(wa);
      const V w1 = T::load(wa + L);
      const V w2 = T::load(wb);
      const V w3 = T::load(wb + L);
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        const V x = T::broadcast(a[r] + c);
        acc[0][r] = T::fma(x, w0, acc[0][r]);
        acc[1][r] = T::fma(x, w1, acc[1][r]);
        acc[2][r] = T::fma(x, w2, acc[2][r]);
        acc[3][r] = T::fma(x, w3, acc[3][r]);
      }
    }
  }

  // Bias once, after the sum.
  SC2D_UNROLL
  for (int v = 0; v < 4; ++v) {
    const V b = T::load(bias + (v / 2) * stride + (v % 2) * L);
    SC2D_UNROLL
    for (int r = 0; r < R; ++r) acc[v][r] = T::add(acc[v][r], b);
  }

  float* const* output = tile.output;
  if (epilogue.activation == Activation::kLinear || epilogue.activation == Activation::kRelu) {
    if (epilogue.activation == Activation::kRelu) {
      SC2D_UNROLL
      for (int v = 0; v < 4; ++v) {
        SC2D_UNROLL
        for (int r = 0; r < R; ++r) acc[v][r] = relu_<T>(acc[v][r]);
      }
    }
    SC2D_UNROLL
    for (int r = 0; r < R; ++r) {
      T::store(output[r] + column, acc[0][r]);
      T::store(output[r] + column + L, acc[1][r]);
    }
    if (cols_b == NR) {
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        T::store(output[r] + column + NR, acc[2][r]);
        T::store(output[r] + column + NR + L, acc[3][r]);
      }
    } else {
      const int n0 = cols_b < L ? cols_b : L;
      const int n1 = cols_b - n0;
      SC2D_UNROLL
      for (int r = 0; r < R; ++r) {
        T::store_n(output[r] + column + NR, acc[2][r], n0);
        T::store_n(output[r] + column + NR + L, acc[3][r], n1);
      }
    }
    return;
  }
  alignas(64) float buffer[R * NR];
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) {
    T::store(buffer + r * NR, acc[0][r]);
    T::store(buffer + r * NR + L, acc[1][r]);
  }
  activate_and_store<T>(buffer, R, NR, output, column, epilogue);
  SC2D_UNROLL
  for (int r = 0; r < R; ++r) {
    T::store(buffer + r * NR, acc[2][r]);
    T::store(buffer + r * NR + L, acc[3][r]);
  }
  activate_and_store<T>(buffer, R, cols_b, output, column + NR, epilogue);
}

// R rows (R <= 6) of a tile over all its blocks, two at a time; an odd last
// block alone. `tile` is the tile seen from its pass's first row.
template <class T, int MR, int R, int kUnroll>
void conv_tile_pairs(const ConvTile& tile, const Epilogue& epilogue) {
  constexpr int NR = 2 * T::kLanes;
  const std::int64_t last = tile.more_blocks;
  const std::int64_t stride = tile.block_stride;
  std::int64_t j = 0;
  for (; j + 1 <= last; j += 2) {
    const int cols_b = j + 1 == last ? static_cast<int>(tile.cols) : NR;
    conv_block_pair<T, R, kUnroll>(tile, tile.bias + j * stride, tile.weights + j * stride,
                                   j * NR, cols_b, epilogue);
  }
  if (j == last) {
    conv_block<T, MR, R, kUnroll>(tile, tile.bias + last * stride, tile.weights + last * stride,
                                  last * NR, static_cast<int>(tile.cols), epilogue);
  }
}

template <class T, int MR, int R, int kUnroll = 2>
void conv_tile(const ConvTile& tile, const Epilogue& epilogue) {
  constexpr int NR = 2 * T::kLanes;
  const std::int64_t last = tile.more_blocks;
  for (std::int64_t j = 0; j < last; ++j) {
    conv_block<T, MR, R, kUnroll>(tile, tile.bias + j * tile.block_stride,
                                  tile.weights + j * tile.block_stride, j * NR, NR, epilogue);
  }
  conv_block<T, MR, R, kUnroll>(tile, tile.bias + last * tile.block_stride,
                                tile.weights + last * tile.block_stride, last * NR,
                                static_cast<int>(tile.cols), epilogue);
}

}  // namespace
}  // namespace simd_conv2d
