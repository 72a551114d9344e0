// A very small test harness: TEST_CASE registers a function, CHECK records a
// failure and carries on, so one run reports every broken case.
#pragma once

#include <sstream>
#include <string>

namespace sc2d_test {

using TestFn = void (*)();

struct Registrar {
  Registrar(const char* name, TestFn fn);
};

// Records a failure for the running test; prints the first few in full.
void report_failure(const char* file, int line, const char* expr, const std::string& detail);

// How many of a randomized test's `full` cases to run: all, unless
// SC2D_RANDOM_CASES_PERCENT (1-100) asks for fewer, for slow machines and
// instrumented builds (those tests take about half of the suite's time).
// The cases run are the first of the same sequence, at least one.
int random_case_count(int full);

}  // namespace sc2d_test

#define SC2D_TEST_CONCAT2(a, b) a##b
#define SC2D_TEST_CONCAT(a, b) SC2D_TEST_CONCAT2(a, b)

#define TEST_CASE(name)                                                      \
  static void name();                                                        \
  static ::sc2d_test::Registrar SC2D_TEST_CONCAT(name, _registrar)(#name, name); \
  static void name()

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) ::sc2d_test::report_failure(__FILE__, __LINE__, #cond, "");     \
  } while (0)

// detail is a stream expression: CHECK_MSG(a == b, "a=" << a << " b=" << b)
#define CHECK_MSG(cond, detail)                                                  \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::ostringstream sc2d_detail_stream;                                     \
      sc2d_detail_stream << detail;                                              \
      ::sc2d_test::report_failure(__FILE__, __LINE__, #cond, sc2d_detail_stream.str()); \
    }                                                                            \
  } while (0)
