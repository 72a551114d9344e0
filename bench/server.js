'use strict';
// What a server sees (issue #5): suite layer L2 through applyAsync, called serially (await each)
// and with 16 calls in flight at all times, the same number of calls each way: throughput, and the
// event loop's p99 delay meanwhile (perf_hooks.monitorEventLoopDelay). Once with the input on an
// ArrayBuffer (applyAsync copies it when called, so a detach cannot reach the running job) and once
// on a SharedArrayBuffer (read in place). Then the CPU time the process uses over one idle second
// right after a burst of calls: what OpenMP's waiting workers and the queue thread cost.
//
//   node bench/server.js [--calls N] [--in-flight K] [--layer L2] [--emit]
// --emit prints protocol lines for bench/run.js instead of a table.
const { monitorEventLoopDelay } = require('node:perf_hooks');
const path = require('node:path');
const { loadSuite, selectLayers, makeInput, makeKernel } = require('./suite');
const { emit } = require('./protocol');

const lib = require(path.join(__dirname, '..'));

function parseArgs(argv) {
  const o = { calls: 300, inFlight: 16, layer: 'L2', emit: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--calls') o.calls = Number(argv[++i]);
    else if (a === '--in-flight') o.inFlight = Number(argv[++i]);
    else if (a === '--layer') o.layer = argv[++i];
    else if (a === '--emit') o.emit = true;
    else throw new Error(`unknown option ${a}; usage: node bench/server.js [--calls N] [--in-flight K] [--layer L2] [--emit]`);
  }
  for (const k of ['calls', 'inFlight']) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`--${k === 'calls' ? 'calls' : 'in-flight'}: a positive integer`);
  }
  return o;
}

function makeLayer(layer) {
  const conv = new lib.Conv2D({
    filters: layer.Cout, kernelSize: [layer.Kh, layer.Kw], strides: layer.stride, padding: layer.padding,
    dilationRate: layer.dilation, groups: layer.groups, useBias: false,
  });
  conv.build([layer.N, layer.H, layer.W, layer.Cin]);
  conv.setWeights([lib.tensor(makeKernel(layer), [layer.Kh, layer.Kw, layer.Cin / layer.groups, layer.Cout])]);
  return conv;
}

function inputOn(layer, shared) {
  const x = makeInput(layer);
  const data = shared ? new Float32Array(new SharedArrayBuffer(x.byteLength)) : new Float32Array(x.length);
  data.set(x);
  return lib.tensor(data, [layer.N, layer.H, layer.W, layer.Cin]);
}

async function timed(calls, run) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = process.hrtime.bigint();
  await run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  h.disable();
  return { callsPerS: calls / s, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 };
}

async function concurrency(conv, x, calls, inFlight) {
  for (let i = 0; i < 20; i++) await conv.applyAsync(x); // warm up
  const serial = await timed(calls, async () => {
    for (let i = 0; i < calls; i++) await conv.applyAsync(x);
  });
  const concurrent = await timed(calls, async () => {
    let started = 0;
    const lane = async () => {
      while (started < calls) {
        started++;
        await conv.applyAsync(x);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  });
  return { serial, concurrent, ratio: concurrent.callsPerS / serial.callsPerS };
}

// CPU time (user + system, all threads) over `idleMs` of doing nothing, after `burstMs` of
// back-to-back `apply` (sync) or `applyAsync` calls: the first run their OpenMP team from the
// calling thread, the second from the compute queue's thread, and each team waits its own way.
async function idleCpu(conv, x, { sync, burstMs = 1000, idleMs = 1000 }) {
  const t0 = Date.now();
  let calls = 0;
  while (Date.now() - t0 < burstMs) {
    if (sync) conv.apply(x);
    else await conv.applyAsync(x);
    calls++;
  }
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const c = process.cpuUsage(c0);
  const wallMs = Number(process.hrtime.bigint() - w0) / 1e6;
  return { burstCalls: calls, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const [layer] = selectLayers(loadSuite(), [o.layer]);
  const conv = makeLayer(layer);
  const info = lib.info();
  const meta = { layer: layer.id, calls: o.calls, inFlight: o.inFlight, threads: lib.getNumThreads(), isa: info.isa,
    waitPolicy: process.env.OMP_WAIT_POLICY || '(libgomp default)' };
  const runs = {};
  for (const input of ['ArrayBuffer', 'SharedArrayBuffer']) {
    runs[input] = await concurrency(conv, inputOn(layer, input === 'SharedArrayBuffer'), o.calls, o.inFlight);
  }
  const idle = {};
  for (const kind of ['apply', 'applyAsync']) idle[kind] = await idleCpu(conv, inputOn(layer, false), { sync: kind === 'apply' });
  if (o.emit) {
    emit({ type: 'server', ...meta, runs, idle });
    return;
  }
  console.log(`${layer.id} (${layer.name}), ${o.calls} applyAsync calls each way, ${meta.threads} threads, isa ${meta.isa}`);
  for (const [input, r] of Object.entries(runs)) {
    for (const [label, m] of [['serial (await each)', r.serial], [`${o.inFlight} in flight`, r.concurrent]]) {
      console.log(`  input on ${input.padEnd(17)} ${label.padEnd(20)} ${m.callsPerS.toFixed(1).padStart(7)} calls/s` +
        `   event-loop delay p99 ${m.p99Ms.toFixed(2)} ms, max ${m.maxMs.toFixed(2)} ms`);
    }
    console.log(`  input on ${input.padEnd(17)} concurrent / serial throughput: ${r.ratio.toFixed(3)}`);
  }
  for (const [kind, r] of Object.entries(idle)) {
    console.log(`idle second after a ${r.burstCalls}-call burst of ${kind}: ${r.cpuMs.toFixed(1)} ms CPU over ${r.wallMs.toFixed(0)} ms ` +
      `(OMP_WAIT_POLICY ${meta.waitPolicy})`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

module.exports = { idleCpu };
