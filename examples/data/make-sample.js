#!/usr/bin/env node
'use strict';
// How examples/data/sample.png was made (see README.md here): scikit-image's astronaut.png,
// averaged down to 176x176 so the committed file stays small. Area averaging, not point
// sampling: 512 -> 176 is a factor of about 2.9, and dropping pixels would alias the fine texture.
//
//   node examples/data/make-sample.js /path/to/skimage/data/astronaut.png examples/data/sample.png

const fs = require('fs');
const { PNG } = require('pngjs');

const SIZE = 176;

// Weights of source cells [0, n) that fall into output cell `o` of `m`, for a 1-D area resample.
function coverage(n, m, o) {
  const scale = n / m;
  const lo = o * scale;
  const hi = lo + scale;
  const cells = [];
  for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
    const w = Math.min(hi, i + 1) - Math.max(lo, i);
    if (w > 0) cells.push([i, w / scale]);
  }
  return cells;
}

function main(src, dst) {
  const img = PNG.sync.read(fs.readFileSync(src));
  const out = new PNG({ width: SIZE, height: SIZE });
  const rows = Array.from({ length: SIZE }, (_, y) => coverage(img.height, SIZE, y));
  const cols = Array.from({ length: SIZE }, (_, x) => coverage(img.width, SIZE, x));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const acc = [0, 0, 0];
      for (const [sy, wy] of rows[y]) {
        for (const [sx, wx] of cols[x]) {
          const p = (sy * img.width + sx) * 4;
          for (let c = 0; c < 3; c++) acc[c] += img.data[p + c] * wy * wx;
        }
      }
      const q = (y * SIZE + x) * 4;
      for (let c = 0; c < 3; c++) out.data[q + c] = Math.round(acc[c]);
      out.data[q + 3] = 255;
    }
  }
  fs.writeFileSync(dst, PNG.sync.write(out, { colorType: 2, deflateStrategy: 0 }));
}

if (process.argv.length !== 4) {
  console.error('usage: node examples/data/make-sample.js ASTRONAUT.png OUT.png');
  process.exit(2);
}
main(process.argv[2], process.argv[3]);
