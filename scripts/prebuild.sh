#!/usr/bin/env bash
# npm run prebuild: the binaries `npm install` hands users, in prebuilds/:
#   prebuilds/linux-x64/node.napi.glibc.node     + libgomp.so.1
#   prebuilds/linux-arm64/node.napi.glibc.node   + libgomp.so.1 (cross-compiled)
# Node-API builds (one per platform serves every Node.js >= 20), stripped,
# tagged with the libc. node-gyp-build picks them at load time; each finds the
# OpenMP runtime beside it through its $ORIGIN run path (binding.gyp), so it
# needs nothing beyond glibc, libstdc++ and libgcc_s (scripts/check-prebuilds.sh).
#
# Tools: g++, make, python3; for arm64 Debian's g++-aarch64-linux-gnu (installed
# with apt when missing). Offline: node-gyp compiles against the running
# Node.js's own headers.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)

if ! command -v aarch64-linux-gnu-g++ >/dev/null; then
  echo "prebuild: installing g++-aarch64-linux-gnu"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq g++-aarch64-linux-gnu
fi

# prebuildify runs `node-gyp rebuild`, which deletes build/ (where CMake and
# node-gyp builds live): build in a copy of what binding.gyp needs.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r package.json binding.gyp native "$work/"
ln -s "$root/node_modules" "$work/node_modules"
node_version=$(node -p process.versions.node)

build() {
  local arch=$1 prefix=$2
  echo "prebuild: linux-$arch"
  local tools=()
  if [ -n "$prefix" ]; then
    tools=(CC="${prefix}gcc" CXX="${prefix}g++" LINK="${prefix}g++" AR="${prefix}ar")
  fi
  (cd "$work" && env "${tools[@]}" npx --no-install prebuildify --napi \
    --tag-libc --arch "$arch" --target "$node_version" --quiet)
  local out="$work/prebuilds/linux-$arch"
  if [ "$arch" = x64 ]; then
    # The CPU floor of exactly what ships, checked before stripping (the
    # check needs the symbols to tell kernel functions from the rest).
    bash scripts/check-isa-leaks.sh "$work/build"
  fi
  "${prefix}strip" --strip-unneeded "$out"/*.node
  # The OpenMP runtime this build linked against, shipped beside it.
  local gomp
  gomp=$(readlink -f "$("${prefix}gcc" -print-file-name=libgomp.so.1)")
  cp "$gomp" "$out/libgomp.so.1"
  "${prefix}strip" --strip-unneeded "$out/libgomp.so.1"
  mkdir -p prebuilds
  rm -rf "prebuilds/linux-$arch"
  cp -r "$out" "prebuilds/linux-$arch"
}

case "$(uname -m)" in
  x86_64) build x64 "" ;;
  *) echo "prebuild: run this on x86-64 (it cross-compiles arm64)"; exit 1 ;;
esac
build arm64 aarch64-linux-gnu-

ls -l prebuilds/*/
echo "prebuild: done in $(( $(date +%s) - start )) s"
