#!/usr/bin/env node
'use strict';
// `npm run bench`: times simd-conv2d on the suite layers next to
// onnxruntime-node, tfjs-backend-wasm and (natively) oneDNN, at each thread
// count, and writes BENCHMARKS.md. This file only orchestrates: every
// measurement runs in a child process (bench/worker.js for JS libraries,
// build/bench-native/* for C++), one library and one thread count at a time,
// so thread pools of different libraries never compete for the 2 cores.

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');

const { parseArgs, USAGE } = require('./cli');
const { loadSuite, selectLayers } = require('./suite');
const { PROFILES } = require('./timing');
const { parse } = require('./protocol');
const { collectMachine, statSample, foreignLoad, orchestratorCpuS, waitForQuiet } = require('./machine');
const { buildNative, layerArg, profileArgs } = require('./native');
const { Progress, fmtTime } = require('./progress');
const { buildMarkdown, consoleSummary } = require('./report');

const ROOT = path.join(__dirname, '..');

// What each --peers name runs and which result columns it produces.
function peerSpecs(native) {
  return {
    ours: { kind: 'js', peer: 'ours', keys: ['ours', 'ours_nchw'] },
    core: { kind: 'native', bin: native.core, keys: ['ours_core'] },
    ort: { kind: 'js', peer: 'ort', keys: ['ort_user', 'ort_nchw', 'ort_kernel'] },
    tfjs: { kind: 'js', peer: 'tfjs-wasm', keys: ['tfjs_wasm'], singleThread: true },
    onednn: { kind: 'native', bin: native.onednn, keys: ['onednn'] },
  };
}

