#include "addon/malloc_policy.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace simd_conv2d_addon {
namespace {

constexpr const char* kEnvVar = "SIMD_CONV2D_MALLOC";
constexpr int kMmapThreshold = 32 << 20;  // glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
constexpr int kTrimThreshold = 2 * kMmapThreshold;

const char* g_policy = "unsupported";

#if defined(__GLIBC__)
bool user_tunes_malloc() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  return (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) ||
         std::getenv("MALLOC_TRIM_THRESHOLD_") != nullptr ||
         std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr;
}
#endif

}  // namespace

bool apply_malloc_policy(std::string* error) {
  const char* setting = std::getenv(kEnvVar);
  const bool opted_out = setting != nullptr && std::strcmp(setting, "default") == 0;
  if (setting != nullptr && *setting != '\0' && !opted_out && std::strcmp(setting, "retain") != 0) {
    *error = std::string(kEnvVar) + " must be 'retain' or 'default', received '" + setting + "'";
    return false;
  }
  static std::once_flag once;
  std::call_once(once, [opted_out] {
#if defined(__GLIBC__)
    if (opted_out) {
      g_policy = "default";
    } else if (user_tunes_malloc()) {
      g_policy = "user";
    } else if (mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 &&
               mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1) {
      g_policy = "retain";
    } else {
      g_policy = "default";
    }
#else
    (void)opted_out;
#endif
  });
  return true;
}

const char* malloc_policy() { return g_policy; }

}  // namespace simd_conv2d_addon
