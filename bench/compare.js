'use strict';
// Output agreement. Element-wise relative error explodes on outputs near zero
// (every conv has some), so the metric is max|y - ref| / max|ref|: the worst
// absolute error relative to the output's scale. Float32 rounding of a
// K-term dot product lands around 1e-6; a wrong index or padding gives O(1).

const TOLERANCE = 1e-4;

function maxRelErr(y, ref) {
  if (y.length !== ref.length) return { ok: false, err: Infinity, why: `length ${y.length} != ${ref.length}` };
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(y[i] - ref[i]);
    // NaN must fail: comparisons with NaN are false, so test explicitly.
    if (!(d <= maxDiff)) maxDiff = Number.isNaN(d) ? Infinity : d;
    const r = Math.abs(ref[i]);
    if (r > maxRef) maxRef = r;
  }
  const err = maxRef > 0 ? maxDiff / maxRef : maxDiff;
  return { ok: err < TOLERANCE, err };
}

module.exports = { maxRelErr, TOLERANCE };
