// NCHW <-> NHWC copies: every element lands where the index formula says,
// for sizes around the 4 x 4 register block and the 64 x 64 cache tile, for
// 1-3 channels (the narrow-side path), across batches and thread counts.
#include <cstdint>
#include <vector>

#include "conv/layout_transpose.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

void check_round_trip(std::int64_t batch, std::int64_t channels, std::int64_t pixels) {
  const std::int64_t n = batch * channels * pixels;
  std::vector<float> nchw(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) nchw[static_cast<std::size_t>(i)] = static_cast<float>(i) + 0.5f;
  // One guard float past each destination catches a store beyond the end.
  std::vector<float> nhwc(static_cast<std::size_t>(n + 1), -1.0f);
  std::vector<float> back(static_cast<std::size_t>(n + 1), -1.0f);
  transpose_nchw_to_nhwc(nchw.data(), nhwc.data(), batch, channels, pixels);
  transpose_nhwc_to_nchw(nhwc.data(), back.data(), batch, channels, pixels);
  std::int64_t wrong = 0;
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t c = 0; c < channels; ++c) {
      for (std::int64_t p = 0; p < pixels; ++p) {
        const std::int64_t planar = (b * channels + c) * pixels + p;
        const std::int64_t interleaved = (b * pixels + p) * channels + c;
        wrong += nhwc[static_cast<std::size_t>(interleaved)] != nchw[static_cast<std::size_t>(planar)];
        wrong += back[static_cast<std::size_t>(planar)] != nchw[static_cast<std::size_t>(planar)];
      }
    }
  }
  CHECK_MSG(wrong == 0, wrong << " misplaced floats, batch " << batch << " channels " << channels
                              << " pixels " << pixels);
  CHECK(nhwc[static_cast<std::size_t>(n)] == -1.0f && back[static_cast<std::size_t>(n)] == -1.0f);
}

TEST_CASE(transpose_places_every_element) {
  const std::int64_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 129};
  const int saved = get_num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    for (std::int64_t c : sizes) {
      for (std::int64_t p : sizes) check_round_trip(1 + (c + p) % 3, c, p);
    }
    check_round_trip(2, 3, 224 * 224);  // a stem image: narrow side, long tiles
    check_round_trip(1, 256, 56 * 56);
    // Planes a multiple of 1 KiB apart take the column-major block order.
    check_round_trip(1, 64, 64 * 64);
    check_round_trip(2, 7, 256);
    check_round_trip(1, 66, 1024);
  }
  set_num_threads(saved);
}

// The channels_first output side of the igemm driver: a tile of rows x
// channels scattered into channel planes, rows being consecutive pixels
// (4 x 4 blocks), wrapping to another row (single floats), or both.
TEST_CASE(scatter_tile_places_every_element) {
  const std::int64_t plane = 50;
  for (std::int64_t rows = 1; rows <= 12; ++rows) {
    for (std::int64_t channels = 1; channels <= 9; ++channels) {
      for (std::int64_t wrap_after : {std::int64_t{0}, std::int64_t{2}, std::int64_t{5}, rows}) {
        const std::int64_t tile_stride = channels + 3;  // a padded scratch row
        std::vector<float> tile(static_cast<std::size_t>(rows * tile_stride));
        for (std::size_t i = 0; i < tile.size(); ++i) tile[i] = static_cast<float>(i) + 0.25f;
        // Rows up to wrap_after sit at 3, 4, ...; the rest jump to a later row of the plane.
        std::vector<std::int64_t> pixel(static_cast<std::size_t>(rows));
        for (std::int64_t r = 0; r < rows; ++r) pixel[r] = r < wrap_after ? 3 + r : 30 + r;
        std::vector<float> planes(static_cast<std::size_t>(channels * plane + 1), -1.0f);
        scatter_tile_to_planes(tile.data(), tile_stride, rows, channels, pixel.data(),
                               planes.data(), plane);
        std::int64_t wrong = 0, written = 0;
        for (std::int64_t c = 0; c < channels; ++c) {
          for (std::int64_t r = 0; r < rows; ++r) {
            wrong += planes[c * plane + pixel[r]] != tile[r * tile_stride + c];
          }
        }
        for (float v : planes) written += v != -1.0f;
        CHECK_MSG(wrong == 0 && written == rows * channels,
                  wrong << " misplaced, " << written << " written; rows " << rows << " channels "
                        << channels << " wrap after " << wrap_after);
      }
    }
  }
}

}  // namespace
}  // namespace sc2d_test
