'use strict';
// A few layers whose exact outputs are known (small integers, so every product and sum is exact in
// float32 whatever the kernel's order), checked element for element: run by
// scripts/test-arm64-node.sh with an AArch64 Node.js under qemu against the prebuilt linux-arm64
// binary, and runnable anywhere (`node scripts/arm64-smoke.js`).
const { Conv2D, tensor, info } = require('..');

function reference(x, [n, h, w, c], kernel, [kh, kw, cg, f], groups) {
  const fg = f / groups;
  const out = new Float32Array(n * (h - kh + 1) * (w - kw + 1) * f);
  let i = 0;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy <= h - kh; oy++)
      for (let ox = 0; ox <= w - kw; ox++)
        for (let o = 0; o < f; o++) {
          const g = Math.floor(o / fg);
          let s = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let q = 0; q < cg; q++)
                s += x[((b * h + oy + ky) * w + ox + kx) * c + g * cg + q] * kernel[((ky * kw + kx) * cg + q) * f + o];
          out[i++] = s;
        }
  return out;
}

const cases = [
  { name: '1x1, 64 -> 96', shape: [2, 7, 9, 64], k: 1, filters: 96, groups: 1 },
  { name: '3x3, 16 -> 40', shape: [1, 9, 11, 16], k: 3, filters: 40, groups: 1 },
  { name: '3x3 depthwise, 24', shape: [1, 8, 8, 24], k: 3, filters: 24, groups: 24 },
  { name: '3x3 grouped g=4, 32 -> 32', shape: [1, 8, 10, 32], k: 3, filters: 32, groups: 4 },
];
let failed = 0;
for (const t of cases) {
  const [n, h, w, c] = t.shape;
  const x = Float32Array.from({ length: n * h * w * c }, (_, i) => ((i * 7) % 5) - 2);
  const kshape = [t.k, t.k, c / t.groups, t.filters];
  const kernel = Float32Array.from({ length: kshape.reduce((a, b) => a * b) }, (_, i) => ((i * 3) % 7) - 3);
  const layer = new Conv2D({ filters: t.filters, kernelSize: t.k, groups: t.groups, useBias: false });
  layer.build(t.shape);
  layer.setWeights([tensor(kernel, kshape)]);
  const y = layer.apply(tensor(x, t.shape)).data;
  const want = reference(x, t.shape, kernel, kshape, t.groups);
  const bad = want.findIndex((v, i) => v !== y[i]);
  if (bad >= 0 || y.length !== want.length) {
    failed++;
    console.log(`arm64-smoke: FAIL ${t.name}: element ${bad} is ${y[bad]}, expected ${want[bad]}`);
  } else {
    console.log(`arm64-smoke: ${t.name}: ${y.length} outputs exact`);
  }
}
const i = info();
console.log(`arm64-smoke: ${failed ? 'FAILED' : 'OK'} (${process.arch}, Node ${process.version}, kernels ${i.isa})`);
process.exit(failed ? 1 : 0);
