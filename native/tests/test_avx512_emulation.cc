// The AVX-512 kernel's emulated table (tests/emulated/) is present where CI
// expects it, and is the registry's AVX-512 table but for the kernel functions.
//
// Without SIMDe the test binary still builds and the other tests skip the
// AVX-512 kernel with a note; CI sets SC2D_REQUIRE_AVX512_EMULATION=1 so
// that a runner without libsimde-dev fails here instead of passing quietly.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cpu/cpu_features.h"
#include "kernels/registry.h"
#include "tests/check.h"
#include "tests/conv_harness.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

bool emulation_required() {
  const char* v = std::getenv("SC2D_REQUIRE_AVX512_EMULATION");
  return v != nullptr && std::string(v) == "1";
}

TEST_CASE(avx512_emulation_present) {
  const KernelTable* emulated = avx512_emulated_table();
  if (emulated == nullptr) {
    CHECK_MSG(!emulation_required(),
              "SC2D_REQUIRE_AVX512_EMULATION=1 but this test binary was built without SIMDe "
              "(apt-get install libsimde-dev, then rebuild)");
    std::printf("    note: built without SIMDe; the AVX-512 kernel is only tested on AVX-512 CPUs\n");
    return;
  }
  CHECK(std::string(emulated->isa) == "avx512-emulated");
  std::size_t count = 0;
  const KernelTable* const* tables = compiled_kernel_tables(&count);
  const KernelTable* real = nullptr;
  for (std::size_t i = 0; i < count; ++i) {
    if (std::string(tables[i]->isa) == "avx512") real = tables[i];
  }
  CHECK(real != nullptr);
  if (real != nullptr) {
    CHECK(emulated->mr == real->mr && emulated->nr == real->nr);
    CHECK(emulated->conv_f32_nhwc != real->conv_f32_nhwc);
    CHECK(emulated->gconv_f32_nhwc != real->gconv_f32_nhwc);
    CHECK(emulated->gconv_mr == real->gconv_mr && emulated->gconv_lanes == real->gconv_lanes &&
          emulated->gconv_window == real->gconv_window);
  }
  bool listed = false;
  for (const KernelTable* t : runnable_tables()) listed = listed || t == emulated;
  CHECK_MSG(listed == cpu_supports_isa("avx2"), "runnable_tables() lists the emulated table "
                                                "exactly where AVX2 + FMA is available");
  CHECK_MSG(listed || !emulation_required(), "SC2D_REQUIRE_AVX512_EMULATION=1 on a CPU without AVX2");
}

}  // namespace
}  // namespace sc2d_test
