#!/usr/bin/env node
'use strict';
// binding.gyp (npm install --build-from-source, node-gyp) and CMakeLists.txt (npm test,
// prebuilt binaries' twin, the benches) must compile the same sources with the same flags:
// the same baseline files for the addon, and each ISA's kernel files with that ISA's flags
// and nothing else. Reads both files and compares; exit status 1 with the differences.
//
//   node scripts/check-build-parity.js
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

// binding.gyp is a Python literal: drop comments, then read it as JSON-with-trailing-commas.
function readGyp() {
  const text = fs
    .readFileSync(path.join(root, 'binding.gyp'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, '').replace(/,\s*#[^"]*$/, ','))
    .join('\n');
  return Function(`"use strict"; return (${text});`)();
}

// A CMake list: `set(NAME a b c)` or the source list of `add_library(NAME KIND ...)`.
function cmakeList(text, pattern) {
  const m = text.match(pattern);
  if (!m) throw new Error(`CMakeLists.txt: ${pattern} not found`);
  return m[1]
    .replace(/#.*$/gm, '')
    .split(/\s+/)
    .filter((t) => t && !t.startsWith('${'));
}

function gypTargets(gyp) {
  const all = [...gyp.targets];
  for (const [, extra] of gyp.conditions ?? []) all.push(...(extra.targets ?? []));
  return Object.fromEntries(all.map((t) => [t.target_name, t]));
}

const problems = [];
function expectSame(what, gypList, cmakeList_) {
  const onlyGyp = gypList.filter((x) => !cmakeList_.includes(x));
  const onlyCmake = cmakeList_.filter((x) => !gypList.includes(x));
  if (onlyGyp.length || onlyCmake.length) {
    problems.push(`${what}: only in binding.gyp [${onlyGyp.join(', ')}], only in CMakeLists.txt [${onlyCmake.join(', ')}]`);
  }
}

const cmake = fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8');
const gyp = readGyp();
const targets = gypTargets(gyp);

// Baseline sources: the core library plus the addon's own files.
const core = cmakeList(cmake, /add_library\(simd_conv2d_core STATIC([^)]*)\)/);
const addon = cmakeList(cmake, /add_library\(simd_conv2d SHARED([^)]*)\)/);
expectSame('baseline sources', targets.simd_conv2d.sources, [...core, ...addon]);

// The flags every file gets (besides -fPIC, visibility and warnings, which do not change code).
const baseCmake = cmakeList(cmake, /target_compile_options\(simd_conv2d_flags INTERFACE\s+(-[^)]*)\)/)
  .filter((f) => f.startsWith('-O') || f.startsWith('-ffp'));
const baseGyp = (t) => t.cflags.filter((f) => f.startsWith('-O') || f.startsWith('-ffp'));
expectSame('baseline code-generation flags (addon)', baseGyp(targets.simd_conv2d), baseCmake);

// Each ISA: the same files, with exactly CMake's per-ISA flags on top of the baseline.
const isas = [
  { gyp: 'simd_conv2d_avx2', sources: 'SC2D_AVX2_SOURCES', flags: 'SC2D_AVX2_FLAGS' },
  { gyp: 'simd_conv2d_avx512', sources: 'SC2D_AVX512_SOURCES', flags: 'SC2D_AVX512_FLAGS' },
  { gyp: 'simd_conv2d_neon', sources: 'SC2D_NEON_SOURCES', flags: null },
];
for (const isa of isas) {
  const t = targets[isa.gyp];
  if (!t) {
    problems.push(`binding.gyp has no target ${isa.gyp}`);
    continue;
  }
  expectSame(`${isa.gyp} sources`, t.sources, cmakeList(cmake, new RegExp(`set\\(${isa.sources}([^)]*)\\)`)));
  expectSame(`${isa.gyp} baseline flags`, baseGyp(t), baseCmake);
  const isaGyp = t.cflags.filter((f) => f.startsWith('-m'));
  const isaCmake = isa.flags ? cmakeList(cmake, new RegExp(`set\\(${isa.flags}([^)]*)\\)`)) : [];
  expectSame(`${isa.gyp} ISA flags`, isaGyp, isaCmake);
}
// NEON's one extra (GCC) flag, in both.
const neonGyp = JSON.stringify(targets.simd_conv2d_neon?.conditions ?? []);
if (!/-fno-schedule-insns/.test(cmake) || !neonGyp.includes('-fno-schedule-insns')) {
  problems.push('the NEON kernels must get -fno-schedule-insns (GCC) in both files');
}

if (problems.length) {
  for (const p of problems) console.log(`check-build-parity: FAIL ${p}`);
  process.exit(1);
}
console.log(
  `check-build-parity: OK (${targets.simd_conv2d.sources.length} baseline sources; ` +
    `${isas.map((i) => `${i.gyp.replace('simd_conv2d_', '')} ${targets[i.gyp].sources.length}`).join(', ')} ` +
    'kernel files with the same flags in binding.gyp and CMakeLists.txt)',
);
