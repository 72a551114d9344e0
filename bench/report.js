'use strict';
// Turns the collected measurements into markdown: BENCHMARKS.md and the
// tables printed at the end of `npm run bench`.

const { PROFILES } = require('./timing');

// Column order and wording of every timed thing. `ratio` cells are
// ours/peer speed = peer ms / ours ms (> 1: we are faster).
const COLUMNS = [
  { key: 'ours', label: 'ours', what: 'simd-conv2d via its JS API: `layer.apply(x)` on an NHWC Tensor, output allocated per call' },
  { key: 'ours_out', label: 'ours (out=)', what: 'the same layer, `layer.apply(x, { out })` into one preallocated output, as a server loop that reuses its buffers calls it (oneDNN and the C++ core are timed the same way); ours× below 1 means it is faster than a new output per call' },
  { key: 'ours_nchw', label: 'ours channels_first', what: 'the same layer with `dataFormat: \'channels_first\'` on the NCHW copy of the input (its output checked bit-equal to the NHWC one); ours× above 1 means channels_first is slower' },
  { key: 'ours_core', label: 'ours (C++ core)', what: 'the same kernels through the core static library from C++: plan + packed weights, preallocated output, no Node' },
  { key: 'ort_user', label: 'ORT (user)', what: 'onnxruntime-node fed NHWC data like a Keras user: JS transpose NHWC→NCHW, `await session.run()`, transpose back' },
  { key: 'ort_nchw', label: 'ORT (NCHW run)', what: 'onnxruntime-node `await session.run()` on data already in NCHW (includes ORT\'s own NCHWc reorders and binding)' },
  { key: 'ort_kernel', label: 'ORT (kernel)', what: 'the Conv node\'s kernel time alone, from ORT\'s profiler (no reorders, no binding): ORT\'s best case' },
  { key: 'tfjs_wasm', label: 'tfjs-wasm', what: '@tensorflow/tfjs-backend-wasm: `tf.tensor4d(x)` → `tf.conv2d` (NHWC; depthwise via `tf.depthwiseConv2d`) → `dataSync()` → dispose' },
  { key: 'onednn', label: 'oneDNN', what: 'oneDNN `convolution_forward` (forward_inference, direct), src/dst NHWC (`acdb`), weights `any` packed once; C++, execute + wait' },
];
const LABEL = Object.fromEntries(COLUMNS.map((c) => [c.key, c.label]));

// ---- number formatting ---------------------------------------------------------
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(1) : ms >= 10 ? ms.toFixed(2) : ms.toFixed(3));
const fmtG = (g) => (g >= 100 ? g.toFixed(0) : g >= 10 ? g.toFixed(1) : g.toFixed(2));
const fmtRatio = (r) => (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';
const fmtPct = (p) => (p >= 10 ? p.toFixed(0) : p.toFixed(1)) + '%';
const fmtErr = (e) => (e == null ? '–' : e === 0 ? '0' : e.toExponential(1));
const gflops = (flops, ms) => flops / (ms * 1e6);
const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : null);

// A cell is flagged when its passes disagree by more than 15 %, or when, in
// the pass it reports, other processes used ≥ 0.25 of a core or its single
// call times were spread (IQR > 25 % of the median).
function noisy(r) {
  const spread = r.p25 != null && r.p75 != null && r.ms > 0 ? (r.p75 - r.p25) / r.ms : 0;
  return (r.repSpread != null && r.repSpread > 0.15) || (r.foreign != null && r.foreign >= 0.25) ||
    (r.steal != null && r.steal >= 0.25) || spread > 0.25;
}

// ---- lookups -------------------------------------------------------------------
function makeIndex(data) {
  const find = (arr, key, threads, layer) => arr.find((r) => r.key === key && r.threads === threads && r.layer === layer);
  // Single-threaded peers are measured once, at 1 thread, and shown in every
  // thread table (that is all a Node user can get from them).
  const effThreads = (key, threads) => (data.singleThreadKeys.includes(key) ? 1 : threads);
  return {
    result: (key, t, layer) => find(data.results, key, effThreads(key, t), layer),
    skip: (key, t, layer) => find(data.skips, key, effThreads(key, t), layer),
    fail: (key, t, layer) => find(data.fails, key, effThreads(key, t), layer),
    ran: (key) => data.results.some((r) => r.key === key) || data.skips.some((r) => r.key === key) || data.fails.some((r) => r.key === key),
    single: (key, t) => data.singleThreadKeys.includes(key) && t > 1,
  };
}

