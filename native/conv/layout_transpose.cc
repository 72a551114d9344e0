#include "conv/layout_transpose.h"

#include <algorithm>
#include <cstring>

#include "common/checked_math.h"
#include "parallel/parallel_for.h"

namespace simd_conv2d {
namespace {

// Both layout changes are one matrix transpose per image: NCHW -> NHWC turns
// a (channels x pixels) matrix into (pixels x channels), and back. A plain
// element loop walks one side with a large stride and costs ~6 cycles per
// float (measured: 0.1 ms each way on a 56x56x64 ResNet map, 8% of the
// layer). Instead, cache tiles of kTile x kTile keep both sides' lines in L1,
// and inside a tile 4 x 4 blocks move through 128-bit registers: four loads,
// eight shuffles, four stores per 16 floats. GCC/Clang vector extensions
// give SSE on baseline x86-64 and NEON on aarch64 with no ISA flag, so this
// file stays out of the per-ISA kernel set; other compilers get the scalar
// loop.
// 64 rather than 32: inside a real call the maps have usually left the
// caches (the convolution ran in between), and longer runs per source and
// destination row let more lines stream at once. Measured on Zen 3 with the
// caches flushed, 64 x 3136 each way: 0.26 -> 0.20 ms; 256 x 196: 0.088 ->
// 0.057 ms; warm maps within noise. Channels_first L2 at 2 threads: +0.15 ms
// over channels_last -> +0.07 ms.
constexpr std::int64_t kTile = 64;
// Below this many floats per thread a parallel region is not worth starting.
constexpr std::int64_t kMinFloatsPerThread = std::int64_t{1} << 16;

#if defined(__GNUC__) && defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define SC2D_TRANSPOSE_VECTOR 1
#endif
#endif

#if SC2D_TRANSPOSE_VECTOR
typedef float Float4 __attribute__((vector_size(16)));

inline Float4 load4(const float* p) {
  Float4 v;
  std::memcpy(&v, p, sizeof v);  // unaligned; compiles to one movups / ld1
  return v;
}
inline void store4(float* p, Float4 v) { std::memcpy(p, &v, sizeof v); }

// dst[j * ld_dst + i] = src[i * ld_src + j] for i, j < 4.
inline void transpose4x4(const float* src, std::int64_t ld_src, float* dst, std::int64_t ld_dst) {
  const Float4 r0 = load4(src);
  const Float4 r1 = load4(src + ld_src);
  const Float4 r2 = load4(src + 2 * ld_src);
  const Float4 r3 = load4(src + 3 * ld_src);
  const Float4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);
  const Float4 t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
  const Float4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
  const Float4 t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  store4(dst, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
  store4(dst + ld_dst, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
  store4(dst + 2 * ld_dst, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
  store4(dst + 3 * ld_dst, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
}
#endif

// dst (cols x rows) = transpose of src (rows x cols), both row-major with
// leading dimensions cols and rows, restricted to the tile [r0, r1) x [c0, c1).
//
// Row blocks outer: 4 source rows are read along, and every destination row
// of the tile gets 4 floats, so the tile's destination rows are all live at
// once. When those rows lie a multiple of 1 KiB apart (channel planes of a
// power-of-two map: 64 x 64 pixels is 16 KiB) they share a few L1 sets and
// evict each other every step; there the blocks go column-major instead, so
// the many live rows are the source's.
void transpose_tile(const float* src, float* dst, std::int64_t rows, std::int64_t cols,
                    std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
  if (c1 - c0 < 4) {  // too few columns for a 4 x 4 block: write each destination row in one run
    for (std::int64_t c = c0; c < c1; ++c) {
      for (std::int64_t r = r0; r < r1; ++r) dst[c * rows + r] = src[r * cols + c];
    }
    return;
  }
#if SC2D_TRANSPOSE_VECTOR
  const std::int64_t r4 = r0 + (r1 - r0) / 4 * 4;
  const std::int64_t c4 = c0 + (c1 - c0) / 4 * 4;
  const bool dst_rows_collide = (rows * std::int64_t{sizeof(float)}) % 1024 == 0;
  const bool src_rows_collide = (cols * std::int64_t{sizeof(float)}) % 1024 == 0;
  if (dst_rows_collide && !src_rows_collide) {
    for (std::int64_t c = c0; c < c4; c += 4) {
      for (std::int64_t r = r0; r < r4; r += 4) {
        transpose4x4(src + r * cols + c, cols, dst + c * rows + r, rows);
      }
    }
  } else {
    for (std::int64_t r = r0; r < r4; r += 4) {
      for (std::int64_t c = c0; c < c4; c += 4) {
        transpose4x4(src + r * cols + c, cols, dst + c * rows + r, rows);
      }
    }
  }
  // The last columns of the block rows, then the last rows.
  for (std::int64_t c = c4; c < c1; ++c) {
    for (std::int64_t r = r0; r < r4; ++r) dst[c * rows + r] = src[r * cols + c];
  }
  for (std::int64_t r = r4; r < r1; ++r) {
    for (std::int64_t c = c0; c < c1; ++c) dst[c * rows + r] = src[r * cols + c];
  }
#else
  for (std::int64_t r = r0; r < r1; ++r) {
    for (std::int64_t c = c0; c < c1; ++c) dst[c * rows + r] = src[r * cols + c];
  }
#endif
}

// Transposes each of `batch` (rows x cols) matrices of src into dst.
void transpose_batched(const float* src, float* dst, std::int64_t batch, std::int64_t rows,
                       std::int64_t cols) {
  // A side shorter than a tile lends its share to the other (a 3-channel
  // stem image is 3 x 50176): tasks of ~kTile^2 floats either way.
  const std::int64_t tile_r = cols < kTile ? std::max<std::int64_t>(kTile, kTile * kTile / cols / 4 * 4) : kTile;
  const std::int64_t tile_c = rows < kTile ? std::max<std::int64_t>(kTile, kTile * kTile / rows / 4 * 4) : kTile;
  const std::int64_t row_tiles = ceil_div(rows, tile_r);
  const std::int64_t col_tiles = ceil_div(cols, tile_c);
  const std::int64_t per_image = row_tiles * col_tiles;
  const std::int64_t grain = std::max<std::int64_t>(1, kMinFloatsPerThread / (tile_r * tile_c));
  const std::int64_t image = rows * cols;
  parallel_for(batch * per_image, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t task = begin; task < end; ++task) {
      const std::int64_t n = task / per_image;
      // Row tiles inner: consecutive tasks write consecutive stretches of
      // each destination row.
      const std::int64_t rt = task % per_image % row_tiles;
      const std::int64_t ct = task % per_image / row_tiles;
      const std::int64_t r0 = rt * tile_r;
      const std::int64_t c0 = ct * tile_c;
      transpose_tile(src + n * image, dst + n * image, rows, cols, r0, std::min(rows, r0 + tile_r),
                     c0, std::min(cols, c0 + tile_c));
    }
  }, grain);
}

}  // namespace

void transpose_nchw_to_nhwc(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels) {
  transpose_batched(src, dst, batch, channels, pixels);
}

void scatter_tile_to_planes(const float* tile, std::int64_t tile_stride, std::int64_t rows,
                            std::int64_t channels, const std::int64_t* pixel, float* planes,
                            std::int64_t plane_stride) {
  const auto scatter_row = [&](std::int64_t r) {
    for (std::int64_t c = 0; c < channels; ++c) {
      planes[c * plane_stride + pixel[r]] = tile[r * tile_stride + c];
    }
  };
  std::int64_t r = 0;
#if SC2D_TRANSPOSE_VECTOR
  for (; r + 4 <= rows; r += 4) {
    const std::int64_t p0 = pixel[r];
    if (pixel[r + 1] != p0 + 1 || pixel[r + 2] != p0 + 2 || pixel[r + 3] != p0 + 3) {
      // These rows wrap to the next output row or image.
      for (std::int64_t i = r; i < r + 4; ++i) scatter_row(i);
      continue;
    }
    std::int64_t c = 0;
    for (; c + 4 <= channels; c += 4) {
      transpose4x4(tile + r * tile_stride + c, tile_stride, planes + c * plane_stride + p0,
                   plane_stride);
    }
    for (; c < channels; ++c) {
      for (std::int64_t i = 0; i < 4; ++i) {
        planes[c * plane_stride + p0 + i] = tile[(r + i) * tile_stride + c];
      }
    }
  }
#endif
  for (; r < rows; ++r) scatter_row(r);
}

void transpose_nhwc_to_nchw(const float* src, float* dst, std::int64_t batch,
                            std::int64_t channels, std::int64_t pixels) {
  transpose_batched(src, dst, batch, pixels, channels);
}

}  // namespace simd_conv2d
