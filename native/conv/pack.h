// Packs Keras HWIO weights (+ bias) once into the layout the microkernels
// stream through:
//
//   [group][ceil(Fg/NR) blocks][NR bias][kh][kw][Cg][NR]
//
// Each block holds everything one MR x NR tile needs, in exactly the order
// the kernel consumes it (bias first, then tap-major, channel, NR lanes), so
// the kernel reads it front to back. Output channels past Fg in the last block
// are zero (weights and bias), which keeps the kernel free of column tails in
// its inner loop. NR comes from the kernel table the weights are packed for,
// and the table is stored with them so a run always uses a matching kernel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conv/aligned_buffer.h"
#include "kernels/kernel_table.h"

namespace simd_conv2d {

struct WeightDims {
  std::int64_t kernel_h = 0;
  std::int64_t kernel_w = 0;
  std::int64_t cin_per_group = 0;
  std::int64_t filters = 0;  // all groups together
  std::int64_t groups = 1;
};

struct PackedWeights {
  WeightDims dims;
  const KernelTable* kernels = nullptr;
  bool has_bias = false;
  std::int64_t nr = 0;
  std::int64_t taps = 0;               // kh * kw
  std::int64_t filters_per_group = 0;  // Fg
  std::int64_t blocks_per_group = 0;   // ceil(Fg / NR)
  std::int64_t block_stride = 0;       // floats per block: NR + taps * Cg * NR
  AlignedFloats data;

  // Small-group layout (conv/grouped.h), packed instead of the one above when
  // gconv_lanes > 0 (then blocks_per_group, block_stride and data are 0/empty):
  //
  //   gconv_data:      [ceil(filters / L) blocks][L bias][kh][kw][Cg][L]
  //   gconv_lane_maps: [block][gconv_map_stride int32], see GconvTile
  //
  // Block b holds output channels b*L .. b*L + L - 1 across groups; lanes past
  // `filters` are zero.
  std::int64_t gconv_lanes = 0;         // L
  std::int64_t gconv_blocks = 0;        // ceil(filters / L)
  std::int64_t gconv_block_stride = 0;  // floats per block: L + taps * Cg * L
  std::int64_t gconv_map_stride = 0;    // int32 per block lane map
  AlignedFloats gconv_data;
  std::vector<std::int32_t> gconv_lane_maps;

  // Depthwise layout (conv/depthwise.h), packed instead of both above when
  // dw_channels > 0 (then they are 0/empty):
  //
  //   dw_data: [Cp bias][kh][kw][Cp], Cp = dw_channels (C rounded up to the
  //            table's dwconv_lanes), zero past C
  std::int64_t dw_channels = 0;  // Cp
  AlignedFloats dw_data;

  const float* block(std::int64_t group, std::int64_t block_index) const {
    return data.data() + (group * blocks_per_group + block_index) * block_stride;
  }
  const float* gconv_block(std::int64_t b) const {
    return gconv_data.data() + b * gconv_block_stride;
  }
  const std::int32_t* gconv_lane_map(std::int64_t b) const {
    return gconv_lane_maps.data() + b * gconv_map_stride;
  }
};

// Which layout pack_conv2d_weights produces. kAuto applies the routing rules
// of conv/depthwise.h, then conv/grouped.h; the others force a path (tests
// compare them): kGrouped takes the small-group layout wherever its lane
// mapping fits (grouped_layout_fits), whatever the group count and Fg, else
// igemm (never depthwise); kDepthwise takes the depthwise layout wherever
// the table has the kernel and Cg = Fg = 1, else what kAuto picks.
enum class PackPath { kAuto, kIgemm, kGrouped, kDepthwise };

// kernel: kh*kw*Cg*filters floats in Keras order (kh, kw, Cg, filters).
// bias: `filters` floats, or nullptr for no bias (zeros are packed).
// Returns nullptr with *error on invalid dims or lengths. Throws
// std::bad_alloc if the packed copy cannot be allocated.
std::shared_ptr<const PackedWeights> pack_conv2d_weights(const KernelTable& kernels,
                                                         const WeightDims& dims,
                                                         const float* kernel,
                                                         std::int64_t kernel_length,
                                                         const float* bias,
                                                         std::int64_t bias_length,
                                                         std::string* error,
                                                         PackPath path = PackPath::kAuto);

// Packed size in floats for these dims and NR, or -1 if they are invalid or
// the size exceeds ConvLimits::kMaxElements. Sets *error when -1.
std::int64_t packed_weights_size(const WeightDims& dims, std::int64_t nr, std::string* error);

}  // namespace simd_conv2d
