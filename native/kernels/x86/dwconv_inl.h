// The x86 depthwise run (kernel_table.h's DwconvRun contract), written once
// over a vector-ops traits type and instantiated in each ISA's translation
// unit: AVX2 (8 lanes) and AVX-512 (16 lanes).
//
// A run is cut into tiles of a few output pixels. Within a tile the kernel
// walks the channels a vector (or, for wide pixels on 8-lane ISAs, two) at a
// time, so each pixel's cache lines are consumed while they are hot, with
// one accumulator per pixel and vector. Two inner forms:
//   - shared columns (stride_w == dilation_w, 3 or 5 taps per row, the
//     interior of a row): each input column of a kernel row is loaded once
//     and feeds every tap that reads it, the row's weights in registers;
//   - generic (any strides, edge pixels, row tails): per tap one weight load
//     feeding FMAs whose input operand is a load straight from the pixel.
// Addresses are base + stride * {1, 2} operands off a few base registers; no
// offset table is read. Each output sees exactly the contract's order: +0,
// fma(x, w, acc) over the valid taps in (ky, kx) order, + bias, the
// activation. That order depends on neither the tile nor the ISA, so the
// AVX2 and AVX-512 instances, and the igemm and small-group kernels of either
// ISA, agree bit for bit.
//
// The channel tail (C not a multiple of the vector) uses masked loads and
// stores that never touch an input or output float past channel C - 1; the
// weights and bias are padded to whole vectors, so they load whole.
//
// Include only from ISA translation units, after the traits and
// vec_math_inl.h; everything here has internal linkage.
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

#ifndef SC2D_UNROLL
#define SC2D_UNROLL _Pragma("GCC unroll 16")
#endif

