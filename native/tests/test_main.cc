#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/check.h"

namespace sc2d_test {
namespace {

struct Entry {
  const char* name;
  TestFn fn;
};

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

int g_failures_in_test = 0;
constexpr int kPrintedFailuresPerTest = 10;

}  // namespace

Registrar::Registrar(const char* name, TestFn fn) { registry().push_back({name, fn}); }

void report_failure(const char* file, int line, const char* expr, const std::string& detail) {
  if (g_failures_in_test < kPrintedFailuresPerTest) {
    std::printf("    FAILED %s:%d: %s%s%s\n", file, line, expr, detail.empty() ? "" : "\n      ",
                detail.c_str());
  } else if (g_failures_in_test == kPrintedFailuresPerTest) {
    std::printf("    (further failures in this test not printed)\n");
  }
  ++g_failures_in_test;
}

}  // namespace sc2d_test

int main(int argc, char** argv) {
  using namespace sc2d_test;
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int failed_tests = 0;
  int run = 0;
  for (const Entry& entry : registry()) {
    if (filter != nullptr && std::string(entry.name).find(filter) == std::string::npos) continue;
    g_failures_in_test = 0;
    const auto t0 = std::chrono::steady_clock::now();
    entry.fn();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ++run;
    if (g_failures_in_test > 0) ++failed_tests;
    std::printf("[%s] %s (%.0f ms%s)\n", g_failures_in_test ? "FAIL" : " ok ", entry.name, ms,
                g_failures_in_test ? (", " + std::to_string(g_failures_in_test) + " failures").c_str()
                                   : "");
  }
  std::printf("%d of %d tests passed\n", run - failed_tests, run);
  return failed_tests == 0 && run > 0 ? 0 : 1;
}
