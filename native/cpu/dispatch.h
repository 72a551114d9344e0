// Chooses the kernel table once per process.
//
// The environment variable SIMD_CONV2D_ISA (scalar | avx2 | avx512 | neon)
// forces a path, so tests and CI can run every compiled path on one machine.
// Forcing a path that is not compiled in or that this CPU cannot run is an
// error, never a silent fallback.
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel_table.h"

namespace simd_conv2d {

inline constexpr const char* kIsaEnvVar = "SIMD_CONV2D_ISA";

// The choice for a given override value (nullptr or "" means automatic: the
// best compiled-in table this CPU supports). Returns nullptr and sets *error
// when the override cannot be honoured. Does not read the environment.
const KernelTable* select_kernel_table(const char* isa_override, std::string* error);

// The process-wide table, chosen on first call from SIMD_CONV2D_ISA.
// Throws std::runtime_error with the selection message if the override is
// invalid (on every call, so the failure is never hidden).
const KernelTable& active_kernel_table();

// Makes `isa` (automatic when null or "") the active table for weights packed
// from now on (packed weights keep the table they were packed for). Returns
// false with *error when this build or CPU cannot run it. Thread-safe.
bool set_active_isa(const char* isa, std::string* error);

// Name of the active table's ISA; throws like active_kernel_table().
const char* active_isa();

// ISAs compiled into this build that the running CPU supports, best first.
std::vector<std::string> available_isas();

}  // namespace simd_conv2d
