// ISA selection and the SIMD_CONV2D_ISA override.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cpu/dispatch.h"
#include "parallel/parallel_for.h"
#include "tests/check.h"

namespace sc2d_test {
namespace {

using namespace simd_conv2d;

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

TEST_CASE(dispatch_defaults_to_a_supported_table) {
  std::string error;
  const KernelTable* t = select_kernel_table(nullptr, &error);
  CHECK_MSG(t != nullptr, error);
  const KernelTable* empty = select_kernel_table("", &error);
  CHECK(empty == t);
  const auto isas = available_isas();
  CHECK(!isas.empty() && isas.back() == "scalar");
  CHECK(t != nullptr && t->mr >= 1 && t->nr >= 1 && t->conv_f32_nhwc != nullptr);
}

TEST_CASE(dispatch_override) {
  std::string error;
  const KernelTable* scalar = select_kernel_table("scalar", &error);
  CHECK(scalar != nullptr && std::string(scalar->isa) == "scalar");

  error.clear();
  CHECK(select_kernel_table("sse9", &error) == nullptr);
  CHECK_MSG(contains(error, "SIMD_CONV2D_ISA=sse9") && contains(error, "unknown ISA") &&
                contains(error, "available here: ") && contains(error, "scalar)"),
            error);

  // Known names that this build or CPU cannot run are errors, never fallbacks.
  for (const char* isa : {"avx2", "avx512", "neon"}) {
    error.clear();
    const KernelTable* t = select_kernel_table(isa, &error);
    bool listed = false;
    for (const std::string& a : available_isas()) listed = listed || a == isa;
    if (listed) {
      CHECK(t != nullptr && std::string(t->isa) == isa);
    } else {
      CHECK(t == nullptr);
      CHECK_MSG(contains(error, (std::string("SIMD_CONV2D_ISA=") + isa).c_str()) &&
                    contains(error, "available here:"),
                error);
    }
  }
}

TEST_CASE(parallel_for_covers_each_index_once) {
  const int saved = get_num_threads();
  for (int threads : {1, 2, 4}) {
    set_num_threads(threads);
    for (std::int64_t count : {0, 1, 3, 17, 1000}) {
      std::vector<int> hits(static_cast<size_t>(count), 0);
      parallel_for(count, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) ++hits[static_cast<size_t>(i)];
      });
      bool once = true;
      for (int h : hits) once = once && h == 1;
      CHECK_MSG(once, "threads " << threads << " count " << count);
    }
  }
  // A thread slowed inside its home share: its partners take what it has
  // not started, and still every index runs exactly once.
  for (int threads : {2, 3}) {
    set_num_threads(threads);
    std::vector<std::atomic<int>> hits(64);
    parallel_for(64, [&](std::int64_t b, std::int64_t e) {
      if (b == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      for (std::int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
    });
    bool once = true;
    for (const auto& h : hits) once = once && h.load() == 1;
    CHECK_MSG(once, "slowed home share, threads " << threads);
  }
  // Several callers at once (async calls run on libuv's pool threads).
  {
    set_num_threads(2);
    std::vector<std::atomic<int>> hits(4 * 500);
    std::vector<std::thread> callers;
    for (int c = 0; c < 4; ++c) {
      callers.emplace_back([&hits, c] {
        parallel_for(500, [&](std::int64_t b, std::int64_t e) {
          for (std::int64_t i = b; i < e; ++i) hits[static_cast<size_t>(c * 500 + i)].fetch_add(1);
        });
      });
    }
    for (auto& t : callers) t.join();
    bool once = true;
    for (const auto& h : hits) once = once && h.load() == 1;
    CHECK_MSG(once, "concurrent callers");
  }
  set_num_threads(2);
  bool threw = false;
  try {
    parallel_for(100, [](std::int64_t b, std::int64_t) {
      if (b >= 0) throw std::runtime_error("boom");
    });
  } catch (const std::runtime_error& e) {
    threw = std::string(e.what()) == "boom";
  }
  CHECK(threw);
  set_num_threads(saved);
}

}  // namespace
}  // namespace sc2d_test