function peerCell(ix, key, t, layer, oursMs) {
  const r = ix.result(key, t, layer.id);
  if (r) {
    const ratio = oursMs ? ` · ${fmtRatio(r.ms / oursMs)}` : '';
    return `${fmtMs(r.ms)}${ratio}${noisy(r) ? ' †' : ''}${ix.single(key, t) ? ' ¹' : ''}`;
  }
  const f = ix.fail(key, t, layer.id);
  if (f) return `✗ wrong (err ${fmtErr(f.err)})`;
  const s = ix.skip(key, t, layer.id);
  if (s) return s.reason.startsWith('n/a') ? 'n/a' : 'skipped';
  return '–';
}

// ---- tables --------------------------------------------------------------------
function mainTable(data, ix, t) {
  const peers = COLUMNS.filter((c) => c.key !== 'ours' && ix.ran(c.key)).map((c) => c.key);
  const peak = data.peakUsed[t];
  const head = ['layer', 'MFLOP', 'ours ms', 'GFLOP/s', 'GFLOP/s (no-pad)', peak ? '% of peak' : null,
    ...peers.map((k) => `${LABEL[k]} ms · ours×`)].filter((h) => h !== null);
  const rows = [];
  for (const layer of data.layers) {
    const o = ix.result('ours', t, layer.id);
    const cells = [`${layer.id} ${layer.name}`, (layer.flops / 1e6).toFixed(1)];
    if (o) {
      const g = gflops(layer.flops, o.ms);
      cells.push(`${fmtMs(o.ms)}${noisy(o) ? ' †' : ''}`, fmtG(g), fmtG(gflops(layer.flops_nopad, o.ms)));
      if (peak) cells.push(fmtPct((100 * g) / peak));
    } else {
      const f = ix.fail('ours', t, layer.id);
      cells.push(f ? '✗ wrong' : 'skipped', '–', '–');
      if (peak) cells.push('–');
    }
    for (const k of peers) cells.push(peerCell(ix, k, t, layer, o && o.ms));
    rows.push(cells);
  }
  return mdTable(head, rows, [false, true, true, true, true, true, ...peers.map(() => true)]);
}

function throughputTable(data, ix, t) {
  const keys = COLUMNS.filter((c) => ix.ran(c.key)).map((c) => c.key);
  const peak = data.peakUsed[t];
  const head = ['layer', ...keys.map((k) => LABEL[k])];
  const rows = data.layers.map((layer) => [layer.id, ...keys.map((k) => {
    const r = ix.result(k, t, layer.id);
    if (!r) return ix.skip(k, t, layer.id)?.reason.startsWith('n/a') ? 'n/a' : '–';
    const g = gflops(layer.flops, r.ms);
    return peak ? `${fmtG(g)} (${fmtPct((100 * g) / peak)})` : fmtG(g);
  })]);
  return mdTable(head, rows, [false, ...keys.map(() => true)]);
}

function geomeanRows(data, ix) {
  const rows = [];
  for (const t of data.threads) {
    for (const c of COLUMNS) {
      if (!ix.ran(c.key)) continue;
      const g = [];
      const ratios = [];
      for (const layer of data.layers) {
        const r = ix.result(c.key, t, layer.id);
        const o = ix.result('ours', t, layer.id);
        if (!r) continue;
        g.push(gflops(layer.flops, r.ms));
        if (o && c.key !== 'ours') ratios.push(r.ms / o.ms);
      }
      if (!g.length) continue;
      const gm = geomean(g);
      const peak = data.peakUsed[t];
      rows.push([String(t), c.label + (ix.single(c.key, t) ? ' ¹' : ''), String(g.length), fmtG(gm),
        peak ? fmtPct((100 * gm) / peak) : '–', c.key === 'ours' ? '1.00×' : ratios.length ? fmtRatio(geomean(ratios)) : '–']);
    }
  }
  return mdTable(['threads', 'column', 'layers', 'geomean GFLOP/s', '% of peak', 'ours× (geomean)'], rows,
    [true, false, true, true, true, true]);
}

// oneDNN's time over ours, per layer, for each way of calling ours: a new
// output per call (the default), into a preallocated output (as oneDNN is
// timed), and the C++ core. > 1: ours is faster.
function onednnTable(data, ix, t) {
  const keys = ['ours', 'ours_out', 'ours_core'].filter((k) => ix.ran(k));
  const rows = [];
  const logs = keys.map(() => []);
  for (const layer of data.layers) {
    const d = ix.result('onednn', t, layer.id);
    if (!d) continue;
    rows.push([`${layer.id} ${layer.name}`, fmtMs(d.ms), ...keys.map((k, i) => {
      const r = ix.result(k, t, layer.id);
      if (!r) return '–';
      logs[i].push(d.ms / r.ms);
      return fmtRatio(d.ms / r.ms);
    })]);
  }
  if (!rows.length) return null;
  rows.push(['**geomean**', '', ...logs.map((l) => (l.length ? `**${fmtRatio(geomean(l))}**` : '–'))]);
  return mdTable(['layer', 'oneDNN ms', ...keys.map((k) => `${LABEL[k]}`)], rows, [false, true, ...keys.map(() => true)]);
}

