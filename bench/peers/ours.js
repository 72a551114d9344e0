'use strict';
// simd-conv2d itself, through its public API exactly as a user calls it:
// a built Conv2D layer with weights set once, then layer.apply(x) on an NHWC
// Tensor, returning a new NHWC Tensor (sync call, output allocated per call).

const path = require('path');

let lib;

const columns = [{ key: 'ours', label: 'ours' }];

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

async function prepare(layer, x, w) {
  const layerObj = new lib.Conv2D({
    filters: layer.Cout,
    kernelSize: [layer.Kh, layer.Kw],
    strides: layer.stride,
    padding: layer.padding,
    dilationRate: layer.dilation,
    groups: layer.groups,
    useBias: false,
  });
  layerObj.build([layer.N, layer.H, layer.W, layer.Cin]);
  layerObj.setWeights([lib.tensor(w, [layer.Kh, layer.Kw, layer.Cin / layer.groups, layer.Cout])]);
  const xt = lib.tensor(x, [layer.N, layer.H, layer.W, layer.Cin]);
  const expected = [layer.N, layer.Ho, layer.Wo, layer.Cout];
  const run = () => layerObj.apply(xt);
  return {
    output: () => {
      const y = run();
      if (y.shape.join(',') !== expected.join(',')) {
        throw new Error(`output shape [${y.shape}] != [${expected}]`);
      }
      return y.data;
    },
    timers: { ours: { fn: run, async: false } },
  };
}

module.exports = { id: 'ours', columns, init, prepare };
