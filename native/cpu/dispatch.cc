#include "cpu/dispatch.h"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "cpu/cpu_features.h"
#include "kernels/registry.h"

namespace simd_conv2d {
namespace {

constexpr std::string_view kKnownIsas[] = {"scalar", "avx2", "avx512", "neon"};

std::string joined_available() {
  std::string out;
  for (const std::string& isa : available_isas()) {
    if (!out.empty()) out += ", ";
    out += isa;
  }
  return out;
}

struct Selection {
  const KernelTable* table = nullptr;
  std::string error;
};

const Selection& env_selection() {
  static const Selection selection = [] {
    Selection s;
    s.table = select_kernel_table(std::getenv(kIsaEnvVar), &s.error);
    return s;
  }();
  return selection;
}

// Set by set_active_isa(); null means "as the environment chose".
std::atomic<const KernelTable*> g_override{nullptr};

}  // namespace

const KernelTable* select_kernel_table(const char* isa_override, std::string* error) {
  std::size_t count = 0;
  const KernelTable* const* tables = compiled_kernel_tables(&count);

  if (isa_override == nullptr || *isa_override == '\0') {
    for (std::size_t i = 0; i < count; ++i) {
      if (cpu_supports_isa(tables[i]->isa)) return tables[i];
    }
    *error = "simd-conv2d: no compiled-in kernel table runs on this CPU";
    return nullptr;
  }

  const std::string_view wanted(isa_override);
  const std::string prefix = std::string("simd-conv2d: ") + kIsaEnvVar + "=" + isa_override + ": ";
  bool known = false;
  for (std::string_view isa : kKnownIsas) known = known || isa == wanted;
  if (!known) {
    *error = prefix + "unknown ISA; expected one of scalar, avx2, avx512, neon (available here: " +
             joined_available() + ")";
    return nullptr;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (wanted != tables[i]->isa) continue;
    if (cpu_supports_isa(wanted)) return tables[i];
    *error = prefix + "this CPU does not support that ISA (available here: " +
             joined_available() + ")";
    return nullptr;
  }
  *error = prefix + "that ISA is not compiled into this build (available here: " +
           joined_available() + ")";
  return nullptr;
}

const KernelTable& active_kernel_table() {
  if (const KernelTable* t = g_override.load(std::memory_order_acquire)) return *t;
  const Selection& s = env_selection();
  if (s.table == nullptr) throw std::runtime_error(s.error);
  return *s.table;
}

bool set_active_isa(const char* isa, std::string* error) {
  std::string message;
  const KernelTable* t = select_kernel_table(isa, &message);
  if (t == nullptr) {
    // The selection speaks of the environment variable; name the call instead.
    const std::string env_prefix =
        std::string("simd-conv2d: ") + kIsaEnvVar + "=" + (isa ? isa : "") + ": ";
    const std::string reason =
        message.rfind(env_prefix, 0) == 0 ? message.substr(env_prefix.size()) : message;
    *error = std::string("simd-conv2d: setIsa('") + (isa ? isa : "") + "'): " + reason;
    return false;
  }
  g_override.store(t, std::memory_order_release);
  return true;
}

const char* active_isa() { return active_kernel_table().isa; }

std::vector<std::string> available_isas() {
  std::size_t count = 0;
  const KernelTable* const* tables = compiled_kernel_tables(&count);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    if (cpu_supports_isa(tables[i]->isa)) out.emplace_back(tables[i]->isa);
  }
  return out;
}

}  // namespace simd_conv2d
