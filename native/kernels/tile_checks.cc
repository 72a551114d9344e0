#include "kernels/tile_checks.h"

#include "common/check.h"

namespace simd_conv2d {

void check_conv_tile(const ConvTile& tile, std::int64_t mr, std::int64_t nr) {
  SC2D_CHECK(tile.rows >= 1 && tile.rows <= mr);
  SC2D_CHECK(tile.cols >= 1 && tile.cols <= nr);
  SC2D_CHECK(tile.more_blocks >= 0 && (tile.more_blocks == 0 || tile.block_stride >= nr));
  SC2D_CHECK(tile.taps >= 0 && tile.channels >= 1);
  SC2D_CHECK(tile.bias != nullptr && tile.output != nullptr);
  SC2D_CHECK(tile.taps == 0 || (tile.input != nullptr && tile.input_rows != nullptr &&
                                tile.input_taps != nullptr && tile.tap_offsets != nullptr &&
                                tile.weights != nullptr));
}

void check_gconv_tile(const GconvTile& tile, std::int64_t mr, std::int64_t lanes,
                      std::int64_t window) {
  SC2D_CHECK(tile.rows >= 1 && tile.rows <= mr);
  SC2D_CHECK(tile.lanes >= 1 && tile.lanes <= lanes);
  SC2D_CHECK(tile.taps >= 0 && tile.steps >= 1);
  SC2D_CHECK(tile.bias != nullptr && tile.output != nullptr && tile.output_rows != nullptr &&
             tile.lane_map != nullptr);
  SC2D_CHECK(tile.taps == 0 || (tile.input != nullptr && tile.input_rows != nullptr &&
                                tile.input_taps != nullptr && tile.tap_offsets != nullptr &&
                                tile.weights != nullptr));
  const std::int32_t mode = tile.lane_map[0];
  const std::int32_t width = tile.lane_map[1];
  SC2D_CHECK(mode >= kGconvIdentity && mode <= kGconvTwoWindows && width >= 1 && width <= window);
  // Two windows are only ever packed when the layer has at least 2V channels.
  SC2D_CHECK(!(width < window && mode == kGconvTwoWindows));
}

void check_dwconv_run(const DwconvRun& run, std::int64_t lanes) {
  SC2D_CHECK(run.pixels >= 1 && run.channels >= 1 && run.rows >= 0 && run.row_taps >= 0);
  SC2D_CHECK(run.padded_channels >= run.channels && run.padded_channels % lanes == 0);
  SC2D_CHECK(run.bias != nullptr && run.output != nullptr);
  // Kernels form each row's input pointer before its tap loop, so a run
  // whose rows have no valid tap must list no rows.
  SC2D_CHECK(run.rows == 0 || (run.row_taps > 0 && run.input != nullptr &&
                               run.weight_offsets != nullptr && run.weights != nullptr));
}

}  // namespace simd_conv2d
