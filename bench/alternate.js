#!/usr/bin/env node
'use strict';
// `npm run bench:alternate`: the C++ core and oneDNN timed in turn, many
// short rounds, best of each. On a shared host the full benchmark's cells
// can drift 20 % between runs minutes apart; two libraries measured within
// the same second see the same neighbours, so their ratio holds steady even
// when the absolute times do not. Use it to check a change worth a few per
// cent; `npm run bench` stays the report of record.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { loadSuite, selectLayers } = require('./suite');
const { buildNative, layerArg } = require('./native');
const { parse } = require('./protocol');
const { collectMachine } = require('./machine');

const USAGE = `usage: npm run bench:alternate -- [options]
  --layers L3,L7      suite layers (default: all)
  --threads 1,2       thread counts (default: 1,2)
  --rounds N          rounds per thread count, each running both libraries (default 8)
  --target-s S        seconds per layer per process (default 0.05)
  --baseline FILE     compare with another build's core_conv instead of oneDNN
                      (copy build/bench-native/core_conv aside before changing the code)
  --out FILE          also write the tables as markdown, with the command, date and CPU
  -h, --help          this text
Prints, per layer, the best per-process minimum of each side and
other ms / ours ms (> 1: this build is faster). Without --baseline it needs
oneDNN (apt-get install libdnnl-dev).`;

function parseArgs(argv) {
  const o = { layers: null, threads: [1, 2], rounds: 8, targetS: 0.05, baseline: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: a value is required\n${USAGE}`);
      return argv[++i];
    };
    if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--layers') o.layers = next().split(',').filter(Boolean);
    else if (a === '--threads') o.threads = next().split(',').map(Number);
    else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--target-s') o.targetS = Number(next());
    else if (a === '--baseline') o.baseline = next();
    else if (a === '--out') o.out = next();
    else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!o.threads.length || !o.threads.every((t) => Number.isInteger(t) && t >= 1)) {
    throw new Error(`--threads: positive integers, e.g. 1,2\n${USAGE}`);
  }
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error(`--rounds: a positive integer\n${USAGE}`);
  if (!(o.targetS > 0)) throw new Error(`--target-s: a positive number of seconds\n${USAGE}`);
  return o;
}

// One process of `bin` over `layers`: layer id -> its fastest call in ms.
function runOnce(bin, threads, layers, targetS) {
  const args = ['--threads', String(threads), '--target-s', String(targetS), ...layers.flatMap((l) => ['--layer', layerArg(l)])];
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
  if (r.status !== 0) throw new Error(`${bin} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  const best = new Map();
  for (const line of r.stdout.split('\n')) {
    const msg = parse(line);
    if (msg && msg.type === 'result') best.set(msg.layer, msg.minMs);
  }
  return best;
}

function main() {
  let opts;
  let layers;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) {
      console.log(USAGE);
      return;
    }
    layers = selectLayers(loadSuite(), opts.layers);
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (opts.baseline && !fs.existsSync(opts.baseline)) {
    console.error(`[alternate] --baseline: no such file ${opts.baseline}`);
    process.exit(2);
  }
  const native = buildNative();
  for (const name of opts.baseline ? ['core'] : ['core', 'onednn']) {
    if (!native[name].path) {
      console.error(`[alternate] ${native[name].skip}`);
      process.exit(1);
    }
  }
  const other = opts.baseline ? 'baseline' : 'oneDNN';
  const bins = { ours: native.core.path, other: opts.baseline ? path.resolve(opts.baseline) : native.onednn.path };
  const lines = [];
  const say = (text) => {
    console.log(text);
    lines.push(text);
  };
  for (const t of opts.threads) {
    const best = { ours: new Map(), other: new Map() };
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate which side goes first, so neither always follows the other.
      const order = round % 2 ? ['other', 'ours'] : ['ours', 'other'];
      for (const side of order) {
        for (const [layer, ms] of runOnce(bins[side], t, layers, opts.targetS)) {
          best[side].set(layer, Math.min(best[side].get(layer) ?? Infinity, ms));
        }
      }
      process.stderr.write(`\r[alternate] ${t} thread${t > 1 ? 's' : ''}: round ${round + 1}/${opts.rounds}`);
    }
    process.stderr.write('\n');
    say('');
    say(`${t} thread${t > 1 ? 's' : ''}, best of ${opts.rounds} alternating rounds (~${opts.targetS} s per layer per process):`);
    say('');
    say(`| layer | ours (C++ core) ms | ${other} ms | ${other} ÷ ours |`);
    say('| --- | ---: | ---: | ---: |');
    for (const l of layers) {
      const a = best.ours.get(l.id);
      const b = best.other.get(l.id);
      const ratio = a && b ? `${(b / a).toFixed(2)}×` : 'n/a';
      say(`| ${l.id} ${l.name} | ${a ? a.toFixed(3) : 'n/a'} | ${b ? b.toFixed(3) : 'n/a'} | ${ratio} |`);
    }
  }
  if (opts.out) {
    const m = collectMachine();
    const command = `npm run bench:alternate${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    const head = [
      `# C++ core against ${other}, alternating rounds`,
      '',
      `Generated by \`${command}\` on ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}; ` +
        `${m.cpu.model}${m.cpu.core ? ` (${m.cpu.core})` : ''}, ${m.cpu.logicalCpus} CPUs.`,
      'Each round runs both sides once over the layers; a cell is the fastest call of any round.',
      `${other} ÷ ours > 1 means this build's core is faster. See bench/README.md for when to use this instead of \`npm run bench\`.`,
    ];
    fs.writeFileSync(opts.out, [...head, ...lines, ''].join('\n'));
    console.error(`[alternate] wrote ${opts.out}`);
  }
}

main();
