'use strict';
// simd-conv2d itself, through its public API exactly as a user calls it:
// a built Conv2D layer with weights set once, then layer.apply(x) on an NHWC
// Tensor, returning a new NHWC Tensor (sync call, output allocated per call).
// A second column runs the same layer writing into one preallocated output
// (`apply(x, { out })`, what a server loop reusing its buffers pays, and what
// oneDNN and the C++ core are timed doing); a third runs it with dataFormat
// 'channels_first' on the NCHW copy of the input, to show what that layout
// costs.

const path = require('path');
const { nhwcToNchw, nchwToNhwc } = require('../layout');

let lib;

const columns = [
  { key: 'ours', label: 'ours' },
  { key: 'ours_out', label: 'ours (out=)' },
  { key: 'ours_nchw', label: 'ours channels_first' },
];

async function init(opts) {
  // The package entry (dist/), so the bench times what `require('simd-conv2d')`
  // gives a user, including the JS wrapper.
  lib = require(path.join(__dirname, '..', '..'));
  lib.setNumThreads(opts.threads);
  const info = lib.info();
  if (lib.getNumThreads() !== opts.threads) {
    throw new Error(`setNumThreads(${opts.threads}) left getNumThreads() = ${lib.getNumThreads()}`);
  }
  return {
    version: `simd-conv2d ${info.version}`,
    threads: lib.getNumThreads(),
    isa: info.isa,
    detail: `isa ${info.isa} (available: ${(info.availableIsas || []).join(', ')}), OpenMP ${info.openmp ? 'yes' : 'no'}`,
    info,
  };
}

function makeLayer(layer, w, dataFormat) {
  const layerObj = new lib.Conv2D({
    filters: layer.Cout,
    kernelSize: [layer.Kh, layer.Kw],
    strides: layer.stride,
    padding: layer.padding,
    dilationRate: layer.dilation,
    groups: layer.groups,
    useBias: false,
    dataFormat,
  });
  const inputShape = dataFormat === 'channels_last'
    ? [layer.N, layer.H, layer.W, layer.Cin]
    : [layer.N, layer.Cin, layer.H, layer.W];
  layerObj.build(inputShape);
  layerObj.setWeights([lib.tensor(w, [layer.Kh, layer.Kw, layer.Cin / layer.groups, layer.Cout])]);
  return layerObj;
}

async function prepare(layer, x, w) {
  const layerObj = makeLayer(layer, w, 'channels_last');
  const xt = lib.tensor(x, [layer.N, layer.H, layer.W, layer.Cin]);
  const expected = [layer.N, layer.Ho, layer.Wo, layer.Cout];
  const run = () => layerObj.apply(xt);
  const out = lib.tensor(new Float32Array(expected.reduce((a, b) => a * b, 1)), expected);
  const runOut = () => layerObj.apply(xt, { out });

  // channels_first: the same weights on the NCHW copy; checked against the
  // NHWC result (same kernels and reduction order, so the bits must match).
  const nchwLayer = makeLayer(layer, w, 'channels_first');
  const xNchw = lib.tensor(nhwcToNchw(x, layer.N, layer.H, layer.W, layer.Cin), [layer.N, layer.Cin, layer.H, layer.W]);
  const runNchw = () => nchwLayer.apply(xNchw);
  const yNhwc = run().data;
  const yOut = runOut().data;
  for (let i = 0; i < yNhwc.length; i++) {
    if (!Object.is(yNhwc[i], yOut[i])) {
      throw new Error(`apply(x, { out }) differs from apply(x) at ${i}: ${yOut[i]} vs ${yNhwc[i]}`);
    }
  }
  const yBack = nchwToNhwc(runNchw().data, layer.N, layer.Cout, layer.Ho, layer.Wo);
  for (let i = 0; i < yNhwc.length; i++) {
    if (!Object.is(yNhwc[i], yBack[i])) {
      throw new Error(`channels_first output differs from channels_last at ${i}: ${yBack[i]} vs ${yNhwc[i]}`);
    }
  }
  return {
    output: () => {
      const y = run();
      if (y.shape.join(',') !== expected.join(',')) {
        throw new Error(`output shape [${y.shape}] != [${expected}]`);
      }
      return y.data;
    },
    timers: {
      ours: { fn: run, async: false },
      ours_out: { fn: runOut, async: false },
      ours_nchw: { fn: runNchw, async: false },
    },
  };
}

module.exports = { id: 'ours', columns, init, prepare };
