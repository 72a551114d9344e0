'use strict';
// onnxruntime-node, CPU execution provider, on a one-node Conv model.
//
// Three numbers per layer:
//  ort_user   what a Keras-style (NHWC) caller pays: transpose NHWC -> NCHW,
//             wrap in an ort.Tensor, await session.run(), transpose the NCHW
//             result back to NHWC. Fresh arrays each call, as user code has.
//  ort_nchw   session.run() alone on data that is already NCHW (a caller
//             whose whole pipeline is NCHW). Still includes ORT's own
//             ReorderInput/ReorderOutput nodes around its NCHWc Conv and the
//             binding/output allocation.
//  ort_kernel the Conv node's kernel time only, from ORT's profiler, in a
//             second session (no reorders, no binding): ORT's best case, as
//             inside a network that stays in its blocked layout.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { convModel } = require('../onnx-model');
const { nhwcToNchw, nchwToNhwc, hwioToOihw } = require('../layout');
const { summarize } = require('../timing');

let ort;
let threads = 1;
let profileDir;

const columns = [
  { key: 'ort_user', label: 'ORT (user)' },
  { key: 'ort_nchw', label: 'ORT (NCHW run)' },
  { key: 'ort_kernel', label: 'ORT (kernel)' },
];

async function init(opts) {
  // Loading the binding is what fails when the package was installed without
  // its native files; let that error surface as this peer's skip reason.
  ort = require('onnxruntime-node');
  threads = opts.threads;
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simd-conv2d-ort-prof-'));
  const version = ort.env.versions ? ort.env.versions.node || ort.env.versions.common : 'unknown';
  return {
    version: `onnxruntime-node ${version}`,
    threads,
    detail: 'CPUExecutionProvider, graphOptimizationLevel "all", intraOpNumThreads = thread count, interOpNumThreads 1, sequential',
  };
}

function sessionOptions(extra = {}) {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...extra,
  };
}

async function prepare(layer, x, w) {
  const model = convModel(layer, hwioToOihw(w, layer.Kh, layer.Kw, layer.Cin / layer.groups, layer.Cout));
  const session = await ort.InferenceSession.create(model, sessionOptions());
  const { N, H, W, Cin, Cout, Ho, Wo } = layer;
  const xDims = [N, Cin, H, W];

  const runUser = async () => {
    const input = new ort.Tensor('float32', nhwcToNchw(x, N, H, W, Cin), xDims);
    const out = await session.run({ x: input });
    return nchwToNhwc(out.y.data, N, Cout, Ho, Wo);
  };

  const xNchw = new ort.Tensor('float32', nhwcToNchw(x, N, H, W, Cin), xDims);
  const runNchw = () => session.run({ x: xNchw });

  // Kernel time from the profiler: a separate session so the profiling
  // overhead never touches the two run() timings above.
  const kernel = async (profile) => {
    const prefix = path.join(profileDir, `conv_${layer.id}_t${threads}`);
    const prof = await ort.InferenceSession.create(
      model,
      sessionOptions({ enableProfiling: true, profileFilePrefix: prefix }),
    );
    const warm = Math.max(profile.warmupCalls, 3);
    const t0 = Date.now();
    for (let i = 0; i < warm; i++) await prof.run({ x: xNchw });
    const perCall = (Date.now() - t0) / warm;
    const n = Math.max(profile.minRuns, Math.min(profile.maxRuns, Math.round((profile.targetS * 1000) / Math.max(perCall, 1e-3))));
    for (let i = 0; i < n; i++) await prof.run({ x: xNchw });
    prof.endProfiling();
    await prof.release();
    const samples = readConvKernelTimes(profileDir, path.basename(prefix));
    if (samples.length < n) throw new Error(`ORT profile has ${samples.length} Conv events, expected >= ${n}`);
    return summarize(samples.slice(-n)); // drop the warm-up calls
  };

  return {
    output: runUser, // the check uses exactly the path a user takes
    timers: {
      ort_user: { fn: runUser, async: true },
      ort_nchw: { fn: runNchw, async: true },
      ort_kernel: { custom: kernel },
    },
    dispose: () => session.release(),
  };
}

// Profile events for a node are named "<node>_kernel_time" with cat "Node";
// args.op_name tells the Conv apart from ORT's inserted Reorder nodes.
// `dur` is in microseconds.
function readConvKernelTimes(dir, base) {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  if (files.length === 0) throw new Error('ORT wrote no profile file');
  const file = path.join(dir, files.sort().pop());
  const events = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
  return events
    .filter((e) => e.cat === 'Node' && e.args && e.args.op_name === 'Conv' && String(e.name).endsWith('_kernel_time'))
    .map((e) => e.dur / 1000);
}

function finish() {
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
}

module.exports = { id: 'ort', columns, init, prepare, finish };
