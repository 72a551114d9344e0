'use strict';
// Builds the native benchmarks (bench/native, CMake) into build/bench-native
// and says which ones exist. Installs nothing: oneDNN is used only when
// Debian's libdnnl-dev (or another dnnl.hpp + libdnnl) is already present,
// and our core bench only when the package's own build left its static core
// library behind (`npx cmake-js compile`).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(__dirname, 'native');
const OUT = path.join(ROOT, 'build', 'bench-native');
const LOG = path.join(OUT, 'build.log');

// The core library sits in the cmake-js build dir; its exact subfolder
// depends on the generator (Ninja/Make: build/, multi-config: build/Release).
function findCoreLib() {
  const names = ['libsimd_conv2d_core.a'];
  for (const dir of ['build', 'build/Release', 'build/Debug']) {
    for (const n of names) {
      const p = path.join(ROOT, dir, n);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT });
  fs.appendFileSync(LOG, `$ ${cmd} ${args.join(' ')}\n${r.stdout || ''}${r.stderr || ''}\n`);
  return r;
}

// First compiler/linker error line, for the report's skip note.
function firstError(text) {
  const line = (text || '').split('\n').find((l) => /error|undefined reference/i.test(l));
  return line ? line.trim().slice(0, 200) : 'build failed (see build/bench-native/build.log)';
}

function cacheValue(name) {
  const cache = path.join(OUT, 'CMakeCache.txt');
  if (!fs.existsSync(cache)) return null;
  const m = fs.readFileSync(cache, 'utf8').match(new RegExp(`^${name}:[A-Z]+=(.*)$`, 'm'));
  return m ? m[1] : null;
}

// Returns { fma, onednn, core }: each { path } or { skip: reason }.
function buildNative() {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(LOG, '');
  const none = (skip) => ({ fma: { skip }, onednn: { skip }, core: { skip } });
  if (spawnSync('cmake', ['--version']).status !== 0) return none('cmake not found');

  const coreLib = findCoreLib();
  const conf = run('cmake', ['-S', SRC, '-B', OUT, '-DCMAKE_BUILD_TYPE=Release', `-DSIMD_CONV2D_CORE_LIB=${coreLib || ''}`]);
  if (conf.status !== 0) return none(`cmake configure failed: ${firstError(conf.stderr)}`);

  const target = (name) => {
    const r = run('cmake', ['--build', OUT, '--target', name, '--parallel', '2']);
    const exe = path.join(OUT, name);
    return r.status === 0 && fs.existsSync(exe) ? { path: exe } : { skip: `${name} did not build: ${firstError(r.stdout + r.stderr)}` };
  };

  const out = {};
  out.fma = process.arch === 'x64' ? target('fma_peak') : { skip: 'FMA peak loop is x86-64 (AVX2) only' };

  const dnnlInc = cacheValue('DNNL_INCLUDE_DIR');
  const dnnlLib = cacheValue('DNNL_LIBRARY');
  if (!dnnlInc || dnnlInc.endsWith('NOTFOUND')) {
    out.onednn = { skip: 'oneDNN skipped: dnnl.hpp not found (Debian/Ubuntu: apt-get install libdnnl-dev)' };
  } else if (!dnnlLib || dnnlLib.endsWith('NOTFOUND')) {
    out.onednn = { skip: 'oneDNN skipped: dnnl.hpp found but not libdnnl' };
  } else {
    out.onednn = target('onednn_conv');
  }

  out.core = coreLib
    ? target('core_conv')
    : { skip: 'ours (C++ core) skipped: libsimd_conv2d_core.a not found; run `npx cmake-js compile` first' };
  return out;
}

// Arguments the native benchmarks take for one suite layer.
function layerArg(l) {
  return [l.id, l.N, l.H, l.W, l.Cin, l.Cout, l.Kh, l.Kw, l.stride, l.dilation, l.groups,
    l.pad_top, l.pad_bottom, l.pad_left, l.pad_right, l.Ho, l.Wo, l.padding].join(':');
}

function profileArgs(p) {
  return ['--target-s', p.targetS, '--min-runs', p.minRuns, '--max-runs', p.maxRuns,
    '--warmup-calls', p.warmupCalls, '--warmup-s', p.warmupS].map(String);
}

module.exports = { buildNative, layerArg, profileArgs, OUT };
