#!/usr/bin/env node
// What a fresh output array costs: one layer called through the native binding with
// (a) the same output array every call, (b) a new zeroed Float32Array, (c) new malloc'd memory
// (what layer.apply uses), (d) layer.apply itself, and (e) layer.apply(x, { out }) into one
// caller-owned array (the public way to get (a)). Run it with and without the addon's malloc
// policy (README, "Performance") to see glibc's part:
//
//   node bench/fresh-output.js [threads] [H,W,Cin,Cout,K]      (default: 2 56,56,64,256,1 = L3)
//   SIMD_CONV2D_MALLOC=default node bench/fresh-output.js    (glibc's default policy, see README)
'use strict';
const sc = require('..');
const { encodeConvParams, native } = require('../dist/binding.js');

const threads = Number(process.argv[2] || 2);
const [H, W, C, F, K] = (process.argv[3] || '56,56,64,256,1').split(',').map(Number);
sc.setNumThreads(threads);
const layer = new sc.Conv2D({ filters: F, kernelSize: K, useBias: false, padding: 'same' });
const x = sc.tensor(new Float32Array(H * W * C).fill(0.5), [1, H, W, C]);
layer.apply(x);
const call = layer.prepare(x);
const n = call.output.data.length;
const variants = {
  'reused output': () => call.output.data,
  'new Float32Array': () => new Float32Array(n),
  'allocUnsafeSlow': () => {
    const b = Buffer.allocUnsafeSlow(n * 4);
    return new Float32Array(b.buffer, b.byteOffset, n);
  },
  'layer.apply': null,
  'apply(x, { out })': 'out',
};
const out = sc.tensor(new Float32Array(n), call.output.shape);
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < 20; round++) {
  for (const [name, make] of Object.entries(variants)) {
    for (let i = 0; i < 20; i++) {
      const t0 = process.hrtime.bigint();
      if (make === 'out') layer.apply(x, { out });
      else if (make) native().conv2d(call.packed, call.input.data, make(), encodeConvParams(call.params));
      else layer.apply(x);
      times[name].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
}
console.log(`${H}x${W}x${C} -> ${F}, ${K}x${K}, ${threads} thread(s), output ${(n * 4 / 2 ** 20).toFixed(1)} MiB, ` +
  `malloc policy '${sc.info().malloc}'; ms per call:`);
for (const [name, t] of Object.entries(times)) {
  t.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(18)} median ${t[t.length >> 1].toFixed(3)}  p10 ${t[(t.length / 10) | 0].toFixed(3)}`);
}
