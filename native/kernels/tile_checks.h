// The preconditions of the kernel_table.h contracts, checked by every kernel
// on entry (XNNPACK-style: a kernel trusts nothing the driver hands it). One
// definition per contract, in baseline code: the ISA kernel files call these
// rather than each carrying a copy, and since they are out-of-line functions
// built without ISA flags, no ISA-specific copy of them can be shared across
// translation units (scripts/check-isa-leaks.sh).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

// A ConvTile for a kernel of MR rows and NR output channels per block.
void check_conv_tile(const ConvTile& tile, std::int64_t mr, std::int64_t nr);

// A GconvTile for a kernel of MR rows, `lanes` lanes per block and windows
// of `window` floats, including its lane map's mode and width.
void check_gconv_tile(const GconvTile& tile, std::int64_t mr, std::int64_t lanes,
                      std::int64_t window);

// A DwconvRun for a kernel whose channel padding is a multiple of `lanes`.
void check_dwconv_run(const DwconvRun& run, std::int64_t lanes);

}  // namespace simd_conv2d
