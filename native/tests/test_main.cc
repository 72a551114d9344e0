#include <chrono>
#include <cstdio>
#include <cstdlib>
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

// SC2D_RANDOM_CASES_PERCENT, 100 when unset; -1 when invalid.
int random_cases_percent() {
  static const int percent = [] {
    const char* s = std::getenv("SC2D_RANDOM_CASES_PERCENT");
    if (s == nullptr || *s == '\0') return 100;
    char* end = nullptr;
    const long v = std::strtol(s, &end, 10);
    return *end == '\0' && v >= 1 && v <= 100 ? static_cast<int>(v) : -1;
  }();
  return percent;
}

}  // namespace

int random_case_count(int full) {
  const long n = static_cast<long>(full) * random_cases_percent() / 100;
  return n < 1 ? 1 : static_cast<int>(n);
}

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
  if (random_cases_percent() < 0) {
    std::printf("SC2D_RANDOM_CASES_PERCENT must be an integer in [1, 100]\n");
    return 2;
  }
  if (random_cases_percent() < 100) {
    std::printf("note: randomized tests run %d%% of their cases (SC2D_RANDOM_CASES_PERCENT)\n",
                random_cases_percent());
  }
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
