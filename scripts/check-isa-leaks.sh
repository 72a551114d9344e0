#!/usr/bin/env bash
# Checks that AVX2 / AVX-512 code stays inside the ISA kernel files
# (conv-design §4, "ODR leaks").
#
# Only native/kernels/avx2/ and native/kernels/avx512/ are compiled with
# -mavx2 / -mavx512*; everything else must run on any x86-64 CPU, because the
# dispatcher calls into the ISA files only after checking the CPU. The danger
# is a COMDAT (an inline function or template instantiation shared with
# baseline code) compiled inside an ISA file: the linker may keep that copy
# for every caller, and a CPU without the ISA then dies with SIGILL in code
# that never asked for it. So:
#
#   1. every object file of the core library and the addon outside the ISA
#      directories must contain no VEX/EVEX instruction (no ymm/zmm/opmask
#      register, no v-prefixed SIMD mnemonic);
#   2. ISA object files must define no weak (COMDAT) symbols, only strong
#      ones (their exported kernels) and local ones (anonymous namespace);
#   3. in each linked module found (*.node), every function that contains a
#      VEX/EVEX instruction must be one the ISA objects define.
#
# Test objects may use anything, except the emulated AVX-512 kernel
# (native/tests/emulated/, built with the AVX2 flags into the test binary):
# it gets rule 2, for the test binary's sake.
#
# Usage: scripts/check-isa-leaks.sh [build-dir ...]   (default: build)
# Works on cmake-js/CMake trees (CMakeFiles/*.dir/native/...) and node-gyp
# trees (Release/obj.target/*/native/...). Exits 1 on a leak, 2 when it finds
# nothing to check. x86-64 only; on other machines it reports and exits 0.
set -euo pipefail

case "$(uname -m)" in
  x86_64 | amd64) ;;
  *) echo "check-isa-leaks: not an x86-64 host ($(uname -m)); nothing to check"; exit 0 ;;
esac

dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=(build)

OBJDUMP=${OBJDUMP:-objdump}
NM=${NM:-nm}
# AT&T syntax: any ymm/zmm register, an AVX-512 opmask register, or a
# mnemonic starting with v (VEX/EVEX encodings: vmovaps, vzeroupper, ...).
avx_pattern='%[yz]mm[0-9]|%k[0-7]\b|^[[:space:]]*[0-9a-f]+:[[:space:]]+v[a-z0-9]+'

is_isa_object() {
  case "$1" in
    */native/kernels/avx2/* | */native/kernels/avx512/* | */native/tests/emulated/*) return 0 ;;
    *) return 1 ;;
  esac
}

status=0
checked=0
isa_symbols=$(mktemp)
trap 'rm -f "$isa_symbols"' EXIT

for dir in "${dirs[@]}"; do
  if [ ! -d "$dir" ]; then
    echo "check-isa-leaks: $dir: no such directory" >&2
    continue
  fi
  # Objects of the library and the addon; the tests may use anything.
  while IFS= read -r -d '' obj; do
    case "$obj" in */native/tests/emulated/*) ;; */native/tests/*) continue ;; esac
    checked=$((checked + 1))
    if is_isa_object "$obj"; then
      # DW.ref.__gxx_personality_v0 is exempt: a data word holding the C++
      # unwinder's address (GCC emits it, weak, in any object whose unwind
      # tables name a personality routine); it carries no instructions.
      weak=$("$NM" -C --defined-only "$obj" | awk '$2 ~ /^[WVu]$/ && $3 != "DW.ref.__gxx_personality_v0"' || true)
      if [ -n "$weak" ]; then
        echo "LEAK: $obj defines weak (COMDAT) symbols, which the linker may pick for baseline callers:"
        echo "$weak" | sed 's/^/    /'
        status=1
      fi
      "$NM" -C --defined-only "$obj" | awk '$2 ~ /^[TtWw]$/ { $1 = ""; $2 = ""; sub(/^  /, ""); print }' \
        >> "$isa_symbols"
    else
      hits=$("$OBJDUMP" -d --no-show-raw-insn -C "$obj" | awk -v pat="$avx_pattern" '
        /^[0-9a-f]+ <.*>:$/ { fn = $0; next }
        $0 ~ pat { if (fn != last) { print "    in " fn; last = fn } print "      " $0; if (++n >= 8) exit }')
      if [ -n "$hits" ]; then
        echo "LEAK: $obj (baseline code) contains AVX/AVX-512 instructions:"
        echo "$hits"
        status=1
      fi
    fi
  done < <(find "$dir" -path '*/native/*' -name '*.o' -print0)

  # Linked modules: functions using AVX must come from the ISA objects.
  while IFS= read -r -d '' module; do
    [ -s "$isa_symbols" ] || continue
    bad=$("$OBJDUMP" -d --no-show-raw-insn -C "$module" | awk -v pat="$avx_pattern" '
      /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<") + 1); sub(/>:$/, "", fn); next }
      $0 ~ pat && !(fn in seen) { seen[fn] = 1; print fn }' | sort -u |
      while IFS= read -r fn; do
        grep -qxF -- "$fn" "$isa_symbols" || echo "    $fn"
      done)
    if [ -n "$bad" ]; then
      echo "LEAK: $module: functions outside the ISA kernel files use AVX/AVX-512:"
      echo "$bad"
      status=1
    fi
  done < <(find "$dir" -name '*.node' -type f -print0)
done

if [ "$checked" -eq 0 ]; then
  echo "check-isa-leaks: no object files under ${dirs[*]} (build first)" >&2
  exit 2
fi
if [ "$status" -eq 0 ]; then
  echo "check-isa-leaks: OK ($checked object files; AVX code only in native/kernels/avx2|avx512)"
fi
exit "$status"
