#!/usr/bin/env bash
# Checks what npm run prebuild made, as a user's machine will load it:
#   - each prebuilds/linux-<arch>/ holds one .node for that machine (readelf)
#     and the libgomp.so.1 it needs, for the same machine;
#   - the .node needs only glibc, libstdc++, libgcc_s and that libgomp
#     (NEEDED), and finds libgomp beside itself (RUNPATH $ORIGIN);
#   - the newest glibc / libstdc++ symbol versions it and libgomp use, which
#     are the platform floor README.md states (printed, and held to the
#     floor given below so a toolchain change cannot raise it unnoticed).
# Exit status 0 when every check passes; the last line is a summary.
set -euo pipefail
cd "$(dirname "$0")/.."

# The floors README.md's platform table promises.
max_glibc=2.34
max_glibcxx=3.4.29

allowed='^(libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libgomp\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$'
declare -A machine=([x64]="X86-64" [arm64]="AArch64")
fail=0
checked=()

version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]; }
newest() { objdump -T "$1" | grep -o "$2[0-9.]*" | sed "s/^$2//" | sort -uV | tail -1; }

for arch in x64 arm64; do
  dir="prebuilds/linux-$arch"
  node_files=("$dir"/*.node)
  if [ ! -f "${node_files[0]}" ] || [ ${#node_files[@]} -ne 1 ]; then
    echo "check-prebuilds: FAIL $dir: expected one .node file (run npm run prebuild)"
    fail=1
    continue
  fi
  node_file=${node_files[0]}
  for f in "$node_file" "$dir/libgomp.so.1"; do
    if [ ! -f "$f" ]; then
      echo "check-prebuilds: FAIL $f is missing"
      fail=1
      continue
    fi
    if ! readelf -h "$f" | grep -q "Machine:.*${machine[$arch]}"; then
      echo "check-prebuilds: FAIL $f is not a ${machine[$arch]} binary: $(readelf -h "$f" | grep Machine:)"
      fail=1
    fi
  done
  needed=$(readelf -d "$node_file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  for lib in $needed; do
    if ! [[ $lib =~ $allowed ]]; then
      echo "check-prebuilds: FAIL $node_file needs $lib (only glibc, libstdc++, libgcc_s and the bundled libgomp are allowed)"
      fail=1
    fi
  done
  runpath=$(readelf -d "$node_file" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
  if [ "$runpath" != '$ORIGIN' ]; then
    echo "check-prebuilds: FAIL $node_file: RUNPATH is '$runpath', expected '\$ORIGIN'"
    fail=1
  fi
  glibc=$(newest "$node_file" GLIBC_)
  gomp_glibc=$(newest "$dir/libgomp.so.1" GLIBC_)
  glibcxx=$(newest "$node_file" GLIBCXX_)
  for pair in "glibc $glibc $max_glibc" "glibc(libgomp) $gomp_glibc $max_glibc" "libstdc++ $glibcxx $max_glibcxx"; do
    set -- $pair
    if ! version_le "$2" "$3"; then
      echo "check-prebuilds: FAIL $node_file: needs $1 $2, newer than the stated floor $3"
      fail=1
    fi
  done
  echo "check-prebuilds: $node_file: NEEDED $(echo $needed | tr ' ' ','); RUNPATH $runpath; GLIBC_$glibc (libgomp GLIBC_$gomp_glibc), GLIBCXX_$glibcxx"
  checked+=("linux-$arch")
done

if [ $fail -ne 0 ]; then
  echo "check-prebuilds: FAILED"
  exit 1
fi
echo "check-prebuilds: OK (${checked[*]}: machine, NEEDED, RUNPATH \$ORIGIN, libgomp beside, glibc <= $max_glibc, libstdc++ <= GLIBCXX_$max_glibcxx)"
