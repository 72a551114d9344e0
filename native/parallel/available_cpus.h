// How many cores this process may actually use, for the default thread count.
//
// Counting the machine's cores oversubscribes containers and pinned
// processes: the default is the smaller of the CPU affinity mask and the
// cgroup CPU quota (cgroup v2 cpu.max, else v1 cfs quota/period), rounded up.
#pragma once

#include <string>

namespace simd_conv2d {

inline constexpr const char* kNumThreadsEnvVar = "SIMD_CONV2D_NUM_THREADS";
inline constexpr int kMaxThreads = 1024;

// Cores usable by this process (>= 1).
int available_cpus();

// CPU quota of a cgroup from the text of cgroup v2 `cpu.max` ("max 100000" or
// "150000 100000"): ceil(quota / period), or 0 when unlimited or unreadable.
int cgroup_v2_cpu_limit(const std::string& cpu_max);

// Parses a SIMD_CONV2D_NUM_THREADS value: an integer in [1, kMaxThreads].
// Returns 0 and sets *error when invalid; -1 when the value is empty/unset.
int parse_num_threads(const char* value, std::string* error);

}  // namespace simd_conv2d
