'use strict';
// A textbook NHWC x HWIO convolution accumulated in float64, used only to
// check our own output before timing it (the kernels are being rewritten;
// a fast wrong answer must never reach BENCHMARKS.md). Pads come from the
// suite entry, so Keras "same" asymmetry is exercised, not re-derived.

function referenceConv(layer, x, w) {
  const { N, H, W, Cin, Cout, Kh, Kw, Ho, Wo, groups } = layer;
  const s = layer.stride;
  const d = layer.dilation;
  const cg = Cin / groups;
  const fg = Cout / groups;
  const y = new Float32Array(N * Ho * Wo * Cout);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < Ho; oh++) {
      for (let ow = 0; ow < Wo; ow++) {
        const ybase = ((n * Ho + oh) * Wo + ow) * Cout;
        for (let co = 0; co < Cout; co++) {
          const g = Math.floor(co / fg);
          let acc = 0;
          for (let ky = 0; ky < Kh; ky++) {
            const ih = oh * s - layer.pad_top + ky * d;
            if (ih < 0 || ih >= H) continue;
            for (let kx = 0; kx < Kw; kx++) {
              const iw = ow * s - layer.pad_left + kx * d;
              if (iw < 0 || iw >= W) continue;
              const xbase = ((n * H + ih) * W + iw) * Cin + g * cg;
              const wbase = (ky * Kw + kx) * cg * Cout + co;
              for (let ci = 0; ci < cg; ci++) acc += x[xbase + ci] * w[wbase + ci * Cout];
            }
          }
          y[ybase + co] = acc;
        }
      }
    }
  }
  return y;
}

module.exports = { referenceConv };
