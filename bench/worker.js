'use strict';
// One benchmark process: one JS peer at one thread count over the selected
// layers (or, with mode "reference", our layer's outputs for the others to be
// checked against). Every peer gets its own process so thread pools never
// meet: ORT's spinning workers, OpenMP's team and the wasm runtime would
// otherwise steal the 2 cores from each other.
//
//   node bench/worker.js '<json: {peer, threads, layers, profile, refDir, mode}>'

const fs = require('fs');
const path = require('path');
const { loadSuite, selectLayers, makeInput, makeKernel } = require('./suite');
const { measure, PROFILES } = require('./timing');
const { maxRelErr } = require('./compare');
const { referenceConv } = require('./reference');
const { emit } = require('./protocol');

const PEERS = {
  ours: () => require('./peers/ours'),
  ort: () => require('./peers/ort'),
  'tfjs-wasm': () => require('./peers/tfjs-wasm'),
};

// fp64 reference for our own output is only computed up to this many MACs
// (JS does ~0.3 G MAC/s); bigger layers are cross-checked by the peers.
const REFERENCE_MAC_LIMIT = { full: 160e6, quick: 20e6 };

const errorText = (e) => (e && e.message ? e.message : String(e)).split('\n')[0];

async function referenceMode(cfg, layers) {
  const ours = PEERS.ours();
  const meta = await ours.init({ threads: cfg.threads });
  emit({ type: 'meta', ...meta });
  fs.mkdirSync(cfg.refDir, { recursive: true });
  for (const layer of layers) {
    const x = makeInput(layer);
    const w = makeKernel(layer);
    let y;
    try {
      y = (await ours.prepare(layer, x, w)).output();
    } catch (e) {
      emit({ type: 'check', layer: layer.id, key: 'ours', ok: false, err: null, reason: errorText(e) });
      continue;
    }
    const macs = layer.flops / 2;
    let check = { ok: true, err: null, against: 'none' };
    if (macs <= REFERENCE_MAC_LIMIT[cfg.profile]) {
      const ref = referenceConv(layer, x, w);
      check = { ...maxRelErr(y, ref), against: 'fp64' };
      // When our output is wrong, peers are checked against the fp64
      // reference instead, so their columns stay trustworthy.
      if (!check.ok) y = ref;
    }
    if (check.ok || check.against === 'fp64') {
      fs.writeFileSync(path.join(cfg.refDir, `${layer.id}.f32`), Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    }
    emit({ type: 'check', layer: layer.id, key: 'ours', ...check });
  }
}

function readRef(refDir, id) {
  const file = path.join(refDir, `${id}.f32`);
  if (!fs.existsSync(file)) return null;
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

async function benchMode(cfg, layers) {
  const peer = PEERS[cfg.peer]();
  const profile = PROFILES[cfg.profile];
  const meta = await peer.init({ threads: cfg.threads });
  emit({ type: 'meta', ...meta });
  for (const layer of layers) {
    const keys = peer.columns.map((c) => c.key);
    let prepared;
    try {
      prepared = await peer.prepare(layer, makeInput(layer), makeKernel(layer));
    } catch (e) {
      for (const key of keys) emit({ type: 'skip', layer: layer.id, key, reason: errorText(e) });
      continue;
    }
    if (prepared.skip) {
      for (const key of keys) emit({ type: 'skip', layer: layer.id, key, reason: prepared.skip });
      continue;
    }
    // Check before timing: a peer whose output disagrees with ours is not
    // timed at all (every timer of a peer computes the same convolution).
    let err = null;
    try {
      const ref = readRef(cfg.refDir, layer.id);
      if (ref) {
        const r = maxRelErr(await prepared.output(), ref);
        err = r.err;
        if (!r.ok) {
          for (const key of keys) emit({ type: 'fail', layer: layer.id, key, err: r.err });
          continue;
        }
      }
      for (const key of keys) {
        const t = prepared.timers[key];
        const r = t.custom ? await t.custom(profile) : await measure(t.fn, profile, t.async);
        emit({ type: 'result', layer: layer.id, key, err, ...r });
      }
    } catch (e) {
      for (const key of keys) emit({ type: 'skip', layer: layer.id, key, reason: errorText(e) });
    } finally {
      if (prepared.dispose) await prepared.dispose();
    }
  }
  if (peer.finish) peer.finish();
}

async function main() {
  const cfg = JSON.parse(process.argv[2]);
  const layers = selectLayers(loadSuite(), cfg.layers);
  if (cfg.mode === 'reference') await referenceMode(cfg, layers);
  else await benchMode(cfg, layers);
}

main().then(
  () => process.exit(0), // ORT / wasm keep handles open; do not wait for them
  (e) => {
    emit({ type: 'fatal', reason: errorText(e) });
    process.exit(1);
  },
);
