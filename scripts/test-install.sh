#!/usr/bin/env bash
# The package as a user installs it: npm pack, then `npm install <tarball>
# --ignore-scripts` into an empty project with no C++ compiler reachable, so
# only the prebuilt binary can work. Then, against that installed copy: the
# seed example, the CLI's `info` (must say "prebuilt"), and the jest suites
# that use only the public API (test/installed.jest.config.js). Also installs
# it once with --build-from-source (compilers back on PATH) and checks that the
# loaded module is that build. Needs prebuilds/ (npm run prebuild). Holds the
# tarball under 5 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ls prebuilds/linux-x64/*.node >/dev/null || { echo "test-install: no prebuilds (npm run prebuild)"; exit 1; }

npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/simd-conv2d-*.tgz)
size=$(stat -c %s "$tarball")
echo "test-install: $(basename "$tarball"): $((size / 1024)) KiB"
if [ "$size" -ge $((5 * 1024 * 1024)) ]; then
  echo "test-install: FAIL the tarball is over 5 MB"
  exit 1
fi
for f in prebuilds/linux-x64/libgomp.so.1 prebuilds/linux-arm64/libgomp.so.1 binding.gyp CMakeLists.txt native/conv/conv2d.cc dist/index.js bin/simd-conv2d.js; do
  tar tzf "$tarball" "package/$f" >/dev/null 2>&1 || { echo "test-install: FAIL the tarball lacks $f"; exit 1; }
done

# No compiler: every name node-gyp or a build would reach for fails loudly.
fake="$work/no-compiler"
mkdir -p "$fake"
for tool in cc c++ gcc g++ clang clang++ make cmake; do
  printf '#!/bin/sh\necho "test-install: %s was called, but this install must not compile" >&2\nexit 127\n' "$tool" > "$fake/$tool"
  chmod +x "$fake/$tool"
done
export PATH="$fake:$PATH"

project="$work/project"
mkdir -p "$project"
(cd "$project" && npm init -y >/dev/null && \
  npm install --ignore-scripts --no-audit --no-fund --silent "$tarball")
installed="$project/node_modules/simd-conv2d"
[ ! -d "$installed/build" ] || { echo "test-install: FAIL a build/ directory appeared"; exit 1; }

echo "test-install: seed example from the installed copy"
(cd "$project" && node node_modules/simd-conv2d/examples/seed.js)
binary=$(cd "$project" && npx --no-install simd-conv2d info --json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).binary.kind')
if [ "$binary" != "prebuilt" ]; then
  echo "test-install: FAIL the installed copy loaded a '$binary' binary, expected the prebuilt one"
  exit 1
fi

# And the fallback a platform without a prebuilt binary gets: --build-from-source compiles
# through binding.gyp (with the real compilers) and the module loaded is that build.
echo "test-install: npm install --build-from-source"
fromsource="$work/from-source"
mkdir -p "$fromsource"
(cd "$fromsource" && npm init -y >/dev/null && PATH="${PATH#"$fake:"}" \
  npm install --build-from-source --foreground-scripts=false --no-audit --no-fund --silent "$tarball")
kind=$(cd "$fromsource" && npx --no-install simd-conv2d info --json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).binary.kind')
if [ "$kind" != "built from source" ]; then
  echo "test-install: FAIL --build-from-source loaded a '$kind' binary"
  exit 1
fi
(cd "$fromsource" && node node_modules/simd-conv2d/examples/seed.js | head -1)

echo "test-install: jest suites against the installed copy"
SIMD_CONV2D_INSTALLED="$installed" node --experimental-vm-modules --disable-warning=ExperimentalWarning \
  node_modules/jest/bin/jest.js --config test/installed.jest.config.js \
  test/api.test.ts test/numerics.test.ts test/functional.test.ts test/out.test.ts \
  test/async.test.ts test/keras-files.test.ts 2>&1 | tail -6
status=${PIPESTATUS[0]}
echo "test-install: $([ "$status" -eq 0 ] && echo PASSED || echo FAILED) in $(( $(date +%s) - start )) s"
exit "$status"