// Runs one benchmark process and feeds its protocol messages, each with the
// foreign CPU load measured since the previous message, to onMessage.
function runProcess(cmd, args, env, onMessage) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    let last = { stat: statSample(), childCpu: 0, orchCpu: orchestratorCpuS() };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = parse(line);
      if (!msg) return;
      const now = { stat: statSample(), childCpu: msg.cpuS || 0, orchCpu: orchestratorCpuS() };
      const load = foreignLoad(last.stat, now.stat, now.childCpu - last.childCpu + now.orchCpu - last.orchCpu);
      last = now;
      onMessage(msg, load);
    });
    child.on('error', (e) => resolve({ code: -1, stderr: String(e) }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

// Folds the passes into one record per (column, threads, layer): the fastest
// per-process median, every pass's median, and their spread. A wrong output
// in any pass marks the cell wrong; it is skipped only if no pass timed it.
function aggregate(raw, data) {
  const id = (r) => `${r.key}|${r.threads}|${r.layer}`;
  const groups = new Map();
  for (const r of raw.results) {
    if (!groups.has(id(r))) groups.set(id(r), []);
    groups.get(id(r)).push(r);
  }
  const failed = new Set(raw.fails.map(id));
  for (const [k, rs] of groups) {
    if (failed.has(k)) continue;
    const best = rs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const all = rs.map((r) => r.ms);
    data.results.push({ ...best, reps: all, repSpread: Math.max(...all) / Math.min(...all) - 1 });
  }
  const seenFail = new Set();
  for (const f of raw.fails) {
    if (!seenFail.has(id(f))) data.fails.push(f);
    seenFail.add(id(f));
  }
  const seenSkip = new Set();
  for (const s of raw.skips) {
    if (groups.has(id(s)) || failed.has(id(s)) || seenSkip.has(id(s))) continue;
    seenSkip.add(id(s));
    data.skips.push(s);
  }
}

const lastLine = (s) => (s || '').trim().split('\n').filter(Boolean).pop() || '';

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const t0 = Date.now();
  const suite = loadSuite();
  const layers = selectLayers(suite, opts.layers);
  const profileName = opts.quick ? 'quick' : 'full';
  const profile = PROFILES[profileName];
  const threads = [...new Set(opts.threads)].sort((a, b) => a - b);
  const notes = [];

  const shared = path.join(ROOT, '..', 'shared', 'bench', 'suite.json');
  if (fs.existsSync(shared) && path.resolve(shared) !== path.resolve(suite.file) &&
      fs.readFileSync(shared, 'utf8') !== fs.readFileSync(suite.file, 'utf8')) {
    console.error(`[bench] warning: ${suite.file} differs from ${shared}; copy the shared suite into bench/`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) {
    console.error('[bench] dist/ is missing: run `npx cmake-js compile && npm run build:ts` first');
    process.exit(1);
  }

  // The package's native build can be replaced by someone else's rebuild
  // while a run takes minutes; a changed file means mixed numbers.
  const buildFiles = ['build/Release/simd_conv2d.node', 'build/libsimd_conv2d_core.a'].map((f) => path.join(ROOT, f));
  const fingerprint = () => buildFiles.map((f) => {
    try {
      const st = fs.statSync(f);
      return `${path.relative(ROOT, f)} ${st.size} ${st.mtime.toISOString()}`;
    } catch {
      return `${path.relative(ROOT, f)} missing`;
    }
  });
  const buildAtStart = fingerprint();

  const machine = collectMachine();
  console.error(`[bench] ${machine.cpu.model}${machine.cpu.core ? ` (${machine.cpu.core})` : ''}, ${machine.cpu.logicalCpus} CPUs, ` +
    `node ${machine.node}; ${layers.length} layers × threads ${threads.join(',')}; ${profileName} profile`);
  console.error('[bench] building native benchmarks (build/bench-native) ...');
  const native = buildNative();
  for (const [name, b] of Object.entries(native)) if (b.skip) { console.error(`[bench] ${b.skip}`); notes.push(b.skip); }

  const specs = peerSpecs(native);
  const wanted = opts.peers.filter((p) => {
    const s = specs[p];
    return s.kind === 'js' || (s.bin && s.bin.path);
  });

  // ---- plan the work, for the progress bar
  const jobs = [];
  for (const t of threads) {
    for (const p of wanted) {
      const s = specs[p];
      if (s.singleThread && t !== threads[0]) continue; // measured once, at 1 thread
      jobs.push({ peerName: p, spec: s, threads: s.singleThread ? 1 : t });
    }
  }
  const repeat = opts.repeat || (opts.quick ? 1 : 5);
  const units = repeat * jobs.reduce((n, j) => n + layers.length * j.spec.keys.length, 0) + layers.length + (opts.server ? 1 : 0) +
    (native.fma.path ? (repeat + 1) * threads.length : 0);
  const progress = new Progress(units);

  const data = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    profile: profileName,
    repeat,
    machine,
    threads,
    layers,
    results: [],
    skips: [],
    fails: [],
    oursChecks: [],
    metas: {},
    peaks: {}, // when -> threads -> fma_peak message
    peakUsed: {},
    singleThreadKeys: wanted.filter((p) => specs[p].singleThread).flatMap((p) => specs[p].keys),
    referenceMacLimit: opts.quick ? 20e6 : 160e6,
    notes,
  };

  // Each process starts only once other processes leave the cores alone
  // (or after maxWaitS): on a 2-core VM shared with builds and tests, that is
  // the difference between a measurement and noise.
  // The waiting is capped per process and in total, to keep a full run near
  // its ~10 minute budget even when the machine never goes idle.
  let waitedS = 0;
  const waitBudgetS = opts.quick ? 10 : 180;
  const quiet = async () => {
    const t = Date.now();
    let said = false;
    await waitForQuiet({
      maxWaitS: Math.max(0, Math.min(opts.quick ? 3 : 45, waitBudgetS - waitedS)),
      onWait: (busy) => {
        if (!said) progress.setLabel(`waiting for an idle machine (others use ${busy.toFixed(2)} cores)`);
        said = true;
      },
    });
    waitedS += Math.max(0, (Date.now() - t) / 1000 - 1);
  };

  // ---- FMA peak (before; repeated after the benchmarks)
  const measurePeak = async (when) => {
    if (!native.fma.path) return;
    await quiet();
    progress.setLabel(`FMA peak (${when})`);
    const r = await runProcess(native.fma.path, ['--threads', threads.join(','), '--seconds', opts.quick ? '0.05' : '0.2'], {}, (msg) => {
      if (msg.type === 'peak') (data.peaks[when] ||= {})[msg.threads] = msg;
      else if (msg.type === 'unsupported') data.peakNote = msg.reason;
      progress.tick();
    });
    if (r.code !== 0) notes.push(`fma_peak failed: ${lastLine(r.stderr)}`);
  };
  await measurePeak('start');

  // ---- our outputs: the reference every peer is checked against
  const refDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simd-conv2d-bench-'));
  const workerArgs = (cfg, subset = layers) => [path.join(__dirname, 'worker.js'),
    JSON.stringify({ ...cfg, profile: profileName, refDir, layers: subset.map((l) => l.id) })];
  progress.setLabel('computing our outputs (reference for the checks)');
  const ref = await runProcess(process.execPath, workerArgs({ mode: 'reference', threads: threads[threads.length - 1] }), {}, (msg) => {
    if (msg.type === 'meta') data.metas.ours = msg;
    if (msg.type === 'check') {
      data.oursChecks.push(msg);
      if (!msg.ok) progress.note(`ours FAILED its check on ${msg.layer}: ${msg.reason || `err ${msg.err}`}`);
      progress.tick();
    }
  });
  if (ref.code !== 0) {
    progress.finish();
    console.error(`[bench] could not run our layer: ${lastLine(ref.stderr)}`);
    process.exit(1);
  }

  // ---- the benchmarks
  // The addon can be rebuilt by someone else while this runs; record every
  // ISA reported so a mixed run is visible in the report.
  const isaSeen = new Set([`reference: ${data.metas.ours?.isa}`]);

  // Runs one job (one library, one thread count) on `subset` of the layers
  // and returns its records; nothing is merged into `data` here.
  const runJob = async (job, subset, rep) => {
    const { spec, peerName, threads: t } = job;
    const got = { results: [], skips: [], fails: [] };
    const onMessage = (msg, load) => {
      const base = { key: msg.key, threads: t, layer: msg.layer };
      if (msg.type === 'meta') {
        data.metas[peerName] = msg;
        if (msg.isa) isaSeen.add(`${peerName}@T${t}: ${msg.isa}`);
      } else if (msg.type === 'result') {
        got.results.push({ ...base, ms: msg.ms, minMs: msg.minMs, p25: msg.p25, p75: msg.p75, runs: msg.runs,
          err: msg.err, impl: msg.impl, foreign: load ? load.foreign : null, steal: load ? load.steal : null });
        progress.tick(1, msg.layer);
      } else if (msg.type === 'skip') {
        got.skips.push({ ...base, reason: msg.reason });
        progress.tick(1, msg.layer);
      } else if (msg.type === 'fail') {
        got.fails.push({ ...base, err: msg.err });
        progress.note(`${msg.key} ${msg.layer} T=${t}: output disagrees with ours (err ${msg.err}); not timed`);
        progress.tick(1, msg.layer);
      } else if (msg.type === 'fatal') {
        progress.note(`${peerName} T=${t} failed: ${msg.reason}`);
      }
    };
    await quiet();
    progress.setLabel(`${peerName} T=${t}${repeat > 1 ? ` (pass ${rep + 1}/${repeat})` : ''}`);
    let r;
    if (spec.kind === 'js') {
      r = await runProcess(process.execPath, workerArgs({ peer: spec.peer, threads: t }, subset), {}, onMessage);
    } else {
      const args = ['--threads', String(t), '--ref-dir', refDir, ...profileArgs(profile), ...subset.flatMap((l) => ['--layer', layerArg(l)])];
      r = await runProcess(spec.bin.path, args, { OMP_NUM_THREADS: String(t) }, onMessage);
    }
    // A crashed process leaves its remaining layers unreported; record them.
    for (const layer of subset) {
      for (const key of spec.keys) {
        const seen = [got.results, got.skips, got.fails].some((a) => a.some((x) => x.key === key && x.layer === layer.id));
        if (!seen) {
          got.skips.push({ key, threads: t, layer: layer.id, reason: `process exited (${r.code}): ${lastLine(r.stderr) || 'no message'}` });
          progress.tick();
        }
      }
    }
    return got;
  };

  // Every job runs `repeat` times, in alternating order, so a burst of
  // activity from other processes hits different libraries in different
  // passes; each cell then reports the fastest of its per-process medians
  // (contention only ever slows a run down) and the spread between them.
  const raw = { results: [], skips: [], fails: [] };
  for (let rep = 0; rep < repeat; rep++) {
    const order = rep % 2 ? [...jobs].reverse() : jobs;
    for (const job of order) {
      const got = await runJob(job, layers, rep);
      for (const k of Object.keys(raw)) raw[k].push(...got[k].map((r) => ({ ...r, rep })));
    }
    if (rep < repeat - 1) await measurePeak(`pass ${rep + 1}`);
  }
  aggregate(raw, data);

  // ---- what a server sees (issue #5): many applyAsync calls through the compute queue, the
  // event loop meanwhile, and the CPU an idle second costs after a burst
  if (opts.server) {
    await quiet();
    progress.setLabel('server: 16 concurrent applyAsync calls, idle CPU');
    const t = threads[threads.length - 1];
    const r = await runProcess(process.execPath, [path.join(__dirname, 'server.js'), '--emit', '--calls', opts.quick ? '40' : '400'],
      { SIMD_CONV2D_NUM_THREADS: String(t) }, (msg, load) => {
        if (msg.type === 'server') data.server = { ...msg, foreign: load ? load.foreign : null };
      });
    if (r.code !== 0) notes.push(`bench/server.js failed: ${lastLine(r.stderr)}`);
    progress.tick();
  }

  await measurePeak('end');
  for (const t of threads) {
    const v = Object.values(data.peaks).map((byT) => byT[t]).filter(Boolean).map((p) => p.max);
    if (v.length) data.peakUsed[t] = Math.max(...v);
  }
  for (const t of threads) {
    // t threads on min(t, cpus) cores should give about that many times the
    // 1-thread peak; 80 % of it is the bar for "the other cores were free".
    const cores = Math.min(t, machine.cpu.logicalCpus);
    if (t > 1 && data.peakUsed[1] && data.peakUsed[t] < 0.8 * cores * data.peakUsed[1]) {
      notes.unshift(`**Warning: the ${t}-thread FMA peak (${data.peakUsed[t].toFixed(1)} GFLOP/s) is far below ${cores}× the 1-thread peak (${data.peakUsed[1].toFixed(1)})**: the other core(s) were busy every time it was measured, so "% of peak" at ${t} threads is overstated.`);
    }
  }
  fs.rmSync(refDir, { recursive: true, force: true });
  progress.finish();

  // ---- fixed caveats that belong next to the numbers
  if (data.metas.tfjs) notes.push('tfjs-backend-wasm runs single-threaded in Node: the backend hard-codes WASM_HAS_MULTITHREAD_SUPPORT = false there (tfjs issue 3830), so `setThreadsCount` has no effect; it is measured once at 1 thread.');
  if (data.metas.ort) notes.push('onnxruntime-node was installed with `ONNXRUNTIME_NODE_INSTALL=skip` (its install script otherwise downloads GPU files from outside npm); the CPU execution provider ships in the npm package. The ONNX model (one Conv node, OIHW weights as an initializer, explicit pads = Keras padding) is hand-encoded by `bench/onnx-model.js`.');
  if (data.metas.onednn) notes.push(`${data.metas.onednn.version}: weight packing and primitive creation happen once before timing (like our setWeights); implementations chosen: ${[...new Set(data.results.filter((r) => r.key === 'onednn').map((r) => `${r.layer} ${r.impl}`))].join(', ')}.`);
  notes.push('Nominal FLOPs include taps on padding, which all libraries skip, so small `same` layers (L5, L6) can exceed 100 % of peak; the no-pad column corrects for that.');
  notes.push('Times include whatever each API does per call: ours and tfjs-wasm allocate their output; ORT (user) also transposes in JS; the C++ columns write into preallocated buffers.');

  const buildAtEnd = fingerprint();
  const rebuilt = buildAtEnd.filter((f, i) => f !== buildAtStart[i]);
  if (rebuilt.length) notes.unshift(`**Warning: the native build changed during the run** (${rebuilt.map((f) => f.split(' ')[0]).join(', ')}); the numbers mix two builds. Re-run.`);
  const isas = new Set([...isaSeen].map((x) => x.split(': ')[1]));
  if (isas.size > 1) notes.unshift(`**Warning: the kernel ISA changed during the run** (${[...isaSeen].join(', ')}); the addon was probably rebuilt meanwhile. Re-run.`);

  // Warn loudly when the reported cells were measured on a busy machine.
  const loads = data.results.map((r) => r.foreign).filter((v) => v != null).sort((a, b) => a - b);
  const medianLoad = loads.length ? loads[Math.floor(loads.length / 2)] : 0;
  if (medianLoad >= 0.25) notes.unshift(`**Warning: the machine was busy during this run** (other processes used ${medianLoad.toFixed(2)} cores in the median cell); treat the numbers as rough and re-run on an idle machine.`);
  if (waitedS > 2) notes.push(`The bench waited ${Math.round(waitedS)} s in total for other processes to leave the cores idle before starting its measurements.`);

  data.loadavgEnd = os.loadavg().map((v) => +v.toFixed(2));
  data.durationText = fmtTime((Date.now() - t0) / 1000);

  fs.mkdirSync(path.join(ROOT, 'build'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'build', 'bench-results.json'), JSON.stringify(data, null, 1));
  console.log(consoleSummary(data));

  const oursBroken = data.oursChecks.some((c) => !c.ok);
  if (oursBroken) {
    console.error('[bench] our output failed its check: BENCHMARKS.md not written');
    process.exit(1);
  }
  if (opts.write) {
    const out = path.resolve(ROOT, opts.out);
    fs.writeFileSync(out, buildMarkdown(data));
    console.error(`[bench] wrote ${path.relative(process.cwd(), out) || out} (raw data: build/bench-results.json)`);
  } else {
    console.error('[bench] not writing BENCHMARKS.md (--no-write / --quick); raw data: build/bench-results.json');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
