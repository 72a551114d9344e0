'use strict';
// What many concurrent applyAsync calls get from the compute queue: suite layer L2 (ResNet 3x3,
// 56x56x64 -> 64) called serially (await each) and with 16 calls in flight at all times, the same
// number of calls each way; throughput and the event loop's delay meanwhile
// (perf_hooks.monitorEventLoopDelay, p99).
//
//   node bench/concurrency.js [calls=200] [inFlight=16]
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { Conv2D, tensor } = require('..');

const calls = Number(process.argv[2] ?? 200);
const inFlight = Number(process.argv[3] ?? 16);

function layerAndInput() {
  const layer = new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', useBias: false,
    kernelInitializer: { class_name: 'GlorotUniform', config: { seed: 1 } } });
  const x = tensor(Float32Array.from({ length: 56 * 56 * 64 }, (_, i) => ((i * 2654435761) >>> 8) / 2 ** 24 * 2 - 1), [1, 56, 56, 64]);
  layer.apply(x); // build and pack
  return { layer, x };
}

async function measure(label, run) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = process.hrtime.bigint();
  await run();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  h.disable();
  const p99 = h.percentile(99) / 1e6;
  console.log(`${label.padEnd(26)} ${(calls / s).toFixed(1).padStart(7)} calls/s   event-loop delay p99 ${p99.toFixed(2)} ms`);
  return calls / s;
}

(async () => {
  const { layer, x } = layerAndInput();
  for (let i = 0; i < 20; i++) await layer.applyAsync(x); // warm up
  const serial = await measure('serial (await each)', async () => {
    for (let i = 0; i < calls; i++) await layer.applyAsync(x);
  });
  const concurrent = await measure(`${inFlight} in flight`, async () => {
    let started = 0;
    const lane = async () => {
      while (started < calls) {
        started++;
        await layer.applyAsync(x);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  });
  console.log(`concurrent / serial throughput: ${(concurrent / serial).toFixed(3)}`);
})();
