'use strict';
// Layout conversions a user of an NCHW/OIHW library has to write for Keras
// (NHWC activations, HWIO kernel) data. Plain loops, as user code would have.

// NHWC -> NCHW. Reads the source sequentially (channel innermost) and scatters
// writes, which is the faster order for small C (e.g. 3 for the stem layer).
function nhwcToNchw(src, n, h, w, c, dst = new Float32Array(src.length)) {
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const sb = b * hw * c;
    const db = b * c * hw;
    for (let p = 0; p < hw; p++) {
      const s = sb + p * c;
      for (let ch = 0; ch < c; ch++) dst[db + ch * hw + p] = src[s + ch];
    }
  }
  return dst;
}

// NCHW -> NHWC: writes the destination sequentially.
function nchwToNhwc(src, n, c, h, w, dst = new Float32Array(src.length)) {
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const sb = b * c * hw;
    const db = b * hw * c;
    for (let p = 0; p < hw; p++) {
      const d = db + p * c;
      for (let ch = 0; ch < c; ch++) dst[d + ch] = src[sb + ch * hw + p];
    }
  }
  return dst;
}

// Keras HWIO (Kh, Kw, Cg, Cout) -> ONNX/oneDNN OIHW (Cout, Cg, Kh, Kw). With
// groups the output channel index already runs over all groups in both.
function hwioToOihw(src, kh, kw, cg, cout) {
  const dst = new Float32Array(src.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cg; i++) {
        const s = ((y * kw + x) * cg + i) * cout;
        for (let o = 0; o < cout; o++) dst[((o * cg + i) * kh + y) * kw + x] = src[s + o];
      }
    }
  }
  return dst;
}

module.exports = { nhwcToNchw, nchwToNhwc, hwioToOihw };