namespace simd_conv2d {
namespace {

// Generic tiles: 8 accumulators cover the FMA latency x throughput of both
// pipes on the AVX2 machines we target (Zen 3: 4 cycles x 2) and, with the
// weight and the input operand, stay far below 16 registers.
constexpr int kDwTilePixels = 8;

// Generic tiles of 4 pixels (two vectors of channels per pass, so each
// input load pair reads a whole 64-byte line) instead of 8 for 8-lane
// vectors and C >= 128: an 8-pixel one-vector pass of a stride-2 3x3 row
// touches 17 x 3 lines 512+ bytes apart, which crowd a few L1 sets and are
// evicted before the next pass needs their other halves. Measured on Zen 3,
// one thread, alternating A/B minima: 56x56x128 3x3 stride 2 0.075 -> 0.063
// ms, 14x14x512 stride 2 0.032 -> 0.018 ms, 5x5 stride 2 C = 128 0.196 ->
// 0.151 ms, 7x7 C = 256 0.617 -> 0.550 ms; C = 64 and dilated 3x3 unchanged.
constexpr int kDwNarrowGenericPixels = 4;
constexpr std::int64_t kDwNarrowGenericChannels = 128;

// Shared-column tiles: P accumulators + KT weights + 1 column must fit the
// 16 ymm registers. For 3 taps, 10 pixels measured best on L8 (8: 1.08x, 11:
// 1.04x, 12: 1.1x slower, the last from spills).
constexpr int dw_shared_pixels(int taps) { return taps <= 3 ? 10 : 8; }

// With 8-lane vectors and wide pixels (C >= 256), 3-tap shared tiles are
// narrower. A pass over one vector of channels touches (P + 2) x 3 input
// lines, and the next pass needs each line again (its other half). Pixels
// 1 KiB or more apart, and rows a multiple of 4 KiB apart, put those lines
// in a few L1 sets: at P = 10 they evict each other between the two passes
// (cachegrind, 32 KiB 8-way L1: 1.39 M read misses for 40x40x256 against
// 0.55 M for L8), at P = 6 much less (0.97 M). Measured on Zen 3, one
// thread, alternating A/B minima: 40x40x256 0.198 -> 0.181 ms, 28x28x512
// 0.272 -> 0.214 ms, 14x14x512 0.079 -> 0.062 ms; 56x56x128 unchanged, so
// the rule starts at 256. 16-lane vectors read whole lines in one pass.
constexpr int kDwWideSharedPixels = 6;
constexpr std::int64_t kDwWideChannels = 256;

// From 512 channels two-vector shared passes (dw_tile_pairs) instead, with
// 3-pixel tiles. Measured on Zen 3, one thread, alternating A/B minima
// against the 6-pixel tiles: 28x28x512 0.261 -> 0.209 ms, 20x20x1024
// 0.560 -> 0.317 ms, 14x14x512 0.062 -> 0.049 ms, 7x7x1024 'valid' 0.055 ->
// 0.039 ms; at 256 and 384 channels it was 5-15% slower (twice the loads).
constexpr int kDwPairPixels = 3;
constexpr std::int64_t kDwPairChannels = 512;

// Pixel p's address from two bases (pixel 0 and pixel 4) and the pixel
// stride in bytes: after unrolling, p is a constant and each address is one
// base + index * {1, 2} operand, or base + 3-stride register.
inline const float* dw_pixel(int p, const char* x0, std::int64_t s, std::int64_t s3) {
  const char* base = x0 + (p / 4) * 4 * s;
  switch (p % 4) {
    case 0: return reinterpret_cast<const float*>(base);
    case 1: return reinterpret_cast<const float*>(base + s);
    case 2: return reinterpret_cast<const float*>(base + 2 * s);
    default: return reinterpret_cast<const float*>(base + s3);
  }
}

// Activations other than linear / relu / relu6, applied to what the tile
// just stored (P pixels' vectors at output + p * channels, hot in L1) through
// a buffer: the same vector code as the other kernels' epilogues, and no
// aligned stack frame in the hot functions. Plain stores and loads, so the
// bits are those of activating the registers.
template <class T, int P, bool Tail>
__attribute__((noinline)) void dw_activate_stored(float* output, std::int64_t channels,
                                                  typename T::TailMask mask,
                                                  const Epilogue& epilogue) {
  constexpr int L = T::kLanes;
  alignas(64) float buffer[P * L];
  for (int p = 0; p < P; ++p) {
    const float* out = output + p * channels;
    T::store(buffer + p * L, Tail ? T::load_tail(out, mask) : T::load(out));
  }
  activate_vectors<T>(buffer, P, epilogue);
  for (int p = 0; p < P; ++p) {
    if (Tail) {
      T::store_tail(output + p * channels, T::load(buffer + p * L), mask);
    } else {
      T::store(output + p * channels, T::load(buffer + p * L));
    }
  }
}

// Every accumulator of a tile to +0, where each output's sum starts.
template <class T, int NV, int P>
__attribute__((always_inline)) inline void dw_zero(typename T::V (&acc)[NV][P]) {
  SC2D_UNROLL
  for (int v = 0; v < NV; ++v) {
    SC2D_UNROLL
    for (int p = 0; p < P; ++p) acc[v][p] = T::zero();
  }
}

// Bias, activation and the stores of a P-pixel tile's accumulators for
// channels [c, c + L) (the first C - c of them when Tail).
template <class T, int P, bool Tail>
__attribute__((always_inline)) inline void dw_finish(typename T::V (&acc)[P],
                                                     const DwconvRun& run, std::int64_t c,
                                                     std::int64_t channels,
                                                     typename T::TailMask mask, float* output,
                                                     const Epilogue& epilogue) {
  // Bias once, after the sum.
  const typename T::V bias = T::load(run.bias + c);
  SC2D_UNROLL
  for (int p = 0; p < P; ++p) acc[p] = T::add(acc[p], bias);

  float* out = output + c;
  const Activation activation = epilogue.activation;
  if (activation == Activation::kRelu) {
    SC2D_UNROLL
    for (int p = 0; p < P; ++p) acc[p] = relu_<T>(acc[p]);
  } else if (activation == Activation::kRelu6) {  // MobileNet's
    SC2D_UNROLL
    for (int p = 0; p < P; ++p) acc[p] = relu6_<T>(acc[p]);
  }
  SC2D_UNROLL
  for (int p = 0; p < P; ++p) {
    if (Tail) {
      T::store_tail(out + p * channels, acc[p], mask);
    } else {
      T::store(out + p * channels, acc[p]);
    }
  }
  // A row ahead (DwconvRun::prefetch_ahead), once per stored vector: with
  // 8-lane vectors that touches each line twice, which measured faster into
  // a new output than once per 16 channels (L8 with the AVX2 kernel, 1
  // thread: 0.15-0.17 against 0.19 ms), the same into a reused one.
  if (run.prefetch_ahead != 0) {
    SC2D_UNROLL
    for (int p = 0; p < P; ++p) __builtin_prefetch(out + run.prefetch_ahead + p * channels, 1, 1);
  }
  if (activation != Activation::kLinear && activation != Activation::kRelu &&
      activation != Activation::kRelu6) {
    dw_activate_stored<T, P, Tail>(out, channels, mask, epilogue);
  }
}

// NV vectors of channels [c, c + NV * L) of a P-pixel tile, any strides:
// per tap and vector, one weight load and P FMAs with the input as memory
// operand. NV > 1 gives small tiles (edge pixels, row tails) NV times the
// independent FMA chains; Tail needs NV == 1. KT > 0: the run has exactly
// KT taps per row (fully unrolled; short loops of a runtime count measured
// 1.3x slower). `x_offset` is the tile's first pixel's offset in bytes from
// the run's input rows; `output` is the tile's first pixel's channel 0.
template <class T, int P, int NV, int KT, bool Tail>
__attribute__((always_inline)) inline void dw_channels(const DwconvRun& run,
                                                       std::int64_t x_offset, std::int64_t c,
                                                       typename T::TailMask mask, float* output,
                                                       const Epilogue& epilogue) {
  static_assert(NV == 1 || !Tail, "the masked tail is one vector");
  using V = typename T::V;
  constexpr int L = T::kLanes;
  V acc[NV][P];
  dw_zero<T>(acc);

  const std::int64_t s = run.pixel_stride * std::int64_t{sizeof(float)};
  const std::int64_t s3 = 3 * s;
  const std::int64_t ts = run.tap_stride * std::int64_t{sizeof(float)};
  const std::int64_t wstep = run.padded_channels;
  const std::int64_t taps = KT > 0 ? KT : run.row_taps;
  for (std::int64_t r = 0; r < run.rows; ++r) {
    const char* x0 = reinterpret_cast<const char*>(run.input[r] + c) + x_offset;
    const float* w = run.weights + run.weight_offsets[r] + c;
    SC2D_UNROLL
    for (std::int64_t t = 0; t < taps; ++t, x0 += ts, w += wstep) {
      SC2D_UNROLL
      for (int v = 0; v < NV; ++v) {
        const V wv = T::load(w + v * L);
        SC2D_UNROLL
        for (int p = 0; p < P; ++p) {
          const float* a = dw_pixel(p, x0, s, s3) + v * L;
          acc[v][p] = T::fma(Tail ? T::load_tail(a, mask) : T::load(a), wv, acc[v][p]);
        }
      }
    }
  }
  SC2D_UNROLL
  for (int v = 0; v < NV; ++v) {
    dw_finish<T, P, Tail>(acc[v], run, c + v * L, run.channels, mask, output, epilogue);
  }
}

// The same when tap_stride == pixel_stride (stride_w == dilation_w, in
// practice both 1): pixel p's tap t reads input column p + t, so each of the
// P + KT - 1 columns of a kernel row is loaded once into a register and
// feeds up to KT accumulators, with the row's KT weights held in registers:
// 15 loads per 30 FMAs for P = 10, KT = 3, against 33 in the generic form,
// and far fewer instructions (L8 measured about 1.5x faster than generic 8-pixel
// tiles). Columns go left to right, so each accumulator still sees its taps
// in kx order. CS > 0: C == pixel_stride == CS, known at compile time.
//
// NV = 2 (8-lane vectors, C >= kDwPairChannels): two vectors [c, c + 2L) at
// once, so each pair of column loads reads a whole 64-byte line, which the
// tile then never needs again. At 2 KiB and wider pixels every pixel's line
// at a given channel offset falls in the same one or two L1 sets, so a 3 x 3
// window alone overfills an 8-way set, and a one-vector pass evicts the
// lines its next pass (their other halves) needs. NV x P accumulators +
// NV x KT weights + NV columns: 14 of 16 registers for P = 3, KT = 3 (P = 4
// spills). Each output's order is the same for any NV, so the same bits.
template <class T, int P, int KT, int CS, bool Tail, int NV = 1>
__attribute__((always_inline)) inline void dw_channels_shared(const DwconvRun& run,
                                                              std::int64_t x_offset,
                                                              std::int64_t c,
                                                              typename T::TailMask mask,
                                                              float* output,
                                                              const Epilogue& epilogue) {
  static_assert(NV == 1 || !Tail, "the masked tail is one vector");
  using V = typename T::V;
  constexpr int L = T::kLanes;
  V acc[NV][P];
  dw_zero<T>(acc);

  const std::int64_t s = (CS > 0 ? CS : run.pixel_stride) * std::int64_t{sizeof(float)};
  const std::int64_t s3 = 3 * s;
  const std::int64_t wstep = run.padded_channels;
  for (std::int64_t r = 0; r < run.rows; ++r) {
    const char* x0 = reinterpret_cast<const char*>(run.input[r] + c) + x_offset;
    const float* w = run.weights + run.weight_offsets[r] + c;
    V wv[NV][KT];
    SC2D_UNROLL
    for (int v = 0; v < NV; ++v) {
      SC2D_UNROLL
      for (int t = 0; t < KT; ++t) wv[v][t] = T::load(w + t * wstep + v * L);
    }
    SC2D_UNROLL
    for (int j = 0; j < P + KT - 1; ++j) {
      const float* a = dw_pixel(j, x0, s, s3);
      SC2D_UNROLL
      for (int v = 0; v < NV; ++v) {
        const V x = Tail ? T::load_tail(a, mask) : T::load(a + v * L);
        SC2D_UNROLL
        for (int t = 0; t < KT; ++t) {
          const int p = j - t;
          if (p >= 0 && p < P) acc[v][p] = T::fma(x, wv[v][t], acc[v][p]);
        }
      }
    }
  }
  SC2D_UNROLL
  for (int v = 0; v < NV; ++v) {
    dw_finish<T, P, Tail>(acc[v], run, c + v * L, CS > 0 ? CS : run.channels, mask, output,
                          epilogue);
  }
}

// A P-pixel tile of two-vector shared passes, then the one-vector shared
// form for an odd last vector and the masked tail.
template <class T, int P, int KT>
void dw_tile_pairs(const DwconvRun& run, std::int64_t first, const Epilogue& epilogue) {
  constexpr int L = T::kLanes;
  const std::int64_t channels = run.channels;
  const std::int64_t x_offset = first * run.pixel_stride * std::int64_t{sizeof(float)};
  float* output = run.output + first * channels;
  const typename T::TailMask none{};
  std::int64_t c = 0;
  for (; c + 2 * L <= channels; c += 2 * L) {
    dw_channels_shared<T, P, KT, 0, false, 2>(run, x_offset, c, none, output, epilogue);
  }
  for (; c + L <= channels; c += L) {
    dw_channels_shared<T, P, KT, 0, false>(run, x_offset, c, none, output, epilogue);
  }
  if (c < channels) {
    const typename T::TailMask mask = T::tail_mask(static_cast<int>(channels - c));
    dw_channels_shared<T, P, KT, 0, true>(run, x_offset, c, mask, output, epilogue);
  }
}

// Vectors of channels one generic block computes at once for a P-pixel
// tile: small tiles take several, so that about 4 or more independent FMA
// chains hide the FMA latency (an edge pixel alone measured 40 ns for 32
// channels of a 3x2 window with one vector at a time).
constexpr int dw_vectors_for(int pixels) { return pixels <= 2 ? 4 : pixels <= 5 ? 2 : 1; }

// A P-pixel tile starting at pixel `first` of the run: every vector of
// channels, then the masked tail. Shared: dw_channels_shared (needs KT > 0
// and tap_stride == pixel_stride).
template <class T, int P, int KT = 0, bool Shared = false, int CS = 0>
void dw_tile(const DwconvRun& run, std::int64_t first, const Epilogue& epilogue) {
  constexpr int L = T::kLanes;
  constexpr int NV = Shared ? 1 : dw_vectors_for(P);
  const std::int64_t channels = run.channels;
  const std::int64_t x_offset = first * run.pixel_stride * std::int64_t{sizeof(float)};
  float* output = run.output + first * channels;
  const typename T::TailMask none{};
  std::int64_t c = 0;
  if (Shared) {
    for (; c + L <= channels; c += L) {
      dw_channels_shared<T, P, KT, CS, false>(run, x_offset, c, none, output, epilogue);
    }
  } else {
    for (; c + NV * L <= channels; c += NV * L) {
      dw_channels<T, P, NV, KT, false>(run, x_offset, c, none, output, epilogue);
    }
    for (; c + L <= channels; c += L) {
      dw_channels<T, P, 1, KT, false>(run, x_offset, c, none, output, epilogue);
    }
  }
  if (c < channels) {
    const typename T::TailMask mask = T::tail_mask(static_cast<int>(channels - c));
    if (Shared) {
      dw_channels_shared<T, P, KT, CS, true>(run, x_offset, c, mask, output, epilogue);
    } else {
      dw_channels<T, P, 1, KT, true>(run, x_offset, c, mask, output, epilogue);
    }
  }
}

// Full tiles of a run with KT taps per row (KT = 0: any), the shared-column
// form where the strides allow it. Returns the pixels done.
template <class T, int KT>
std::int64_t dw_full_tiles(const DwconvRun& run, const Epilogue& epilogue) {
  std::int64_t p = 0;
  constexpr int kShared = dw_shared_pixels(KT);
  if (KT > 0 && run.tap_stride == run.pixel_stride) {
    // C = 32 or 64 with stride 1 (MobileNet's first depthwise layers):
    // the pixel stride as a constant makes every column and output address
    // an immediate displacement, with no address arithmetic in the loop
    // (17% fewer instructions on L8, about 10% faster per row).
    const bool dense = run.pixel_stride == run.channels;
    if (KT == 3 && T::kLanes == 8 && run.channels >= kDwPairChannels) {
      for (; p + kDwPairPixels <= run.pixels; p += kDwPairPixels) {
        dw_tile_pairs<T, kDwPairPixels, KT>(run, p, epilogue);
      }
    } else if (KT == 3 && T::kLanes == 8 && run.channels >= kDwWideChannels) {
      for (; p + kDwWideSharedPixels <= run.pixels; p += kDwWideSharedPixels) {
        dw_tile<T, kDwWideSharedPixels, KT, true>(run, p, epilogue);
      }
    } else if (KT == 3 && dense && run.channels == 32) {
      for (; p + kShared <= run.pixels; p += kShared) {
        dw_tile<T, kShared, KT, true, 32>(run, p, epilogue);
      }
    } else if (KT == 3 && dense && run.channels == 64) {
      for (; p + kShared <= run.pixels; p += kShared) {
        dw_tile<T, kShared, KT, true, 64>(run, p, epilogue);
      }
    }
    for (; p + kShared <= run.pixels; p += kShared) {
      dw_tile<T, kShared, KT, true>(run, p, epilogue);
    }
  }
  if (T::kLanes == 8 && run.channels >= kDwNarrowGenericChannels) {
    for (; p + kDwNarrowGenericPixels <= run.pixels; p += kDwNarrowGenericPixels) {
      dw_tile<T, kDwNarrowGenericPixels, KT>(run, p, epilogue);
    }
  }
  for (; p + kDwTilePixels <= run.pixels; p += kDwTilePixels) {
    dw_tile<T, kDwTilePixels, KT>(run, p, epilogue);
  }
  return p;
}

// The whole run: full tiles (specialised for the common 3 and 5 taps per
// row), then one tile of the pixels left.
template <class T>
void dw_run(const DwconvRun& run, const Epilogue& epilogue) {
  static_assert(kDwTilePixels == 8, "one instantiation per tail size below");
  std::int64_t p = 0;
  switch (run.row_taps) {
    case 3: p = dw_full_tiles<T, 3>(run, epilogue); break;
    case 5: p = dw_full_tiles<T, 5>(run, epilogue); break;
    default: p = dw_full_tiles<T, 0>(run, epilogue); break;
  }
  switch (run.pixels - p) {
    case 0: return;
    case 1: return dw_tile<T, 1>(run, p, epilogue);
    case 2: return dw_tile<T, 2>(run, p, epilogue);
    case 3: return dw_tile<T, 3>(run, p, epilogue);
    case 4: return dw_tile<T, 4>(run, p, epilogue);
    case 5: return dw_tile<T, 5>(run, p, epilogue);
    case 6: return dw_tile<T, 6>(run, p, epilogue);
    default: return dw_tile<T, 7>(run, p, epilogue);
  }
}

}  // namespace
}  // namespace simd_conv2d
