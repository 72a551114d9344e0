'use strict';
// @tensorflow/tfjs-backend-wasm (XNNPACK compiled to wasm SIMD-128), NHWC.
//
// Fed like our layer: a Float32Array in, a Float32Array out. One call =
// tf.tensor4d(x) (copies into the wasm heap) -> tf.conv2d -> dataSync (copies
// the result out) -> dispose. Depthwise layers (groups == Cin == Cout) map to
// tf.depthwiseConv2d; other grouped layers have no tfjs op and are n/a.
//
// Threads: the backend hard-codes WASM_HAS_MULTITHREAD_SUPPORT = false under
// Node (tfjs issue 3830), so it always runs one thread here; the bench runs
// it once and says so instead of pretending a 2-thread number.

const path = require('path');

let tf;
let simd = null;

const columns = [{ key: 'tfjs_wasm', label: 'tfjs-wasm' }];

async function init() {
  tf = require('@tensorflow/tfjs-core');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  // The .wasm files ship in the package's dist dir; pointing there keeps the
  // backend offline (it would otherwise resolve them relative to the bundle).
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  wasm.setWasmPaths(distDir + path.sep);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tf.setBackend("wasm") failed');
  await tf.ready();
  simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const pkg = require('@tensorflow/tfjs-backend-wasm/package.json');
  return {
    version: `@tensorflow/tfjs-backend-wasm ${pkg.version}`,
    threads: 1,
    detail: `wasm SIMD ${simd ? 'on' : 'off'}, multithreading ${mt ? 'on' : 'off (not supported in Node)'}`,
  };
}

function isDepthwise(layer) {
  return layer.groups === layer.Cin && layer.Cout === layer.Cin;
}

async function prepare(layer, x, w) {
  if (layer.groups !== 1 && !isDepthwise(layer)) {
    return { skip: 'n/a: tfjs has no grouped convolution' };
  }
  const { N, H, W, Cin, Kh, Kw, Cout } = layer;
  const pad = layer.padding; // 'same' | 'valid': tfjs uses TF's rule, as Keras
  const s = [layer.stride, layer.stride];
  const d = [layer.dilation, layer.dilation];
  let call;
  let filter;
  if (layer.groups === 1) {
    filter = tf.tensor4d(w, [Kh, Kw, Cin, Cout]);
    call = (xt) => tf.conv2d(xt, filter, s, pad, 'NHWC', d);
  } else {
    // Keras depthwise-as-grouped kernel (Kh, Kw, 1, C) has the same memory
    // order as tfjs' depthwise filter (Kh, Kw, C, multiplier 1).
    filter = tf.tensor4d(w, [Kh, Kw, Cin, 1]);
    call = (xt) => tf.depthwiseConv2d(xt, filter, s, pad, 'NHWC', d);
  }
  const run = () => {
    const xt = tf.tensor4d(x, [N, H, W, Cin]);
    const yt = call(xt);
    const y = yt.dataSync();
    xt.dispose();
    yt.dispose();
    return y;
  };
  return {
    output: run,
    timers: { tfjs_wasm: { fn: run, async: false } },
    dispose: () => filter.dispose(),
  };
}

module.exports = { id: 'tfjs-wasm', columns, init, prepare, singleThreadOnly: true };
