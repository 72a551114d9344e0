// The plain driver of the fuzz entry (fuzz_conv2d.cc), for builds without
// libFuzzer: random byte strings from a seed, for a number of cases or
// seconds; counts of valid and invalid cases; the failing input as hex.
//
//   simd_conv2d_fuzz [--seconds S] [--iterations N] [--seed N] [--verbose]
//   simd_conv2d_fuzz --replay HEX     (one case, described before it runs)
//
// SC2D_FUZZ_SECONDS, SC2D_FUZZ_ITERATIONS and SC2D_FUZZ_SEED set the same
// (arguments win). Without a bound it runs 10 s; without a seed it draws one.
// Either way it prints the seed, so a run can be repeated. Exit status: 0
// when every case passed, 1 when one failed (its description and hex are
// printed), 2 on bad arguments. On a crash or a sanitizer report the hex of
// the running case is printed before the process dies.
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz_conv2d.h"

#if SC2D_SANITIZED
#include <sanitizer/common_interface_defs.h>

// GCC links UBSan as a runtime of its own (libubsan), whose death callbacks
// are not the ones __sanitizer_set_death_callback sets next to ASan; an abort
// after its report reaches the SIGABRT handler below instead.
extern "C" __attribute__((visibility("default"))) const char* __ubsan_default_options() {
  return "abort_on_error=1:print_stacktrace=1";
}
#endif

