'use strict';
// What the numbers were measured on, for the report header, plus a CPU-time
// monitor: on a small shared VM, other processes (or other guests) steal
// cores, and a timing taken while that happened should be visibly flagged.

const fs = require('fs');
const os = require('os');
const { spawnSync } = require('child_process');

const read = (f) => {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return null;
  }
};

const firstLine = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
};

// Flags that matter for a float32 conv kernel.
const INTERESTING_FLAGS = ['sse4_2', 'avx', 'f16c', 'fma', 'avx2', 'avx512f', 'avx512dq', 'avx512bw', 'avx512vl',
  'avx512_vnni', 'avx512_bf16', 'avx512_fp16', 'amx_tile', 'avx_vnni'];

// KVM often masks the model name ("AMD EPYC"); family/model still identify
// the core. Only the AMD Zen families are mapped (the project's targets).
function amdCore(family, model) {
  if (family === 23) return model >= 0x30 ? 'Zen 2' : 'Zen / Zen+';
  if (family === 25) {
    if (model <= 0x0f || (model >= 0x20 && model <= 0x2f) || (model >= 0x40 && model <= 0x5f)) return 'Zen 3';
    return 'Zen 4';
  }
  if (family === 26) return 'Zen 5';
  return null;
}

function cpuInfo() {
  const text = read('/proc/cpuinfo') || '';
  const field = (name) => {
    const m = text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'));
    return m ? m[1].trim() : null;
  };
  const flags = (field('flags') || '').split(/\s+/);
  const vendor = field('vendor_id');
  const family = Number(field('cpu family'));
  const model = Number(field('model'));
  const core = vendor === 'AuthenticAMD' ? amdCore(family, model) : null;
  const caches = [];
  for (let i = 0; i < 8; i++) {
    const dir = `/sys/devices/system/cpu/cpu0/cache/index${i}`;
    const size = read(`${dir}/size`);
    if (!size) break;
    const type = read(`${dir}/type`).trim();
    if (type === 'Instruction') continue;
    const kib = parseInt(size, 10); // sysfs writes e.g. "32K"
    const text = kib >= 1024 && kib % 1024 === 0 ? `${kib / 1024} MiB` : `${kib} KiB`;
    caches.push(`L${read(`${dir}/level`).trim()}${type === 'Data' ? 'd' : ''} ${text}`);
  }
  const siblings = read('/sys/devices/system/cpu/cpu0/topology/thread_siblings_list');
  return {
    model: field('model name') || os.cpus()[0]?.model || 'unknown',
    vendor,
    family,
    modelNumber: model,
    stepping: field('stepping'),
    core,
    logicalCpus: os.cpus().length,
    threadsPerCore: siblings ? siblings.trim().split(/[,-]/).length : null,
    mhz: field('cpu MHz'),
    hypervisor: flags.includes('hypervisor'),
    flags: INTERESTING_FLAGS.filter((f) => flags.includes(f)),
    caches,
  };
}

function collectMachine() {
  const osRelease = read('/etc/os-release') || '';
  const pretty = (osRelease.match(/^PRETTY_NAME="?([^"\n]*)"?/m) || [])[1];
  return {
    cpu: cpuInfo(),
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${pretty || os.type()} (kernel ${os.release()})`,
    node: process.version,
    cxx: firstLine('c++', ['--version']),
    loadavg: os.loadavg().map((v) => +v.toFixed(2)),
  };
}

// ---- CPU-time monitor -------------------------------------------------------
const CLK_TCK = Number(firstLine('getconf', ['CLK_TCK'])) || 100;

// Aggregate line of /proc/stat: busy (non-idle, non-iowait) and steal jiffies.
function statSample() {
  const line = (read('/proc/stat') || '').split('\n')[0];
  const v = line.split(/\s+/).slice(1).map(Number);
  if (v.length < 8) return null;
  const [user, nice, system, , , irq, softirq, steal] = v;
  return { busy: (user + nice + system + irq + softirq) / CLK_TCK, steal: steal / CLK_TCK, t: Date.now() / 1000 };
}

// Cores' worth of CPU used by anything other than `ownCpuS` (the benchmark
// process and this orchestrator) between two samples, and steal time.
function foreignLoad(a, b, ownCpuS) {
  if (!a || !b || b.t <= a.t) return null;
  const wall = b.t - a.t;
  return {
    foreign: Math.max(0, (b.busy - a.busy - ownCpuS) / wall),
    steal: (b.steal - a.steal) / wall,
  };
}

function orchestratorCpuS() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

module.exports = { collectMachine, statSample, foreignLoad, orchestratorCpuS };

// Waits (up to maxWaitS) until other processes use less than `threshold`
// cores over a 1 s window, so each benchmark process starts on an idle
// machine. Returns the last measured foreign load (cores).
async function waitForQuiet({ threshold = 0.25, maxWaitS = 60, onWait } = {}) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const t0 = Date.now();
  for (;;) {
    const a = statSample();
    const c0 = orchestratorCpuS();
    await sleep(1000);
    const load = foreignLoad(a, statSample(), orchestratorCpuS() - c0);
    const busy = load ? load.foreign + load.steal : 0;
    if (busy < threshold || (Date.now() - t0) / 1000 >= maxWaitS) return busy;
    if (onWait) onWait(busy);
  }
}

module.exports.waitForQuiet = waitForQuiet;
