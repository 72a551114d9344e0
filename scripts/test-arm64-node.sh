#!/usr/bin/env bash
# The prebuilt linux-arm64 binary in a real AArch64 Node.js: Debian's arm64
# `nodejs` (with its libraries, unpacked into a private folder, nothing
# installed) runs under qemu-user, loads prebuilds/linux-arm64/ through
# node-gyp-build (PREBUILDS_ONLY=1) and runs the seed example and
# scripts/arm64-smoke.js (layers with exactly known outputs). Needs
# prebuilds/ (npm run prebuild), qemu-user and the cross sysroot of
# g++-aarch64-linux-gnu; enables Debian's arm64 architecture for apt to
# download the packages (Debian 12 names).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
ls prebuilds/linux-arm64/*.node >/dev/null || { echo "test-arm64-node: no prebuilds (npm run prebuild)"; exit 1; }
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static) || { echo "test-arm64-node: qemu-user is missing"; exit 1; }
[ -d /usr/aarch64-linux-gnu/lib ] || { echo "test-arm64-node: the aarch64 sysroot is missing (g++-aarch64-linux-gnu)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
apt-get update -qq
packages=(nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 libicu72:arm64
  libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64
  node-cjs-module-lexer node-acorn node-undici)
(cd "$work" && apt-get download -qq "${packages[@]}" 2>/dev/null)
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done

# qemu's -L prefix: the cross sysroot (libc, libstdc++, libgcc_s) plus the
# JavaScript files Debian's node loads from /usr/share/nodejs.
sysroot="$work/sysroot"
mkdir -p "$sysroot/usr/share"
cp -a /usr/aarch64-linux-gnu/. "$sysroot/"
cp -a "$work/root/usr/share/nodejs" "$sysroot/usr/share/"
libs="$work/root/usr/lib/aarch64-linux-gnu:$work/root/lib/aarch64-linux-gnu"
run() {
  "$qemu" -L "$sysroot" -E LD_LIBRARY_PATH="$libs" -E PREBUILDS_ONLY=1 "$work/root/usr/bin/node" "$@"
}
echo "test-arm64-node: $(run -p '`Node ${process.version} on ${process.arch}, Node-API ${process.versions.napi}`') under $(basename "$qemu")"
run examples/seed.js
run scripts/arm64-smoke.js
echo "test-arm64-node: PASSED in $(( $(date +%s) - start )) s"
