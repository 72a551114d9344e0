/**
 * The `simd-conv2d` command line, spawned as a user runs it (`node bin/simd-conv2d.js ...`, over the
 * built dist/: `npm test` builds first; by hand run `npx tsc -p tsconfig.build.json`). Outputs are
 * compared bit for bit with the library called directly on the same weights and inputs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CommanderError } from 'commander';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

import { Conv2D, FileFormatError, Tensor, ValueError } from '../lib';
import { checkoutBenchArgs } from '../lib/cli/commands/bench';
import { reportError } from '../lib/cli/report-error';
import { readNpy, writeNpy } from '../lib/io/npy';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'simd-conv2d.js');
const KERAS = path.join(ROOT, 'test', 'fixtures', 'keras');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SIMD_CONV2D_DEBUG: '', ...env },
    timeout: 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectSuccess(r: CliResult): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  expect(r.status).toBe(0);
}

/** A user error: the exit code, and exactly one line on stderr, prefixed, without stack frames. */
function expectUserError(r: CliResult, code: number, pattern: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  expect({ status: r.status, lines }).toEqual({ status: code, lines: [expect.stringMatching(/^simd-conv2d: /)] });
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).toBe('');
}

let tmp = '';
const file = (name: string) => path.join(tmp, name);

/** Deterministic values in [-1, 1) (not the library's generator: inputs independent of it). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function randomTensor(shape: number[], seed: number): Tensor {
  return new Tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
}

function expectSameTensor(actual: Tensor, expected: Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  // Bit for bit: the CLI runs the same kernels on the same weights (Buffer equality compares bytes).
  expect(Buffer.from(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength).equals(
    Buffer.from(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength),
  )).toBe(true);
}

function writeJson(name: string, value: unknown): string {
  fs.writeFileSync(file(name), JSON.stringify(value));
  return file(name);
}

/** A .npy of float64 values, which the CLI must refuse (it runs float32 only). */
function writeFloat64Npy(name: string, shape: number[]): string {
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = 10 + header.length + 1;
  const padded = header + ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  const data = Buffer.from(new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(0.5).buffer);
  fs.writeFileSync(file(name), Buffer.concat([prefix, Buffer.from(padded, 'latin1'), data]));
  return file(name);
}

/** A gray picture with a vertical edge: black left of column `edge`, white from it on. */
function edgePixels(width: number, height: number, edge: number): PNG {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = 4 * (y * width + x);
      const v = x >= edge ? 255 : 0;
      png.data[q] = v;
      png.data[q + 1] = v;
      png.data[q + 2] = v;
      png.data[q + 3] = 255;
    }
  }
  return png;
}

function readMosaic(name: string): PNG {
  return PNG.sync.read(fs.readFileSync(file(name)));
}

/** The red channel (the tiles are gray) of row `y`, columns [x0, x0 + n). */
function rowLevels(png: PNG, y: number, x0: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => png.data[4 * (y * png.width + x0 + i)]);
}

