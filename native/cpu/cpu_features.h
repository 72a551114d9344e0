// What the running CPU (and OS) can execute.
#pragma once

#include <string_view>

namespace simd_conv2d {

// True when the running CPU supports the named ISA family with OS state
// enabled: "scalar" always; "avx2" needs AVX2+FMA; "avx512" needs
// AVX-512 F/BW/DQ/VL; "neon" needs AArch64. Unknown names are false.
bool cpu_supports_isa(std::string_view isa);

}  // namespace simd_conv2d
