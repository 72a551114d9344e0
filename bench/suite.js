'use strict';
// The benchmark suite (shared/bench/suite.json) and its deterministic data.
// Every peer builds its inputs from these functions, so all of them convolve
// bit-identical float32 tensors and their outputs can be compared directly.

const fs = require('fs');
const path = require('path');

// The suite lives outside the package in this workspace; a copy can sit next
// to this file (bench/suite.json) so the bench also runs from a plain clone.
const SUITE_CANDIDATES = [
  path.join(__dirname, 'suite.json'),
  path.join(__dirname, '..', '..', 'shared', 'bench', 'suite.json'),
  path.join(__dirname, '..', 'shared', 'bench', 'suite.json'),
];

function suitePath() {
  const found = SUITE_CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`suite.json not found (looked in ${SUITE_CANDIDATES.join(', ')})`);
  return found;
}

function loadSuite() {
  const file = suitePath();
  const suite = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { file, ...suite };
}

// value(i, seed) from the suite's `data` field. Math.imul keeps the product
// modulo 2^32 exactly (a plain JS multiply would lose low bits past 2^53).
function value(i, seed) {
  const u = (Math.imul(i, 2654435761 | 0) + seed) >>> 0;
  return ((u >>> 8) / 16777216) * 2 - 1;
}

// Logical NHWC input, seed 1.
function makeInput(layer) {
  const n = layer.N * layer.H * layer.W * layer.Cin;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = value(i, 1);
  return x;
}

// Keras HWIO kernel (Kh, Kw, Cin/groups, Cout), seed 2, scaled by 1/sqrt(fan-in)
// so outputs stay O(1) whatever the layer size.
function makeKernel(layer) {
  const cg = layer.Cin / layer.groups;
  const n = layer.Kh * layer.Kw * cg * layer.Cout;
  const scale = 1 / Math.sqrt(layer.Kh * layer.Kw * cg);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = value(i, 2) * scale;
  return w;
}

function outputSize(layer) {
  return layer.N * layer.Ho * layer.Wo * layer.Cout;
}

// Picks layers by id (keeps suite order); throws on an unknown id so a typo
// never silently benchmarks nothing.
function selectLayers(suite, ids) {
  if (!ids || ids.length === 0) return suite.layers;
  const byId = new Map(suite.layers.map((l) => [l.id, l]));
  for (const id of ids) {
    if (!byId.has(id)) throw new Error(`unknown layer ${id}; suite has ${[...byId.keys()].join(',')}`);
  }
  return suite.layers.filter((l) => ids.includes(l.id));
}

module.exports = { loadSuite, suitePath, value, makeInput, makeKernel, outputSize, selectLayers };