const GUTTER = 2;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simd-conv2d-cli-'));
  const W = 12;
  const H = 10;
  fs.writeFileSync(file('edge.png'), PNG.sync.write(edgePixels(W, H, 6)));
  const rgba = edgePixels(W, H, 6).data;
  fs.writeFileSync(file('edge.jpg'), jpeg.encode({ width: W, height: H, data: rgba }, 100).data);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('help and version', () => {
  test('--version prints the package version', () => {
    const r = cli(['--version']);
    expectSuccess(r);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  test('--help lists every command', () => {
    const r = cli(['--help']);
    expectSuccess(r);
    for (const c of ['run', 'image', 'bench', 'info']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Exit codes:');
  });

  test.each(['run', 'image', 'bench', 'info'])('%s --help shows its usage and examples', (command) => {
    const r = cli([command, '--help']);
    expectSuccess(r);
    expect(r.stdout).toContain(`Usage: simd-conv2d ${command} [options]`);
    expect(r.stdout).toMatch(new RegExp(`Examples:\\n  \\$ simd-conv2d ${command}\\b`));
  });

  test('no command prints the help to stderr and exits 2', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: simd-conv2d');
  });
});

describe('info', () => {
  test('prints the version, ISA, threads and binary', () => {
    const r = cli(['info']);
    expectSuccess(r);
    expect(r.stdout).toMatch(new RegExp(`^simd-conv2d ${VERSION.replace(/\./g, '\\.')}$`, 'm'));
    for (const key of ['ISA', 'available ISAs', 'threads', 'OpenMP', 'malloc policy', 'Node-API', 'Node.js', 'binary']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${key} +\\S`, 'm'));
    }
  });

  test('--json parses and agrees with the environment', () => {
    const r = cli(['info', '--json'], { SIMD_CONV2D_NUM_THREADS: '1' });
    expectSuccess(r);
    const i = JSON.parse(r.stdout);
    expect(typeof i.isa).toBe('string');
    expect(i.availableIsas).toContain(i.isa);
    expect(i.availableIsas).toContain('scalar');
    expect(i.version).toBe(VERSION);
    expect(i.numThreads).toBe(1);
    expect(i.threadsSource).toBe('SIMD_CONV2D_NUM_THREADS=1');
    expect(i.node).toBe(process.version);
    expect(i.napiVersion).toBeGreaterThanOrEqual(9);
    expect(['retain', 'default', 'user', 'unsupported']).toContain(i.malloc);
    expect(fs.existsSync(i.binary.path)).toBe(true);
    expect(i.binary.kind).toBe(i.binary.path.includes(`${path.sep}prebuilds${path.sep}`) ? 'prebuilt' : 'built from source');
  });

  test('SIMD_CONV2D_ISA=scalar is reported as forced', () => {
    const r = cli(['info', '--json'], { SIMD_CONV2D_ISA: 'scalar' });
    expectSuccess(r);
    expect(JSON.parse(r.stdout)).toMatchObject({ isa: 'scalar', isaSource: 'SIMD_CONV2D_ISA=scalar' });
  });
});

describe('image', () => {
  // 12x10 picture, edge between columns 5 and 6: 'valid' 3x3 maps are 10x8, the 5x5 blur 8x6.
  test.each([
    ['edge.png', []],
    ['edge.png', ['--gray']],
    ['edge.jpg', []],
  ])('sobel on %s %j: the x map is bright at the edge and dark elsewhere, the y map mid-gray', (input, extra) => {
    const out = `sobel-${input}-${extra.length}.png`;
    const r = cli(['image', '--input', file(input), ...extra, '--filter', 'sobel', '--output', file(out)]);
    expectSuccess(r);
    expect(r.stdout).toContain(`output (1, 8, 10, 2)`);
    expect(r.stdout).toContain(`2 maps of 10x8 px in a 2x1 grid, 22x8 px`);
    const m = readMosaic(out);
    expect([m.width, m.height]).toEqual([2 * 10 + GUTTER, 8]);
    for (let y = 0; y < 8; y++) {
      // Output columns 4 and 5 are the windows that straddle the edge.
      expect(rowLevels(m, y, 0, 10)).toEqual([0, 0, 0, 0, 255, 255, 0, 0, 0, 0]);
      expect(rowLevels(m, y, 10, GUTTER)).toEqual([40, 40]);
      expect(rowLevels(m, y, 10 + GUTTER, 10)).toEqual(new Array(10).fill(128));
    }
  });

  test('laplacian (gray): bright on the dark side of the edge, dark on the bright side, mid-gray elsewhere', () => {
    const r = cli(['image', '--input', file('edge.png'), '--gray', '--filter', 'laplacian', '--output', file('lap.png')]);
    expectSuccess(r);
    const m = readMosaic('lap.png');
    expect([m.width, m.height]).toEqual([10, 8]);
    for (let y = 0; y < 8; y++) expect(rowLevels(m, y, 0, 10)).toEqual([128, 128, 128, 128, 255, 0, 128, 128, 128, 128]);
  });

  test('gaussian: one 5x5-blurred map, rising across the edge', () => {
    const r = cli(['image', '--input', file('edge.jpg'), '--filter', 'gaussian', '--output', file('blur.png')]);
    expectSuccess(r);
    expect(r.stdout).toContain('output (1, 6, 8, 1)');
    const m = readMosaic('blur.png');
    expect([m.width, m.height]).toEqual([8, 6]);
    const row = rowLevels(m, 3, 0, 8);
    expect(row[0]).toBe(0);
    expect(row[7]).toBe(255);
    for (let x = 1; x < 8; x++) expect(row[x]).toBeGreaterThanOrEqual(row[x - 1]);
  });

  test('random: --filters tiles in a near-square grid, --scale upsamples, --seed repeats', () => {
    const args = (out: string, seed: string) =>
      ['image', '--input', file('edge.png'), '--filter', 'random', '--filters', '5', '--seed', seed, '--scale', '2', '--output', file(out)];
    expectSuccess(cli(args('r1.png', '7')));
    expectSuccess(cli(args('r2.png', '7')));
    const r3 = cli(args('r3.png', '8'));
    expectSuccess(r3);
    expect(r3.stdout).toContain('5 maps of 20x16 px in a 3x2 grid, 64x34 px');
    const m = readMosaic('r1.png');
    expect([m.width, m.height]).toEqual([3 * 20 + 2 * GUTTER, 2 * 16 + GUTTER]);
    // The sixth cell of the grid is empty: gutter colour.
    expect([...m.data.subarray(4 * (20 * m.width + 50), 4 * (20 * m.width + 50) + 3)]).toEqual([40, 80, 140]);
    expect(fs.readFileSync(file('r1.png')).equals(fs.readFileSync(file('r2.png')))).toBe(true);
    expect(fs.readFileSync(file('r1.png')).equals(fs.readFileSync(file('r3.png')))).toBe(false);
  });

  test('a layer from --keras runs on the picture', () => {
    const r = cli(['image', '--input', file('edge.png'), '--keras', path.join(KERAS, 'model.keras'), '--layer', 'conv_a', '--output', file('k.png')]);
    expectSuccess(r);
    expect(r.stdout).toContain("layer 'conv_a': output (1, 8, 10, 4)");
    expect([readMosaic('k.png').width, readMosaic('k.png').height]).toEqual([2 * 10 + GUTTER, 2 * 8 + GUTTER]);
  });
});

describe('run', () => {
  // Seeded initializers: the layer built here from the same config holds the same weights.
  const seededConfig = {
    filters: 3,
    kernel_size: 3,
    padding: 'same',
    activation: 'tanh',
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 11 } },
    bias_initializer: { class_name: 'RandomNormal', config: { seed: 12, stddev: 0.5 } },
  };

  test('--config --random-weights --output: the library gives the same bits', () => {
    const x = randomTensor([5, 7, 6, 4], 1);
    writeNpy(file('x.npy'), x);
    const cfg = writeJson('seeded.json', seededConfig);
    const r = cli(['run', '--config', cfg, '--random-weights', '--input', file('x.npy'), '--output', file('y.npy')]);
    expectSuccess(r);
    expect(r.stdout).toMatch(/^wrote .*y\.npy: output \(5, 7, 6, 3\)$/m);
    expect(r.stdout).toMatch(/^5 images in [\d.e-]+ s: [\d.e+-]+ images\/s, [\d.e+-]+ GFLOP\/s$/m);
    expectSameTensor(readNpy(file('y.npy')), Conv2D.fromConfig(seededConfig).apply(x));
  });

  test('--seed N seeds the kernel initializer with N and the bias initializer with N + 1', () => {
    const config = { class_name: 'Conv2D', config: { filters: 2, kernel_size: [2, 3], bias_initializer: 'random_uniform' } };
    const x = randomTensor([2, 5, 5, 3], 2);
    writeNpy(file('xs.npy'), x);
    const r = cli(['run', '--config', writeJson('wrapped.json', config), '--random-weights', '--seed', '5', '--input', file('xs.npy'), '--output', file('ys.npy')]);
    expectSuccess(r);
    const expected = Conv2D.fromConfig({
      ...config.config,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 5 } },
      bias_initializer: { class_name: 'RandomUniform', config: { seed: 6 } },
    });
    expectSameTensor(readNpy(file('ys.npy')), expected.apply(x));
  });

  test('without --output it prints the shape and min/max/mean', () => {
    const x = randomTensor([2, 4, 4, 4], 3);
    writeNpy(file('xp.npy'), x);
    const r = cli(['run', '--config', writeJson('seeded2.json', seededConfig), '--random-weights', '--input', file('xp.npy')]);
    expectSuccess(r);
    const y = Conv2D.fromConfig(seededConfig).apply(x);
    const min = Math.min(...y.data);
    const max = Math.max(...y.data);
    const mean = y.data.reduce((a, b) => a + b, 0) / y.size;
    const m = r.stdout.match(/^output \(2, 4, 4, 3\) {2}min (\S+) {2}max (\S+) {2}mean (\S+)$/m);
    expect(m).not.toBeNull();
    // Printed to 4 significant digits.
    expect(Number(m![1])).toBeCloseTo(min, 3);
    expect(Number(m![2])).toBeCloseTo(max, 3);
    expect(Number(m![3])).toBeCloseTo(mean, 3);
    expect(r.stdout).toMatch(/^2 images in /m);
  });

  test('a directory: every .npy in name order (images and batches) stacked on the batch axis', () => {
    const dir = file('batch-dir');
    fs.mkdirSync(dir);
    const a = randomTensor([2, 6, 5, 4], 4);
    const b = randomTensor([6, 5, 4], 5); // one image, no batch axis
    const c = randomTensor([3, 6, 5, 4], 6);
    writeNpy(path.join(dir, 'a.npy'), a);
    writeNpy(path.join(dir, 'b.npy'), b);
    writeNpy(path.join(dir, 'c.npy'), c);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an array');
    const r = cli(['run', '--config', writeJson('dir.json', seededConfig), '--random-weights', '--input', dir, '--output', file('yd.npy')]);
    expectSuccess(r);
    const all = new Tensor(Float32Array.from([...a.data, ...b.data, ...c.data]), [6, 6, 5, 4]);
    expectSameTensor(readNpy(file('yd.npy')), Conv2D.fromConfig(seededConfig).apply(all));
  });

  test('--batch-size splits the batch and gives the same output', () => {
    const x = randomTensor([7, 5, 5, 4], 7);
    writeNpy(file('xb.npy'), x);
    const r = cli(['run', '--config', writeJson('b.json', seededConfig), '--random-weights', '--input', file('xb.npy'), '--output', file('yb.npy'), '--batch-size', '3', '--threads', '1']);
    expectSuccess(r);
    expect(r.stdout).toMatch(/^7 images in /m);
    expectSameTensor(readNpy(file('yb.npy')), Conv2D.fromConfig(seededConfig).apply(x));
  });

  test('--data-format channels_first reads NCHW input and writes NCHW output', () => {
    const x = randomTensor([2, 4, 6, 5], 8);
    writeNpy(file('xc.npy'), x);
    const r = cli(['run', '--config', writeJson('cf.json', seededConfig), '--random-weights', '--data-format', 'channels_first', '--input', file('xc.npy'), '--output', file('yc.npy')]);
    expectSuccess(r);
    const expected = Conv2D.fromConfig({ ...seededConfig, data_format: 'channels_first' }).apply(x);
    expect(expected.shape).toEqual([2, 3, 6, 5]);
    expectSameTensor(readNpy(file('yc.npy')), expected);
  });

  test('--keras: a layer of a .keras model, with its weights', async () => {
    const x = randomTensor([3, 5, 5, 4], 9);
    writeNpy(file('xk.npy'), x);
    const model = path.join(KERAS, 'model.keras');
    const r = cli(['run', '--keras', model, '--layer', 'conv_b', '--input', file('xk.npy'), '--output', file('yk.npy')]);
    expectSuccess(r);
    const layer = await Conv2D.fromKerasFile(model, 'conv_b');
    expectSameTensor(readNpy(file('yk.npy')), layer.apply(x));
  });

  test('--keras: the first Conv2D by default, matching the fixture\'s reference output', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(KERAS, 'expected.json'), 'utf8')).two_convs.conv_a;
    const x = new Tensor(Float32Array.from(expected.input.data), expected.input.shape);
    writeNpy(file('xa.npy'), x);
    const r = cli(['run', '--keras', path.join(KERAS, 'model.keras'), '--input', file('xa.npy'), '--output', file('ya.npy')]);
    expectSuccess(r);
    const y = readNpy(file('ya.npy'));
    expect(y.shape).toEqual(expected.output.shape);
    expectSameTensor(y, (await Conv2D.fromKerasFile(path.join(KERAS, 'model.keras'), 'conv_a')).apply(x));
  });

  test('--config with --weights FILE.weights.h5 --layer-path', async () => {
    const conv = JSON.parse(fs.readFileSync(path.join(KERAS, 'expected.json'), 'utf8')).two_convs.conv_b;
    const cfg = writeJson('conv_b.json', conv.config);
    const weights = path.join(KERAS, 'two_convs.weights.h5');
    const x = randomTensor([2, 4, 3, 4], 10);
    writeNpy(file('xw.npy'), x);
    const r = cli(['run', '--config', cfg, '--weights', weights, '--layer-path', 'layers/conv2d_1', '--input', file('xw.npy'), '--output', file('yw.npy')]);
    expectSuccess(r);
    const layer = Conv2D.fromConfig(conv.config);
    await layer.loadWeights(weights, { layerPath: 'layers/conv2d_1' });
    expect(Array.from(layer.kernel.data)).toEqual(Array.from(Float32Array.from(conv.kernel.data)));
    expectSameTensor(readNpy(file('yw.npy')), layer.apply(x));
  });
});

describe('bench', () => {
  test('the self-contained benchmark times one small layer', () => {
    const out = file('bench.md');
    const r = cli(['bench', '--self', '--layers', 'L8', '--threads', '1', '--quick', '--out', out]);
    expectSuccess(r);
    const row = r.stdout.match(/^L8 +depthwise 3x3 +1 +(\S+) +(\S+) +(\d+)$/m);
    expect(row).not.toBeNull();
    const [ms, gflops, calls] = row!.slice(1).map(Number);
    expect(ms).toBeGreaterThan(0);
    expect(calls).toBeGreaterThanOrEqual(3);
    // The suite's FLOP count for L8 over the median time.
    expect(gflops).toBeCloseTo(7225344 / (ms * 1e6), 0);
    expect(r.stdout).toContain('Peers (ONNX Runtime, TensorFlow.js, oneDNN) are timed only from a checkout');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^\| L8 \| depthwise 3x3 \| 1 \| /m);
  });

  test('the shipped suite (data/) is the checkout\'s bench/suite.json', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'bench-suite.json'), 'utf8'))).toEqual(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'suite.json'), 'utf8')),
    );
  });

  test('in a checkout, bench/run.js gets --no-write unless --out names a report', () => {
    expect(checkoutBenchArgs({ layers: ['L2', 'L3'], threads: [2], quick: true }, '/home/me')).toEqual(
      ['--layers', 'L2,L3', '--threads', '2', '--quick', '--no-write'],
    );
    expect(checkoutBenchArgs({ peers: ['ours', 'ort'], out: 'report.md' }, '/home/me')).toEqual(
      ['--peers', 'ours,ort', '--out', path.resolve('/home/me', 'report.md'), '--write'],
    );
  });
});

describe('user errors: one line on stderr, exit 2 for usage, 1 otherwise', () => {
  const layerArgs = () => ['--config', writeJson('err.json', { filters: 2, kernel_size: 3 }), '--random-weights'];

  test('a missing input file', () => {
    expectUserError(cli(['run', ...layerArgs(), '--input', file('nope.npy')]), 1, /nope\.npy: no such file or directory \(given to --input\)$/);
  });

  test('a directory where a file is expected, and an output in a missing directory', () => {
    expectUserError(cli(['run', '--config', tmp, '--random-weights', '--input', file('x.npy')]), 1, /: is a directory, expected a file \(given to --config\)$/);
    writeNpy(file('xo.npy'), randomTensor([1, 4, 4, 2], 15));
    expectUserError(
      cli(['run', ...layerArgs(), '--input', file('xo.npy'), '--output', file('missing-dir/y.npy')]),
      1,
      /missing-dir\/y\.npy: no such file or directory$/,
    );
  });

  test('a missing .keras file', () => {
    expectUserError(cli(['run', '--keras', file('nope.keras'), '--input', file('x.npy')]), 1, /nope\.keras: no such file or directory \(given to --keras\)$/);
  });

  test('an unknown option, with commander\'s suggestion on the same line', () => {
    expectUserError(cli(['run', ...layerArgs(), '--input', file('x.npy'), '--thread', '2']), 2, /unknown option '--thread' \(Did you mean --threads\?\)/);
  });

  test('a malformed option value', () => {
    expectUserError(cli(['run', ...layerArgs(), '--input', file('x.npy'), '--threads', '0']), 2, /'--threads <n>' argument '0' is invalid. expected an integer from 1 to 1024/);
    expectUserError(cli(['image', '--input', file('edge.png'), '--filter', 'sharpen', '--output', file('o.png')]), 2, /Allowed choices are sobel, gaussian, laplacian, random/);
  });

  test('an unknown command', () => {
    expectUserError(cli(['convolve']), 2, /unknown command 'convolve'/);
  });

  test('a config without weights', () => {
    const cfg = writeJson('noweights.json', { filters: 2, kernel_size: 3 });
    expectUserError(cli(['run', '--config', cfg, '--input', file('x.npy')]), 2, /holds no weights: add --weights FILE\.weights\.h5, or --random-weights/);
  });

  test('options that need another option', () => {
    expectUserError(cli(['run', ...layerArgs(), '--layer', 'conv', '--input', file('x.npy')]), 2, /--layer applies only together with --keras/);
    expectUserError(cli(['image', '--input', file('edge.png'), '--filter', 'sobel', '--filters', '3', '--output', file('o.png')]), 2, /--filters applies only together with --filter random/);
  });

  test('a float64 .npy', () => {
    const f64 = writeFloat64Npy('f64.npy', [1, 4, 4, 2]);
    expectUserError(cli(['run', ...layerArgs(), '--input', f64]), 1, /f64\.npy: expected float32 data .*received dtype/);
  });

  test('an input of the wrong rank', () => {
    writeNpy(file('flat.npy'), randomTensor([4, 4], 11));
    expectUserError(cli(['run', ...layerArgs(), '--input', file('flat.npy')]), 1, /expected a 4-D batch \(N, H, W, C\) or a 3-D image, received an array of shape \(4, 4\)/);
  });

  test('input channels that do not match the layer\'s weights', () => {
    writeNpy(file('x5.npy'), randomTensor([1, 5, 5, 5], 12));
    expectUserError(
      cli(['run', '--keras', path.join(KERAS, 'model.keras'), '--layer', 'conv_a', '--input', file('x5.npy')]),
      1,
      /--input .*x5\.npy has 5 channel\(s\), but layer 'conv_a' expects 3$/,
    );
    expectUserError(
      cli(['image', '--input', file('edge.png'), '--gray', '--keras', path.join(KERAS, 'model.keras'), '--output', file('o.png')]),
      1,
      /has 1 channel\(s\), but layer 'conv_a' expects 3$/,
    );
  });

  test('images of different sizes in one input directory', () => {
    const dir = file('mixed-dir');
    fs.mkdirSync(dir);
    writeNpy(path.join(dir, '1.npy'), randomTensor([1, 5, 5, 2], 13));
    writeNpy(path.join(dir, '2.npy'), randomTensor([1, 6, 5, 2], 14));
    expectUserError(cli(['run', ...layerArgs(), '--input', dir]), 1, /2\.npy: image shape \(6, 5, 2\) differs from \(5, 5, 2\) of .*1\.npy/);
  });

  test('a config that is not JSON, and a Keras value error in it', () => {
    fs.writeFileSync(file('broken.json'), '{"filters": 2,');
    expectUserError(cli(['run', '--config', file('broken.json'), '--random-weights', '--input', file('x.npy')]), 1, /broken\.json: expected a Keras layer config in JSON/);
    const bad = writeJson('badvalue.json', { filters: 2, kernel_size: 3, padding: 'full' });
    expectUserError(cli(['run', '--config', bad, '--random-weights', '--input', file('x.npy')]), 1, /The `padding` argument must be a list\/tuple or one of \{'valid', 'same'\}/);
  });

  test('a corrupt weights file, and a file that is not an image', () => {
    const cfg = writeJson('w.json', { filters: 4, kernel_size: 3 });
    expectUserError(cli(['run', '--config', cfg, '--weights', path.join(KERAS, 'text.weights.h5'), '--input', file('x.npy')]), 1, /text\.weights\.h5: /);
    fs.writeFileSync(file('fake.png'), 'hello');
    expectUserError(cli(['image', '--input', file('fake.png'), '--filter', 'sobel', '--output', file('o.png')]), 1, /fake\.png: not a PNG or JPEG image/);
    fs.writeFileSync(file('cut.png'), fs.readFileSync(file('edge.png')).subarray(0, 40));
    expectUserError(cli(['image', '--input', file('cut.png'), '--filter', 'sobel', '--output', file('o.png')]), 1, /cut\.png: cannot decode the PNG image/);
  });

  test('bench: an unknown layer id, and peers without a checkout', () => {
    expectUserError(cli(['bench', '--self', '--layers', 'L1,L99']), 2, /--layers: unknown layer\(s\) L99; the suite has L1, L2/);
    expectUserError(cli(['bench', '--self', '--peers', 'ort']), 2, /--peers needs a checkout/);
  });

  test('SIMD_CONV2D_DEBUG=1 adds the stack', () => {
    const r = cli(['run', ...layerArgs(), '--input', file('nope.npy')], { SIMD_CONV2D_DEBUG: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^simd-conv2d: .*nope\.npy: no such file/);
    expect(r.stderr).toMatch(/^\s+at /m);
  });
});

describe('error classification', () => {
  test('user errors print one line; errors that look like bugs are internal', () => {
    expect(reportError(new FileFormatError('a.npy', 'bad'))).toEqual({ exitCode: 1, line: 'a.npy: bad', internal: false });
    expect(reportError(new ValueError('no'))).toEqual({ exitCode: 1, line: 'no', internal: false });
    expect(reportError(new RangeError('data: expected 4 elements, received 3')).internal).toBe(false);
    expect(reportError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toMatchObject({ exitCode: 1, internal: true });
    expect(reportError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toEqual({
      exitCode: 2,
      line: "unknown option '--x'",
      internal: false,
    });
    expect(reportError(new CommanderError(0, 'commander.version', '1.0.0'))).toEqual({ exitCode: 0, line: null, internal: false });
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'out/y.npy'"), {
      code: 'ENOENT', syscall: 'open', path: 'out/y.npy',
    });
    expect(reportError(enoent)).toEqual({ exitCode: 1, line: 'out/y.npy: no such file or directory', internal: false });
  });
});
