#!/usr/bin/env bash
# The fuzz entry (native/tests/fuzz_conv2d.cc) under libFuzzer: coverage-guided
# mutation instead of simd_conv2d_fuzz's random strings, with ASan + UBSan.
# Optional; CI runs the plain driver (scripts/test-sanitizers.sh).
#
#   scripts/fuzz-libfuzzer.sh [libFuzzer flags]   # default -max_total_time=60
#   scripts/fuzz-libfuzzer.sh -max_total_time=600 -jobs=2 -workers=2
#
# Needs clang++ and its libFuzzer runtime: on Debian 12 `apt-get install
# clang` (clang 14; the runtime comes with libclang-rt-14-dev), installed
# here when missing. Without libomp-dev, CMake finds no OpenMP for clang and
# this build runs single-threaded; the plain driver covers the threads.
#
# Builds build-libfuzzer/ (plain cmake, CXX=clang++, -DSC2D_LIBFUZZER=ON,
# -DSC2D_SANITIZE=address,undefined) and runs simd_conv2d_libfuzzer on the
# corpus build-libfuzzer/corpus/, kept between runs. A failing input is
# written to build-libfuzzer/crash-<sha1>; replay it with
#   build-libfuzzer/simd_conv2d_libfuzzer build-libfuzzer/crash-<sha1>
# or, with any build of the plain driver,
#   simd_conv2d_fuzz --replay "$(od -An -v -tx1 build-libfuzzer/crash-<sha1> | tr -d ' \n')"
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${SC2D_LIBFUZZER_BUILD_DIR:-build-libfuzzer}

if ! command -v clang++ >/dev/null; then
  echo "fuzz-libfuzzer: installing clang"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang
fi

CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSC2D_LIBFUZZER=ON \
  -DSC2D_SANITIZE=address,undefined >/dev/null
cmake --build "$build_dir" --target simd_conv2d_libfuzzer -j "$(nproc)"

mkdir -p "$build_dir/corpus"
flags=("$@")
[ ${#flags[@]} -eq 0 ] && flags=(-max_total_time=60)
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# Inputs past ~40 bytes only reseed the values (fuzz_conv2d.cc).
exec "$build_dir/simd_conv2d_libfuzzer" -max_len=64 -artifact_prefix="$build_dir/" "${flags[@]}" \
  "$build_dir/corpus"
