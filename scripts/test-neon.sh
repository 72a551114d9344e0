#!/usr/bin/env bash
# Cross-builds the native core and the C++ tests for AArch64 (so the NEON
# kernels are compiled in) and runs the tests under qemu-user: once with the
# default table (neon) and once with SIMD_CONV2D_ISA=scalar.
#
#   scripts/test-neon.sh            # from anywhere; needs Debian/Ubuntu (apt) or the tools below
#
# Tools: aarch64-linux-gnu-g++ (apt: g++-aarch64-linux-gnu), qemu-aarch64
# (apt: qemu-user), cmake; each is installed with apt only when missing.
# Build directory: build-aarch64/ (override with SC2D_NEON_BUILD_DIR).
# Exit status: 0 when both runs pass, non-zero otherwise; the last line is a
# one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
build_dir=${SC2D_NEON_BUILD_DIR:-build-aarch64}
sysroot=/usr/aarch64-linux-gnu

need=()
command -v aarch64-linux-gnu-g++ >/dev/null || need+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null || need+=(qemu-user)
command -v cmake >/dev/null || need+=(cmake)
command -v make >/dev/null || need+=(make)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-neon: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static)

# Plain cmake (no cmake-js): CMakeLists.txt builds the core and the tests and
# skips the Node addon when CMAKE_JS_VERSION is unset.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/aarch64-linux-gnu.cmake" >/dev/null
test_bin="$build_dir/simd_conv2d_tests"
if ! cmake --build "$build_dir" --target simd_conv2d_tests -j "$(nproc)"; then
  echo "test-neon: FAILED to build $test_bin"
  exit 1
fi

status=0
results=()
for isa in "" scalar; do
  label=${isa:-default}
  echo "test-neon: running the C++ tests under $(basename "$qemu") (SIMD_CONV2D_ISA=${isa:-unset})"
  log=$(mktemp)
  if SIMD_CONV2D_ISA=$isa "$qemu" -L "$sysroot" "$test_bin" 2>&1 | tee "$log"; then
    rc=0
  else
    rc=${PIPESTATUS[0]}
  fi
  passed=$(grep -E '^[0-9]+ of [0-9]+ tests passed' "$log" | tail -1 || true)
  # The NEON tile tests register only when SIMD_CONV2D_HAVE_NEON is defined:
  # make sure they ran, so a build without the kernel cannot pass.
  if ! grep -q '^\[ ok \] neon_tile_bitwise_contract' "$log"; then
    passed="${passed:+$passed, }NEON tile tests missing"
    rc=1
  fi
  rm -f "$log"
  results+=("$label: ${passed:-no summary (exit $rc)}")
  [ "$rc" -eq 0 ] || status=1
done

elapsed=$(( $(date +%s) - start ))
if [ "$status" -eq 0 ]; then
  echo "test-neon: PASSED (aarch64 under qemu; ${results[0]}; ${results[1]}) in ${elapsed} s"
else
  echo "test-neon: FAILED (aarch64 under qemu; ${results[0]}; ${results[1]}) in ${elapsed} s"
fi
exit "$status"
