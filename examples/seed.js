#!/usr/bin/env node
// The seed document's example, on built-in random data:
//   x = np.random.rand(4, 10, 10, 128)
//   y = keras.layers.Conv2D(32, 3, activation='relu')(x)
//   print(y.shape)  # (4, 8, 8, 32)
'use strict';
const { Conv2D, tensor, info } = require('..');

const shape = [4, 10, 10, 128];
const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
for (let i = 0; i < data.length; i++) data[i] = Math.random();
const x = tensor(data, shape);

const layer = new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' });
layer.build(x.shape); // creates the weights; the first call would do it too

layer.apply(x); // warm-up: packs the weights and starts the thread pool
const runs = 20;
const t0 = process.hrtime.bigint();
let y;
for (let i = 0; i < runs; i++) y = layer.apply(x);
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;

const fmt = (s) => `(${s.join(', ')})`;
const { isa, numThreads } = info();
console.log(fmt(y.shape));
console.log(`Conv2D(32, 3, activation='relu') on ${fmt(x.shape)}: ${ms.toFixed(3)} ms per call ` +
  `(mean of ${runs}; isa=${isa}, threads=${numThreads})`);
