#!/usr/bin/env node
'use strict';
// What channels_first costs over channels_last, per suite layer, measured in
// one process: both layouts (and, with --baseline, both builds) take turns
// in many short rounds and each keeps its best, so a shared host's drift
// hits all of them alike. The full benchmark's `ours channels_first` column
// is the report of record; this is for judging a change to the layout code.
//
//   node bench/channels-first.js [--threads 1,2] [--layers L2,L3] [--out] [--baseline DIR]
//
// --out        reuse one output array per layout (apply(x, { out })) instead of a new one per call
// --baseline   another built checkout of this package (e.g. `git worktree add /tmp/before HEAD~1`,
//              then `npx cmake-js compile && npm run build:ts` there) timed in the same rounds

const path = require('path');
const { loadSuite, selectLayers } = require('./suite');

function parseArgs(argv) {
  const o = { threads: [1, 2], layers: null, reuseOutput: false, baseline: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--threads') o.threads = next().split(',').map(Number);
    else if (a === '--layers') o.layers = next().split(',').filter(Boolean);
    else if (a === '--out') o.reuseOutput = true;
    else if (a === '--baseline') o.baseline = path.resolve(next());
    else throw new Error(`unknown option ${a} (see the comment at the top of ${__filename})`);
  }
  if (!o.threads.every((t) => Number.isInteger(t) && t >= 1)) throw new Error('--threads: positive integers');
  return o;
}

// Both layouts of one layer for one build.
function layerPair(sc, l, input) {
  return ['channels_last', 'channels_first'].map((dataFormat) => {
    const layer = new sc.Conv2D({
      filters: l.Cout, kernelSize: [l.Kh, l.Kw], strides: l.stride, padding: l.padding,
      dilationRate: l.dilation, groups: l.groups, useBias: false, dataFormat,
    });
    const shape = dataFormat === 'channels_last' ? [l.N, l.H, l.W, l.Cin] : [l.N, l.Cin, l.H, l.W];
    // The same numbers in either layout: timing does not depend on where each one sits.
    const x = sc.tensor(input, shape);
    const y = layer.apply(x);
    const out = sc.tensor(new Float32Array(y.data.length), y.shape);
    return { layer, x, out, best: Infinity };
  });
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const builds = [['this build', require('..')]];
  if (o.baseline) builds.push(['baseline', require(o.baseline)]);
  const layers = selectLayers(loadSuite(), o.layers);
  for (const threads of o.threads) {
    for (const [, sc] of builds) sc.setNumThreads(threads);
    console.log(`${threads} thread(s), ${o.reuseOutput ? 'one reused output' : 'a new output per call'}; ` +
      'best of 40 alternating rounds, ms (channels_first / channels_last):');
    for (const l of layers) {
      const input = Float32Array.from({ length: l.N * l.H * l.W * l.Cin }, (_, i) => Math.sin(i) * 0.5);
      let weights = null;
      const rows = builds.map(([name, sc]) => {
        const pair = layerPair(sc, l, input);
        weights = weights || pair[0].layer.getWeights();
        for (const c of pair) c.layer.setWeights(weights);
        return { name, pair };
      });
      const calls = Math.max(3, Math.round(0.01 / (l.flops / 100e9 / threads)));
      for (let round = 0; round < 40; round++) {
        for (const { pair } of rows) {
          for (const c of pair) {
            const t0 = process.hrtime.bigint();
            for (let k = 0; k < calls; k++) {
              if (o.reuseOutput) c.layer.apply(c.x, { out: c.out });
              else c.layer.apply(c.x);
            }
            c.best = Math.min(c.best, Number(process.hrtime.bigint() - t0) / 1e6 / calls);
          }
        }
      }
      const cells = rows.map(({ name, pair: [last, first] }) =>
        `${name}: ${last.best.toFixed(3)} / ${first.best.toFixed(3)} = ${(first.best / last.best).toFixed(2)}x`);
      console.log(`  ${l.id.padEnd(4)} ${cells.join('   ')}`);
    }
  }
}

try {
  main();
} catch (e) {
  console.error(`channels-first: ${e.message}`);
  process.exit(1);
}
