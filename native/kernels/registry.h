// The one list of kernel tables compiled into this build.
#pragma once

#include <cstddef>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

// Compiled-in tables, best first. The scalar table is always present and last.
// Whether the running CPU can execute a table is decided in cpu/, not here.
const KernelTable* const* compiled_kernel_tables(std::size_t* count);

}  // namespace simd_conv2d
