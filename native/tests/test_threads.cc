// The default thread count: SIMD_CONV2D_NUM_THREADS parsing and the cgroup
// CPU quota, which containers use to cap a process below the machine's cores.
#include <string>

#include "parallel/available_cpus.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

TEST_CASE(cgroup_v2_quota) {
  CHECK(cgroup_v2_cpu_limit("max 100000\n") == 0);
  CHECK(cgroup_v2_cpu_limit("200000 100000\n") == 2);
  CHECK(cgroup_v2_cpu_limit("150000 100000") == 2);  // 1.5 cores: round up
  CHECK(cgroup_v2_cpu_limit("50000 100000") == 1);
  CHECK(cgroup_v2_cpu_limit("") == 0);
  CHECK(cgroup_v2_cpu_limit("garbage") == 0);
  CHECK(cgroup_v2_cpu_limit("100000000000 1") == kMaxThreads);
}

TEST_CASE(num_threads_env_parsing) {
  std::string error;
  CHECK(parse_num_threads(nullptr, &error) == -1);
  CHECK(parse_num_threads("", &error) == -1);
  CHECK(parse_num_threads("1", &error) == 1 && error.empty());
  CHECK(parse_num_threads("16", &error) == 16 && error.empty());
  for (const char* bad : {"0", "-2", "abc", "2x", "1.5", "1025", "99999999999999999999"}) {
    error.clear();
    CHECK_MSG(parse_num_threads(bad, &error) == 0, bad);
    CHECK_MSG(error.find("SIMD_CONV2D_NUM_THREADS=") != std::string::npos, error);
  }
}

TEST_CASE(available_cpus_is_positive) {
  const int n = available_cpus();
  CHECK(n >= 1 && n <= kMaxThreads);
}

}  // namespace
}  // namespace sc2d_test
