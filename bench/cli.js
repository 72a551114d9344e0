'use strict';
// Command-line options of `npm run bench` (node bench/run.js).

const USAGE = `usage: npm run bench -- [options]
  --layers L1,L2      suite layers to run (default: all)
  --threads 1,2       thread counts (default: 1,2)
  --peers a,b         subset of: ours,core,ort,tfjs,onednn (default: all available)
  --repeat N          processes per library and thread count; each cell
                      reports the fastest median (default 5; 1 with --quick)
  --no-server         skip the server section (concurrent applyAsync on L2,
                      event-loop delay, idle CPU after a burst)
  --quick             short smoke run (tiny timing windows); does not write
                      BENCHMARKS.md unless --write is given
  --no-write          print the tables, do not write BENCHMARKS.md
  --write             write BENCHMARKS.md even with --quick
  --out FILE          markdown output (default: BENCHMARKS.md)
  -h, --help          this text
Environment: SIMD_CONV2D_ISA=scalar|avx2|avx512 forces our kernel set.`;

const ALL_PEERS = ['ours', 'core', 'ort', 'tfjs', 'onednn'];

function list(v, name) {
  if (!v || v.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseArgs(argv) {
  const o = { layers: null, threads: [1, 2], peers: ALL_PEERS, quick: false, write: null, out: 'BENCHMARKS.md', server: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--layers') o.layers = list(argv[++i], a);
    else if (a === '--threads') {
      o.threads = list(argv[++i], a).map(Number);
      if (o.threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--threads: positive integers only\n${USAGE}`);
    } else if (a === '--peers') {
      o.peers = list(argv[++i], a);
      const bad = o.peers.filter((p) => !ALL_PEERS.includes(p));
      if (bad.length) throw new Error(`unknown peer(s) ${bad.join(',')}\n${USAGE}`);
    } else if (a === '--repeat') {
      o.repeat = Number(argv[++i]);
      if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new Error(`--repeat: a positive integer\n${USAGE}`);
    } else if (a === '--quick') o.quick = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--no-server') o.server = false;
    else if (a === '--write') o.write = true;
    else if (a === '--out') o.out = argv[++i];
    else if (a === '-h' || a === '--help') o.help = true;
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  // A smoke run must not overwrite the full results by accident.
  if (o.write === null) o.write = !o.quick;
  if (!o.peers.includes('ours')) o.peers = ['ours', ...o.peers]; // ratios need ours
  return o;
}

module.exports = { parseArgs, USAGE };
