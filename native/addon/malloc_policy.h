// How the process's C allocator treats freed output arrays.
//
// Every apply() returns a fresh output array, allocated by Node with malloc.
// glibc's default policy returns freed heap tops to the kernel (trim) while
// its mmap threshold is still adapting, so in a loop of megabyte-sized calls
// most outputs arrive as unmapped pages and the kernels' stores fault on
// each 4 KiB page; with two threads the faults contend. Measured
// (bench/fresh-output.js, ResNet 1x1 layer L3, 2 threads): 1.69 ms per call
// by default, 0.68 ms with the settings below, 0.60 ms into a reused array.
//
// At load the addon therefore fixes glibc's thresholds at the values its own
// dynamic heuristic converges to for large blocks (mmap threshold 32 MiB, its
// DEFAULT_MMAP_THRESHOLD_MAX; trim threshold twice that), so freed outputs
// are reused in place. The cost: up to 64 MiB of freed heap may stay mapped.
// It is skipped when the user already tunes glibc's malloc (GLIBC_TUNABLES
// with a glibc.malloc entry, or MALLOC_TRIM_THRESHOLD_ /
// MALLOC_MMAP_THRESHOLD_), with SIMD_CONV2D_MALLOC=default, and on non-glibc
// systems.
#pragma once

#include <string>

namespace simd_conv2d_addon {

// Applies the policy once per process. Returns false with *error when
// SIMD_CONV2D_MALLOC holds something other than "retain" or "default".
bool apply_malloc_policy(std::string* error);

// What apply_malloc_policy did: "retain" (thresholds set), "default"
// (opted out), "user" (the user's own malloc settings left alone) or
// "unsupported" (not glibc).
const char* malloc_policy();

}  // namespace simd_conv2d_addon
