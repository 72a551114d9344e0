'use strict';
// One timing protocol for every JS peer (the C++ side mirrors it in
// bench/native/common.h): warm up, size N from the warm-up speed so a layer
// takes about `targetS` seconds, then report the median of N timed calls.
// The median (not the mean) because a 2-core VM shares its cores: single
// calls get preempted and would drag a mean far off.

const PROFILES = {
  full: { targetS: 0.3, minRuns: 5, maxRuns: 2000, warmupCalls: 3, warmupS: 0.1 },
  quick: { targetS: 0.04, minRuns: 3, maxRuns: 200, warmupCalls: 1, warmupS: 0.01 },
};

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (f) => s[Math.min(s.length - 1, Math.floor(f * (s.length - 1) + 0.5))];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { ms: median, runs: s.length, minMs: s[0], p25: q(0.25), p75: q(0.75) };
}

// fn: a function doing one complete call. `isAsync` tells whether to await
// it; awaiting a sync function would add an event-loop turn to its time.
async function measure(fn, profile, isAsync = false) {
  const p = typeof profile === 'string' ? PROFILES[profile] : profile;
  // Warm-up: first calls pay for lazy allocation, JIT, weight packing,
  // thread-pool start-up; none of that is the steady state a layer runs at.
  let calls = 0;
  const w0 = now();
  while (calls < p.warmupCalls || now() - w0 < p.warmupS * 1000) {
    if (isAsync) await fn();
    else fn();
    calls++;
    // A slow call (scalar kernel on a big layer) should not be repeated
    // many times just to fill the warm-up window.
    if (calls >= 1 && now() - w0 > 4 * p.targetS * 1000) break;
  }
  const perCall = (now() - w0) / calls;
  const n = Math.max(p.minRuns, Math.min(p.maxRuns, Math.round((p.targetS * 1000) / Math.max(perCall, 1e-3))));
  const samples = new Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = now();
    if (isAsync) await fn();
    else fn();
    samples[i] = now() - t0;
  }
  return summarize(samples);
}

module.exports = { measure, summarize, PROFILES };