function checkTable(data, ix) {
  const keys = COLUMNS.filter((c) => ix.ran(c.key)).map((c) => c.key);
  const rows = [];
  for (const k of keys) {
    const errs = data.results.filter((r) => r.key === k && r.err != null).map((r) => r.err);
    const fails = data.fails.filter((r) => r.key === k);
    rows.push([LABEL[k], String(errs.length + fails.length), errs.length ? fmtErr(Math.max(...errs)) : '–',
      fails.length ? fails.map((f) => `${f.layer} (T=${f.threads}, ${fmtErr(f.err)})`).join(', ') : 'none']);
  }
  return mdTable(['column', 'outputs checked', 'max err vs ours', 'failed'], rows, [false, true, true, false]);
}

function mdTable(head, rows, right) {
  const sep = head.map((_, i) => (right[i] ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

// ---- the document --------------------------------------------------------------
function machineTable(data) {
  const m = data.machine;
  const c = m.cpu;
  const cpu = `${c.model}${c.core ? ` — family ${c.family} model ${c.modelNumber} stepping ${c.stepping} = ${c.core}` : ''}` +
    `${c.hypervisor ? ' (virtual machine)' : ''}`;
  const ours = data.metas.ours || {};
  const rows = [
    ['CPU', cpu],
    ['cores', `${c.logicalCpus} logical CPUs, ${c.threadsPerCore || '?'} thread(s) per core as exposed`],
    ['SIMD flags', c.flags.join(' ') + (c.flags.includes('avx512f') ? '' : ' (no AVX-512)')],
    ['caches (per core / shared)', c.caches.join(', ')],
    ['memory / OS', `${m.memGiB} GiB; ${m.os}`],
    ['Node.js', m.node],
    ['C++ compiler (native benches)', m.cxx || 'not found'],
    ['simd-conv2d', `${ours.version || '?'}; kernel ISA **${ours.isa || '?'}**${process.env.SIMD_CONV2D_ISA ? ` (forced by SIMD_CONV2D_ISA=${process.env.SIMD_CONV2D_ISA})` : ''}; ${ours.detail || ''}`],
    ...['ort', 'tfjs', 'onednn', 'core'].filter((p) => data.metas[p]).map((p) => [
      { ort: 'onnxruntime-node', tfjs: 'tfjs-backend-wasm', onednn: 'oneDNN', core: 'ours (C++ core)' }[p],
      `${data.metas[p].version}${data.metas[p].detail ? `; ${data.metas[p].detail}` : ''}${data.metas[p].isa ? `; isa ${data.metas[p].isa}` : ''}`,
    ]),
    ['load average at start / end', `${data.machine.loadavg.join(' ')} / ${data.loadavgEnd.join(' ')}`],
  ];
  return mdTable(['', ''], rows, [false, false]);
}

function peakSection(data) {
  if (!Object.keys(data.peakUsed).length) return `FMA peak not measured: ${data.peakNote || 'unavailable'}. "% of peak" columns are omitted.`;
  const cell = (p) => (p ? `${fmtG(p.gflops)} / ${fmtG(p.max)}` : '–');
  const whens = Object.keys(data.peaks);
  const rows = data.threads.map((t) => [String(t), ...whens.map((w) => cell(data.peaks[w][t])), `**${fmtG(data.peakUsed[t])}**`]);
  return [
    '`bench/native/fma_peak`: 12 independent FMA chains per thread (FMA = 2 flops), on ymm (`_mm256_fmadd_ps`) and,',
    'where the CPU has AVX-512F, on zmm (`_mm512_fmadd_ps`), alternating; the better of the two counts, so a CPU',
    `whose 512-bit FMAs are faster is not flattered. ${zmmNote(data)}`,
    '5 repetitions of ~0.2 s, measured before, between and after the passes (cells: median / best repetition).',
    'The peak used for "% of peak" is the best repetition overall for that thread count: contention can only lower',
    'a measured peak, never raise it.',
    '',
    mdTable(['threads', ...whens, 'peak used'], rows, [true, ...whens.map(() => true), true]),
  ].join('\n');
}

// One sentence comparing the ymm and zmm peaks (best repetitions, 1 thread).
function zmmNote(data) {
  const all = Object.values(data.peaks).map((byT) => byT[1]).filter(Boolean);
  const zmm = all.map((p) => p.zmmMax).filter((v) => typeof v === 'number');
  if (!zmm.length) return 'This CPU has no AVX-512F: ymm only.';
  const ymm = Math.max(...all.map((p) => p.ymmMax).filter((v) => typeof v === 'number'));
  return `Here, 1 thread: ymm ${fmtG(ymm)}, zmm ${fmtG(Math.max(...zmm))} GFLOP/s at best.`;
}

// Issue #5's targets: 16 concurrent applyAsync calls reach >= 90 % of the serial throughput, the
// event loop's p99 delay stays under 10 ms meanwhile, and an idle second after a burst costs
// close to no CPU.
function serverSection(s) {
  const mark = (ok) => (ok ? 'yes' : '**no**');
  const lines = [
    `\`bench/server.js\`: ${s.calls} \`applyAsync\` calls on ${s.layer}, first awaited one by one, then with ${s.inFlight} in flight at all`,
    `times, through the one compute queue (${s.threads} threads, isa ${s.isa}). An input on an ArrayBuffer is copied when`,
    'the call is made (so transferring it cannot reach the running job); one on a SharedArrayBuffer is read in place.',
    `Targets (issue #5): concurrent ≥ 0.9 × serial throughput, event-loop p99 < 10 ms.`, '',
    '| input | serial calls/s | concurrent calls/s | concurrent / serial | ≥ 0.9 | event-loop p99 (serial / concurrent) | < 10 ms |',
    '|---|---:|---:|---:|:-:|---:|:-:|',
  ];
  for (const [input, r] of Object.entries(s.runs)) {
    lines.push(`| ${input} | ${r.serial.callsPerS.toFixed(1)} | ${r.concurrent.callsPerS.toFixed(1)} | ${r.ratio.toFixed(3)} | ${mark(r.ratio >= 0.9)} | ` +
      `${r.serial.p99Ms.toFixed(2)} / ${r.concurrent.p99Ms.toFixed(2)} ms | ${mark(r.concurrent.p99Ms < 10)} |`);
  }
  lines.push('', `Idle CPU (OMP_WAIT_POLICY ${s.waitPolicy}): CPU time of all threads over one idle second right after a one-second burst of`,
    `${Object.entries(s.idle).map(([kind, r]) => `\`${kind}\` calls (${r.burstCalls} of them): ${r.cpuMs.toFixed(1)} ms over ${r.wallMs.toFixed(0)} ms`).join('; ')}.`);
  if (s.foreign != null && s.foreign >= 0.25) lines.push('', `**Other processes used ${s.foreign.toFixed(2)} cores meanwhile: treat these figures as rough.**`);
  return lines.join('\n');
}

function buildMarkdown(data) {
  const ix = makeIndex(data);
  const out = [];
  out.push('# Benchmarks', '');
  out.push(`Generated by \`${data.command}\` on ${data.date} (${data.durationText}, ${data.profile} profile).`,
    'Re-run it to update this file; do not edit by hand.', '');
  out.push('Layers: `bench/suite.json` (NHWC float32, Keras semantics, no bias). GFLOP/s use the suite\'s nominal',
    '`flops` = 2·N·Ho·Wo·Cout·Kh·Kw·Cin/groups, which counts taps that land on padding; "no-pad" uses `flops_nopad`.',
    'Each library runs in its own process, one thread count at a time, after waiting for the machine to be idle;',
    `a process times the **median** of N calls after a warm-up, N sized so a layer takes ~${PROFILES[data.profile].targetS} s (at least ${PROFILES[data.profile].minRuns} calls).`,
    `Every process ran ${data.repeat} time${data.repeat > 1 ? 's (alternating the order of the libraries); each cell is the fastest of those medians, since other load only ever slows a run down' : ''}.`, '');
  out.push('## Machine', '', machineTable(data), '');
  out.push('## FMA peak', '', peakSection(data), '');
  out.push('## Columns', '');
  for (const c of COLUMNS) if (ix.ran(c.key)) out.push(`* **${c.label}**: ${c.what}.`);
  out.push('', 'A peer cell reads `ms · ours×`, where ours× = peer ms / ours ms: **> 1 means simd-conv2d is faster**.',
    '† = noisy cell (its passes differ by > 15 %, or other processes used ≥ 0.25 core while it ran, or its interquartile range exceeded 25 % of the median).',
    ...(data.singleThreadKeys.length ? ['¹ = single-threaded peer (tfjs-wasm cannot use threads in Node); its 1-thread time is shown in every table.'] : []),
    'n/a = the library has no such operation; ✗ = output disagreed with ours, so it was not timed.', '');
  for (const t of data.threads) {
    out.push(`## ${t} thread${t > 1 ? 's' : ''}`, '', mainTable(data, ix, t), '');
    out.push(`GFLOP/s${data.peakUsed[t] ? ` (% of the ${t}-thread FMA peak, ${fmtG(data.peakUsed[t])} GFLOP/s)` : ''} of every column:`, '',
      throughputTable(data, ix, t), '');
  }
  if (ix.ran('onednn')) {
    out.push('## Against oneDNN', '',
      'oneDNN ms ÷ ours ms per layer (> 1: simd-conv2d is faster), for each way of calling ours. oneDNN writes into a',
      'preallocated output, as `ours (out=)` and the C++ core do; `ours` also pays for a new output array per call.', '');
    for (const t of data.threads) {
      const table = onednnTable(data, ix, t);
      if (table) out.push(`${t} thread${t > 1 ? 's' : ''}:`, '', table, '');
    }
  }
  out.push('## Geometric means', '', 'Over the layers each column ran (n/a layers excluded from both sides of its ratio).', '',
    geomeanRows(data, ix), '');
  if (data.server) out.push('## Server behaviour', '', serverSection(data.server), '');
  out.push('## Numerical checks', '',
    'Before timing, every output is compared with ours on the same layer: max|y − ours| / max|ours| < 1e-4',
    '(float32 rounding gives ~1e-6). Ours is checked against a float64 reference on every layer up to',
    `${data.referenceMacLimit / 1e6} M MACs (${data.oursChecks.filter((c) => c.against === 'fp64').map((c) => c.layer).join(', ') || 'none'});`,
    `worst error ${fmtErr(Math.max(0, ...data.oursChecks.filter((c) => c.err != null).map((c) => c.err)))}` +
      `${data.oursChecks.some((c) => !c.ok) ? ` — **FAILED on ${data.oursChecks.filter((c) => !c.ok).map((c) => c.layer).join(', ')}**` : ''}.`, '',
    checkTable(data, ix), '');
  out.push('## Notes', '');
  for (const n of data.notes) out.push(`* ${n}`);
  // Noisy cells, compactly: per column and thread count, the layers.
  const noisyBy = new Map();
  for (const r of data.results.filter(noisy)) {
    const k = `${LABEL[r.key]} T=${r.threads}`;
    if (!noisyBy.has(k)) noisyBy.set(k, []);
    noisyBy.get(k).push(r.layer);
  }
  if (noisyBy.size) {
    const n = [...noisyBy.values()].reduce((a, b) => a + b.length, 0);
    out.push(`* Noisy cells (†), ${n} of ${data.results.length}: ${[...noisyBy].map(([k, ls]) => `${k}: ${ls.join(' ')}`).join('; ')}. ` +
      'Every pass\'s median, the load from other processes and the spread of each cell are in `build/bench-results.json`.');
  }
  for (const s of uniqueSkipNotes(data)) out.push(`* ${s}`);
  out.push('');
  return out.join('\n');
}

function uniqueSkipNotes(data) {
  const seen = new Map();
  for (const s of data.skips) {
    if (s.reason.startsWith('n/a')) continue;
    const k = `${LABEL[s.key] || s.key}: ${s.reason}`;
    if (!seen.has(k)) seen.set(k, []);
    seen.get(k).push(`${s.layer}${s.threads ? ` T=${s.threads}` : ''}`);
  }
  return [...seen].map(([k, where]) => `${k} (${where.join(', ')})`);
}

// What `npm run bench` prints at the end: the main tables and geomeans.
function consoleSummary(data) {
  const ix = makeIndex(data);
  const out = [];
  for (const t of data.threads) {
    const p = data.peakUsed[t];
    out.push(`\n${t} thread${t > 1 ? 's' : ''} — ours isa ${data.metas.ours?.isa || '?'}${p ? `, FMA peak ${fmtG(p)} GFLOP/s` : ''}`);
    out.push(mainTable(data, ix, t));
  }
  out.push('\nGeometric means', geomeanRows(data, ix));
  if (data.server) out.push('\nServer behaviour', serverSection(data.server));
  return out.join('\n');
}

module.exports = { buildMarkdown, consoleSummary, COLUMNS, LABEL, noisy, geomean, gflops };