namespace {

using sc2d_test::FuzzOutcome;
using sc2d_test::FuzzResult;

// Cases read at most ~36 bytes of choices; the rest seeds the values.
constexpr std::size_t kMaxLength = 48;

// The running case's hex, kept ready so that a dying process can print it
// without allocating (room for a libFuzzer input too); g_cases_done once the
// loop is over (a leak report comes at exit, after the last case).
char g_running_hex[2 * 256 + 1];
bool g_cases_done = false;
const char* g_program = "simd_conv2d_fuzz";

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

bool from_hex(const char* text, std::vector<std::uint8_t>* bytes) {
  auto digit = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  const std::size_t n = std::strlen(text);
  if (n % 2 != 0) return false;
  bytes->clear();
  for (std::size_t i = 0; i < n; i += 2) {
    const int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    bytes->push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return true;
}

void print_running_case() {
  // stdio in a dying process: best effort, the process is lost either way.
  if (g_cases_done) {
    std::fprintf(stderr, "simd_conv2d_fuzz: died after the last case (at exit)\n");
  } else {
    std::fprintf(stderr, "simd_conv2d_fuzz: died in the case replayed by: %s --replay %s\n",
                 g_program, g_running_hex[0] ? g_running_hex : "\"\"");
  }
  std::fflush(stderr);
}

extern "C" void on_fatal_signal(int sig) {
  print_running_case();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_crash_report() {
#if SC2D_SANITIZED
  // The sanitizer owns SIGSEGV and friends and calls this before it exits.
  __sanitizer_set_death_callback(print_running_case);
#else
  for (int sig : {SIGSEGV, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
#endif
  std::signal(SIGABRT, on_fatal_signal);  // SC2D_CHECK, std::terminate, UBSan
}

bool parse_number(const char* text, double* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (*end != '\0' || !(v >= 0)) return false;
  *out = v;
  return true;
}

bool parse_integer(const char* text, std::uint64_t* out) {
  if (text == nullptr || *text < '0' || *text > '9') return false;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (*end != '\0') return false;
  *out = v;
  return true;
}

int usage() {
  std::fprintf(stderr,
               "usage: %s [--seconds S] [--iterations N] [--seed N] [--verbose]\n"
               "       %s --replay HEX\n",
               g_program, g_program);
  return 2;
}

int replay(const char* hex) {
  std::vector<std::uint8_t> bytes;
  if (!from_hex(hex, &bytes)) {
    std::fprintf(stderr, "%s: --replay takes hex digits, two per byte\n", g_program);
    return 2;
  }
  std::snprintf(g_running_hex, sizeof g_running_hex, "%s", to_hex(bytes).c_str());
  sc2d_test::announce_fuzz_cases(true);
  const FuzzResult r = sc2d_test::run_fuzz_case(bytes.data(), bytes.size());
  g_cases_done = true;
  const char* outcome = r.outcome == FuzzOutcome::kValid      ? "valid, passed"
                        : r.outcome == FuzzOutcome::kRejected ? "invalid, refused as it should be"
                                                              : "FAILED";
  std::printf("%s: %s\n", g_program, outcome);
  return r.outcome == FuzzOutcome::kFailed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  g_program = argv[0];
  double seconds = -1;
  std::uint64_t iterations = 0, seed = 0;
  bool bounded_count = false, seeded = false, verbose = false;
  const char* replay_hex = nullptr;
  if (!parse_number(std::getenv("SC2D_FUZZ_SECONDS"), &seconds)) seconds = -1;
  bounded_count = parse_integer(std::getenv("SC2D_FUZZ_ITERATIONS"), &iterations);
  seeded = parse_integer(std::getenv("SC2D_FUZZ_SEED"), &seed);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--replay" && value != nullptr) {
      replay_hex = value, ++i;
    } else if (arg == "--seconds" && parse_number(value, &seconds)) {
      ++i;
    } else if (arg == "--iterations" && parse_integer(value, &iterations)) {
      bounded_count = true, ++i;
    } else if (arg == "--seed" && parse_integer(value, &seed)) {
      seeded = true, ++i;
    } else {
      return usage();
    }
  }
  install_crash_report();
  if (replay_hex != nullptr) return replay(replay_hex);
  sc2d_test::announce_fuzz_cases(verbose);

  if (seconds < 0 && !bounded_count) seconds = 10;
  if (!seeded) seed = std::random_device{}() % 1000000000u;
  char seconds_text[32] = "";
  if (seconds >= 0) std::snprintf(seconds_text, sizeof seconds_text, "%g s", seconds);
  std::string bound = seconds_text;
  if (bounded_count) bound += (bound.empty() ? "" : " or ") + std::to_string(iterations) + " cases";
  std::printf("%s: seed %llu, up to %s; tables %s\n", g_program,
              static_cast<unsigned long long>(seed), bound.c_str(),
              sc2d_test::fuzz_table_names().c_str());
  std::fflush(stdout);

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> bytes;
  long long counts[2] = {0, 0};  // valid, rejected
  double time_in[2] = {0, 0};
  for (std::uint64_t n = 0;; ++n) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if ((seconds >= 0 && elapsed >= seconds) || (bounded_count && n >= iterations)) break;
    // Mostly long enough to set every choice (about 32 bytes); 1 in 8 of
    // any length, whose missing choices take their plainest option.
    const std::size_t length = rng() % 8 == 0 ? rng() % (kMaxLength + 1) : 32 + rng() % (kMaxLength - 31);
    bytes.resize(length);
    for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(rng());
    const std::string hex = to_hex(bytes);
    std::memcpy(g_running_hex, hex.c_str(), hex.size() + 1);

    if (verbose) std::printf("  %llu: --replay %s\n", static_cast<unsigned long long>(n), hex.c_str());
    const auto t0 = Clock::now();
    const FuzzResult r = sc2d_test::run_fuzz_case(bytes.data(), bytes.size());
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r.outcome == FuzzOutcome::kFailed) {
      std::printf("%s: case %llu of seed %llu FAILED: %s\n  replay: %s --replay %s\n", g_program,
                  static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(seed), r.description.c_str(), g_program,
                  hex.c_str());
      return 1;
    }
    const int k = r.outcome == FuzzOutcome::kValid ? 0 : 1;
    ++counts[k];
    time_in[k] += dt;
  }
  g_cases_done = true;
  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  auto rate = [&](int k) { return time_in[k] > 0 ? counts[k] / time_in[k] : 0.0; };
  std::printf("%s: PASSED %lld cases in %.1f s: %lld valid (%.0f/s), %lld invalid and refused "
              "(%.0f/s); seed %llu\n",
              g_program, counts[0] + counts[1], total, counts[0], rate(0), counts[1], rate(1),
              static_cast<unsigned long long>(seed));
  return 0;
}
