#include "parallel/available_cpus.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace simd_conv2d {
namespace {

int affinity_cpus() {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int ceil_ratio(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return 0;
  const long long n = (quota + period - 1) / period;
  return n > kMaxThreads ? kMaxThreads : static_cast<int>(n);
}

int cgroup_v1_cpu_limit() {
  const std::string quota = read_file("/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
  const std::string period = read_file("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  if (quota.empty() || period.empty()) return 0;
  return ceil_ratio(std::atoll(quota.c_str()), std::atoll(period.c_str()));
}

}  // namespace

int cgroup_v2_cpu_limit(const std::string& cpu_max) {
  std::istringstream in(cpu_max);
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max") return 0;
  return ceil_ratio(std::atoll(quota.c_str()), period);
}

int available_cpus() {
  int n = affinity_cpus();
  int quota = cgroup_v2_cpu_limit(read_file("/sys/fs/cgroup/cpu.max"));
  if (quota == 0) quota = cgroup_v1_cpu_limit();
  if (quota > 0 && quota < n) n = quota;
  if (n > kMaxThreads) n = kMaxThreads;
  return n < 1 ? 1 : n;
}

int parse_num_threads(const char* value, std::string* error) {
  if (value == nullptr || *value == '\0') return -1;
  errno = 0;
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || n < 1 || n > kMaxThreads) {
    *error = std::string("simd-conv2d: ") + kNumThreadsEnvVar + "=" + value +
             ": expected an integer from 1 to " + std::to_string(kMaxThreads);
    return 0;
  }
  return static_cast<int>(n);
}

}  // namespace simd_conv2d
