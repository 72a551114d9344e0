#!/usr/bin/env bash
# The C++ tests and the fuzz driver under AddressSanitizer (with LeakSanitizer)
# and UndefinedBehaviorSanitizer.
#
#   scripts/test-sanitizers.sh      # from anywhere; needs cmake, make, g++ (or CXX)
#
# Configures build-asan/ with plain cmake and -DSC2D_SANITIZE=address,undefined
# (so the Node addon is not even configured: CMakeLists.txt refuses the option
# under cmake-js), builds simd_conv2d_tests and simd_conv2d_fuzz only, then
# runs
#   1. the whole C++ suite: every kernel table this CPU runs, plus the
#      SIMDe-emulated AVX-512 one where libsimde-dev is installed;
#   2. the fuzz driver (native/tests/fuzz_conv2d.cc) for SC2D_FUZZ_SECONDS.
#
# Environment:
#   SC2D_SANITIZE_BUILD_DIR    build directory (build-asan)
#   SC2D_SANITIZE              the -fsanitize= list (address,undefined)
#   SC2D_FUZZ_SECONDS          fuzzing time (60)
#   SC2D_FUZZ_SEED             fuzzing seed (default: a fresh one, printed;
#                              replay a failure with its seed or its --replay hex)
#   SC2D_RANDOM_CASES_PERCENT  run only this share (1-100) of the randomized
#                              tests' cases, for slow machines (default: all;
#                              they take about half of the suite's time)
#   ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS  appended to the defaults below
#
# Exit status: 0 when both pass with no sanitizer report, non-zero otherwise
# (any report stops the process: halt_on_error, -fno-sanitize-recover=all).
# The last line is a one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
build_dir=${SC2D_SANITIZE_BUILD_DIR:-build-asan}
sanitize=${SC2D_SANITIZE:-address,undefined}
fuzz_seconds=${SC2D_FUZZ_SECONDS:-60}

# Release (-O2, as shipped; CMakeLists.txt adds -g1 for file:line in reports).
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSC2D_SANITIZE="$sanitize" >/dev/null
if ! cmake --build "$build_dir" --target simd_conv2d_tests simd_conv2d_fuzz -j "$(nproc)"; then
  echo "test-sanitizers: FAILED to build in $build_dir"
  exit 1
fi
built=$(date +%s)

# Defaults first, so that options from the caller's environment win.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:print_stacktrace=1:strict_init_order=1:check_initialization_order=1:detect_odr_violation=2${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"
# The AVX-512 emulation must be there on x86-64 (as in CI), so that the
# AVX-512 kernels' code is checked on machines without AVX-512 too.
if [ "$(uname -m)" = x86_64 ] && [ -f /usr/include/simde/x86/avx512.h ]; then
  export SC2D_REQUIRE_AVX512_EMULATION=1
fi

# Runs a command with its output teed to a log; fails on a non-zero status or
# on any sanitizer report in the log (a report always stops the process, the
# grep is a second line of defence).
status=0
results=()
run_logged() {
  local name=$1
  shift
  local log rc
  log=$(mktemp)
  if "$@" 2>&1 | tee "$log"; then rc=0; else rc=${PIPESTATUS[0]}; fi
  local reports
  reports=$(grep -cE '^(==[0-9]+==ERROR: (Address|Leak)Sanitizer|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer)|runtime error:' "$log" || true)
  rm -f "$log"
  if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
    results+=("$name FAILED (exit $rc, $reports sanitizer report lines)")
    status=1
  else
    results+=("$name passed")
  fi
}

echo "test-sanitizers: C++ tests ($sanitize)"
t0=$(date +%s)
run_logged "tests" "$build_dir/simd_conv2d_tests"
tests_s=$(( $(date +%s) - t0 ))

echo "test-sanitizers: fuzzing for ${fuzz_seconds} s ($sanitize)"
t0=$(date +%s)
fuzz_args=(--seconds "$fuzz_seconds")
[ -n "${SC2D_FUZZ_SEED:-}" ] && fuzz_args+=(--seed "$SC2D_FUZZ_SEED")
run_logged "fuzz" "$build_dir/simd_conv2d_fuzz" "${fuzz_args[@]}"
fuzz_s=$(( $(date +%s) - t0 ))

elapsed=$(( $(date +%s) - start ))
line="build $(( built - start )) s; ${results[0]} in ${tests_s} s; ${results[1]} in ${fuzz_s} s"
if [ "$status" -eq 0 ]; then
  echo "test-sanitizers: PASSED ($sanitize; $line) in ${elapsed} s"
else
  echo "test-sanitizers: FAILED ($sanitize; $line) in ${elapsed} s"
fi
exit "$status"
