/**
 * Keras weight files and .keras archives: Conv2D.loadWeights / saveWeights / fromKerasFile and
 * readKerasArchive, against files written by h5py in Keras' layout (test/fixtures/keras, made by
 * make_keras_fixtures.py) and read back by h5py (/usr/bin/python3 with python3-h5py; required).
 *
 * Weights must come back bit for bit. Layer outputs are checked against the float64 reference
 * output stored by the fixture script, element by element, within test/helpers/reference.ts'
 * bound 4·√K·u·S + 4·u·|y| (u = 2^-24, S = Σ|w·x| + |b|, K = taps per output; propagated through
 * relu), the bound every numerics test of this package uses. The TypeScript reference of that
 * helper must agree with the stored Python one to 1e-12·S (they are independent implementations).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { Conv2D, FileFormatError, ValueError, tensor, readKerasArchive } from '../lib';
import { referenceConv2d, assertWithinBound } from './helpers/reference';

const REPO = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'keras');
const fixture = (name: string) => path.join(FIXTURES, name);
const PYTHON = '/usr/bin/python3';

interface Stored {
  shape: number[];
  data: number[];
}
interface ExpectedLayer {
  config: Record<string, unknown>;
  kernel: Stored;
  bias: Stored | null;
  input: Stored;
  output: Stored;
}
const EXPECTED = JSON.parse(fs.readFileSync(fixture('expected.json'), 'utf8')) as {
  two_convs: { conv_a: ExpectedLayer; conv_b: ExpectedLayer };
  functional: { grouped: ExpectedLayer; dilated: ExpectedLayer };
};
const { conv_a: CONV_A, conv_b: CONV_B } = EXPECTED.two_convs;
const { grouped: GROUPED, dilated: DILATED } = EXPECTED.functional;

// Our code extracts archive members into os.tmpdir()/simd-conv2d-keras-*; the last test checks
// that every one of them is gone, including after failed loads.
const TEMP_DIRS_AT_START = archiveTempDirs();

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keras-files-test-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Temporary directories our own code made for extracted archive members. */
function archiveTempDirs(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('simd-conv2d-keras-'));
}

function expectWeights(layer: Conv2D, expected: ExpectedLayer): void {
  expect(layer.built).toBe(true);
  expect(layer.kernel.shape).toEqual(expected.kernel.shape);
  expect(Array.from(layer.kernel.data)).toEqual(Array.from(Float32Array.from(expected.kernel.data)));
  if (expected.bias) {
    expect(layer.bias!.shape).toEqual(expected.bias.shape);
    expect(Array.from(layer.bias!.data)).toEqual(Array.from(Float32Array.from(expected.bias.data)));
  } else {
    expect(layer.bias).toBeNull();
  }
}

/** The layer's output on the stored input, against the stored float64 output (see header). */
function expectOutput(layer: Conv2D, expected: ExpectedLayer, label: string): void {
  const x = tensor(Float32Array.from(expected.input.data), expected.input.shape);
  const y = layer.apply(x);
  const cfg = expected.config as { strides: number[]; padding: string; dilation_rate: number[]; groups: number; activation: string };
  const ts = referenceConv2d(
    x,
    { data: Float32Array.from(expected.kernel.data), shape: expected.kernel.shape },
    expected.bias ? { data: Float32Array.from(expected.bias.data), shape: expected.bias.shape } : null,
    { strides: cfg.strides, padding: cfg.padding, dilationRate: cfg.dilation_rate, groups: cfg.groups, activation: cfg.activation },
  );
  const python = Float64Array.from(expected.output.data);
  expect(ts.shape).toEqual(expected.output.shape);
  python.forEach((v, i) => expect(Math.abs(v - ts.ref[i])).toBeLessThanOrEqual(1e-12 * (ts.S[i] + 1)));
  assertWithinBound(y, { ...ts, ref: python }, label);
}

/** What h5py sees in an HDF5 file: every group and dataset with attributes, dtypes, shapes, values. */
interface H5Dump {
  [path: string]: {
    kind: 'group' | 'dataset';
    attrs: Record<string, { value: unknown; dtype: string; shape: number[]; vlen_utf8: boolean }>;
    dtype?: string;
    shape?: number[];
    chunks?: unknown;
    compression?: unknown;
    data?: number[];
  };
}

const H5_DUMP_SCRIPT = `
import json, sys
import h5py
def attrs(obj):
    out = {}
    for k in obj.attrs:
        a = obj.attrs.get_id(k)
        info = h5py.check_string_dtype(a.dtype)
        v = obj.attrs[k]
        out[k] = {'value': v if isinstance(v, str) else v.tolist(), 'dtype': str(a.dtype), 'shape': list(a.shape),
                  'vlen_utf8': bool(info is not None and info.length is None and info.encoding == 'utf-8')}
    return out
with h5py.File(sys.argv[1], 'r') as f:
    dump = {'/': {'kind': 'group', 'attrs': attrs(f)}}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            dump[name] = {'kind': 'dataset', 'attrs': attrs(obj), 'dtype': obj.dtype.str, 'shape': list(obj.shape),
                          'chunks': obj.chunks, 'compression': obj.compression,
                          'data': [float(v) for v in obj[()].ravel()]}
        else:
            dump[name] = {'kind': 'group', 'attrs': attrs(obj)}
    f.visititems(visit)
print(json.dumps(dump))
`;

function runPython(script: string, args: string[]): string {
  const probe = spawnSync(PYTHON, ['-c', 'import h5py, numpy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${PYTHON} with h5py and numpy is required to check HDF5 files against a real HDF5 stack; ` +
        `install it (Debian: apt-get install python3-h5py python3-numpy). ${probe.error?.message ?? probe.stderr}`,
    );
  }
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

function h5pyDump(file: string): H5Dump {
  return JSON.parse(runPython(H5_DUMP_SCRIPT, [file])) as H5Dump;
}

const nameAttr = (value: string) => ({ name: { value, dtype: 'object', shape: [], vlen_utf8: true } });

async function expectFileError(p: Promise<unknown>, file: string, words: string): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(FileFormatError);
  expect((e as FileFormatError).path).toBe(file);
  expect((e as Error).message).toBe(`${file}: ${words}`);
}

describe('loadWeights from a .weights.h5', () => {
  test('default layerPath is layers/conv2d: an unbuilt layer is built from the kernel and computes the reference', async () => {
    const layer = Conv2D.fromConfig(CONV_A.config);
    expect(layer.built).toBe(false);
    await layer.loadWeights(fixture('two_convs.weights.h5'));
    expectWeights(layer, CONV_A);
    expectOutput(layer, CONV_A, 'conv_a');
  });

  test.each(['layers/conv2d_1', '/layers/conv2d_1', 'layers/conv2d_1/vars', '/layers/conv2d_1/vars/', 'layers/conv2d_1/'])(
    'layerPath %p selects the second Conv2D',
    async (layerPath) => {
      const layer = Conv2D.fromConfig(CONV_B.config);
      await layer.loadWeights(fixture('two_convs.weights.h5'), { layerPath });
      expectWeights(layer, CONV_B);
      expectOutput(layer, CONV_B, 'conv_b');
    },
  );

  test('a built layer of the right shape gets the stored values', async () => {
    const layer = Conv2D.fromConfig(CONV_A.config);
    layer.build([null, 5, 5, 3]);
    await layer.loadWeights(fixture('two_convs.weights.h5'));
    expectWeights(layer, CONV_A);
    expectOutput(layer, CONV_A, 'conv_a (built first)');
  });

  test('a channels_first layer reads the same kernel layout and builds with channels on axis 1', async () => {
    const layer = Conv2D.fromConfig({ ...CONV_B.config, data_format: 'channels_first' });
    await layer.loadWeights(fixture('two_convs.weights.h5'), { layerPath: 'layers/conv2d_1' });
    expectWeights(layer, CONV_B);
    expect(layer.computeOutputShape([1, 4, 3, 3])).toEqual([1, 2, 3, 3]);
    expect(() => layer.apply(tensor(new Float32Array(36), [1, 3, 3, 4]))).toThrow(ValueError);
  });

  test('loadWeights also reads the model.weights.h5 of a .keras archive', async () => {
    const before = archiveTempDirs();
    const layer = Conv2D.fromConfig(CONV_B.config);
    await layer.loadWeights(fixture('model.keras'), { layerPath: 'layers/conv2d_1' });
    expectWeights(layer, CONV_B);
    expect(archiveTempDirs()).toEqual(before);
  });

  test('a missing layer group names the layer groups the file has', async () => {
    const file = fixture('two_convs.weights.h5');
    const layer = Conv2D.fromConfig(CONV_A.config);
    await expectFileError(
      layer.loadWeights(file, { layerPath: 'layers/conv2d_3' }),
      file,
      "no layer at 'layers/conv2d_3'; found layers/conv2d, layers/conv2d_1",
    );
    await expectFileError(
      layer.loadWeights(file, { layerPath: 'optimizer/conv2d' }),
      file,
      "no layer at 'optimizer/conv2d'; found layers/conv2d, layers/conv2d_1",
    );
    expect(layer.built).toBe(false);
  });

  test('bad options are TypeErrors naming the argument', async () => {
    const layer = Conv2D.fromConfig(CONV_A.config);
    const file = fixture('two_convs.weights.h5');
    await expect(layer.loadWeights(file, { layerPath: 5 as unknown as string })).rejects.toThrow(
      "layerPath: expected a group path such as 'layers/conv2d' (not 'vars' and without '.' or '..' parts), received number 5",
    );
    await expect(layer.loadWeights(file, { layerPath: '/vars' })).rejects.toThrow(TypeError);
    await expect(layer.loadWeights(file, { layerPath: 'layers/../vars' })).rejects.toThrow(TypeError);
    await expect(layer.loadWeights(file, { layer: 'x' } as never)).rejects.toThrow("options: unknown key 'layer'; the only option is layerPath");
    await expect(layer.loadWeights(42 as unknown as string)).rejects.toThrow(
      'path: expected a path to a .weights.h5 (or .keras) file, received number 42',
    );
  });
});

describe('loadWeights rejects bad files with one clear error and leaves the layer as it was', () => {
  test('float64 kernel: FileFormatError naming the dataset and dtype', async () => {
    const file = fixture('bad_float64.weights.h5');
    const layer = Conv2D.fromConfig(CONV_A.config);
    await expectFileError(
      layer.loadWeights(file),
      file,
      'layers/conv2d/vars/0 has dtype float64; expected float32 (Keras stores Conv2D variables as float32)',
    );
    expect(layer.built).toBe(false);
  });

  test('kernel of another shape than the built layer: Keras\' assign ValueError, weights unchanged', async () => {
    const layer = Conv2D.fromConfig(CONV_A.config);
    layer.build([null, 5, 5, 3]);
    const before = layer.getWeights();
    await expect(layer.loadWeights(fixture('bad_shape.weights.h5'))).rejects.toThrow(
      new ValueError(
        'The shape of the target variable and the shape of the target value in `variable.assign(value)` must match. ' +
          'variable.shape=(3, 3, 3, 4), Received: value.shape=(3, 3, 2, 4). ' +
          'Target variable: <Variable path=conv_a/kernel, shape=(3, 3, 3, 4), dtype=float32>',
      ),
    );
    expect(layer.getWeights()).toEqual(before);
  });

  test('unbuilt layer whose filters differ from the kernel: assign ValueError, still unbuilt', async () => {
    const layer = Conv2D.fromConfig({ ...CONV_A.config, filters: 5 });
    await expect(layer.loadWeights(fixture('bad_shape.weights.h5'))).rejects.toThrow(
      'variable.shape=(3, 3, 2, 5), Received: value.shape=(3, 3, 2, 4).',
    );
    expect(layer.built).toBe(false);
  });

  test('unbuilt layer and a kernel that is not rank 4: ValueError naming the expected form', async () => {
    // Dataset "0" holds a vector where the kernel should be: without a build shape, nothing can be built from it.
    const file = path.join(tmp, 'rank1.weights.h5');
    runPython(
      'import h5py, numpy as np, sys\nf = h5py.File(sys.argv[1], "w")\ng = f.create_group("layers/conv2d/vars")\ng["0"] = np.zeros(4, np.float32)\ng["1"] = np.zeros(4, np.float32)\nf.close()',
      [file],
    );
    const layer = Conv2D.fromConfig(CONV_A.config);
    await expect(layer.loadWeights(file)).rejects.toThrow(
      new ValueError("Cannot build layer 'conv_a' from the weights file: expected a kernel of shape (3, 3, input_channels / groups, 4), received (4,)"),
    );
  });

  test('kernel and bias for a layer without bias: Keras\' variable-count ValueError', async () => {
    const layer = Conv2D.fromConfig(CONV_B.config);
    await expect(layer.loadWeights(fixture('bias_for_no_bias_layer.weights.h5'))).rejects.toThrow(
      new ValueError("Layer 'conv_b' expected 1 variables, but received 2 variables during loading. Expected: ['kernel']"),
    );
    expect(layer.built).toBe(false);
    // The other way round: a bias layer finds one variable.
    const withBias = Conv2D.fromConfig({ ...CONV_B.config, use_bias: true });
    await expect(withBias.loadWeights(fixture('two_convs.weights.h5'), { layerPath: 'layers/conv2d_1' })).rejects.toThrow(
      "Layer 'conv_b' expected 2 variables, but received 1 variables during loading. Expected: ['kernel', 'bias']",
    );
  });

  test('truncated HDF5: FileFormatError with HDF5\'s reason', async () => {
    const file = fixture('truncated.weights.h5');
    await expectFileError(Conv2D.fromConfig(CONV_A.config).loadWeights(file), file, 'corrupt or truncated HDF5 file (File has been truncated)');
  });

  test('a text file named .weights.h5: not an HDF5 file', async () => {
    const file = fixture('text.weights.h5');
    await expectFileError(
      Conv2D.fromConfig(CONV_A.config).loadWeights(file),
      file,
      'not an HDF5 file (no HDF5 signature at byte 0, 512, 1024, ...); expected a Keras .weights.h5 file',
    );
  });

  test('missing file and a directory', async () => {
    const missing = path.join(tmp, 'nope.weights.h5');
    await expectFileError(Conv2D.fromConfig(CONV_A.config).loadWeights(missing), missing, 'no such file');
    await expectFileError(Conv2D.fromConfig(CONV_A.config).loadWeights(tmp), tmp, 'is a directory, expected a file');
  });

  test('a legacy Keras 2 weights file is named as such', async () => {
    const file = path.join(tmp, 'legacy.weights.h5');
    runPython(
      'import h5py, numpy as np, sys\nf = h5py.File(sys.argv[1], "w")\nf.attrs["layer_names"] = [b"conv2d"]\nf["conv2d/conv2d/kernel:0"] = np.zeros((3, 3, 3, 4), np.float32)\nf.close()',
      [file],
    );
    await expectFileError(
      Conv2D.fromConfig(CONV_A.config).loadWeights(file),
      file,
      'a legacy Keras 2 HDF5 file (model_weights / layer_names); expected the Keras 3 .weights.h5 layout (layers/<name>/vars/0, 1)',
    );
  });

  test("Keras 2.13's _layer_checkpoint_dependencies container is read as Keras 3 reads it", async () => {
    const file = path.join(tmp, 'keras213.weights.h5');
    runPython(
      'import h5py, numpy as np, sys, json\nk = json.loads(sys.argv[2])\nf = h5py.File(sys.argv[1], "w")\n' +
        'g = f.create_group("_layer_checkpoint_dependencies/conv2d/vars")\n' +
        'g["0"] = np.array(k["kernel"]["data"], np.float32).reshape(k["kernel"]["shape"])\ng["1"] = np.array(k["bias"]["data"], np.float32)\nf.close()',
      [file, JSON.stringify(CONV_A)],
    );
    const layer = Conv2D.fromConfig(CONV_A.config);
    await layer.loadWeights(file);
    expectWeights(layer, CONV_A);
    await expectFileError(
      layer.loadWeights(file, { layerPath: 'layers/conv2d_1' }),
      file,
      "no layer at 'layers/conv2d_1'; found _layer_checkpoint_dependencies/conv2d",
    );
  });

  test('no HDF5-DIAG dump reaches stderr for any bad file (checked in a child process)', () => {
    // h5wasm's HDF5 writes its error stacks straight to file descriptor 2, past Jest, so only a
    // separate process shows them. It loads lib/ from source through TypeScript's transpiler.
    const child = `
      const ts = require('typescript');
      const fs = require('fs');
      require.extensions['.ts'] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), {
        fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText, file);
      const { Conv2D } = require('./lib/conv2d.ts');
      const [config, ...files] = JSON.parse(process.argv[1]);
      (async () => {
        const out = [];
        for (const file of files) {
          try { await Conv2D.fromConfig(config).loadWeights(file); out.push('loaded'); }
          catch (e) { out.push(e.name); }
        }
        try { await Conv2D.fromKerasFile(files[files.length - 1]); out.push('loaded'); } catch (e) { out.push(e.name); }
        process.stdout.write(JSON.stringify(out));
      })();
    `;
    const files = ['truncated.weights.h5', 'text.weights.h5', 'bad_float64.weights.h5', 'bad_shape.weights.h5', 'no_weights.keras'].map(fixture);
    const r = spawnSync(process.execPath, ['-e', child, JSON.stringify([{ ...CONV_A.config, filters: 5 }, ...files])], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.stderr).not.toContain('HDF5-DIAG');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['FileFormatError', 'FileFormatError', 'FileFormatError', 'ValueError', 'FileFormatError', 'FileFormatError']);
  });
});

describe('fromKerasFile', () => {
  test('default: the first Conv2D of a Sequential, with config, build shape and weights', async () => {
    const before = archiveTempDirs();
    const layer = await Conv2D.fromKerasFile(fixture('model.keras'));
    expect(layer).toBeInstanceOf(Conv2D);
    expect(layer.name).toBe('conv_a');
    expect(JSON.stringify(layer.getConfig())).toBe(JSON.stringify(CONV_A.config));
    expectWeights(layer, CONV_A);
    expectOutput(layer, CONV_A, 'fromKerasFile conv_a');
    expect(archiveTempDirs()).toEqual(before);
  });

  test('by name: the second Conv2D reads layers/conv2d_1 (its position, not its name)', async () => {
    const layer = await Conv2D.fromKerasFile(fixture('model.keras'), 'conv_b');
    expect(layer.name).toBe('conv_b');
    expect(layer.useBias).toBe(false);
    expect(JSON.stringify(layer.getConfig())).toBe(JSON.stringify(CONV_B.config));
    expectWeights(layer, CONV_B);
    expectOutput(layer, CONV_B, 'fromKerasFile conv_b');
  });

  test('Functional model with InputLayer and Activation between: grouped + strided, grouped + dilated', async () => {
    const grouped = await Conv2D.fromKerasFile(fixture('functional.keras'));
    expect(grouped.name).toBe('grouped');
    expect(grouped.groups).toBe(2);
    expectWeights(grouped, GROUPED);
    expectOutput(grouped, GROUPED, 'functional grouped');
    const dilated = await Conv2D.fromKerasFile(fixture('functional.keras'), 'dilated');
    expect(dilated.dilationRate).toEqual([2, 2]);
    expectWeights(dilated, DILATED);
    expectOutput(dilated, DILATED, 'functional dilated');
  });

  test('an unknown name lists the Conv2D layers (Keras get_layer wording)', async () => {
    const before = archiveTempDirs();
    await expect(Conv2D.fromKerasFile(fixture('model.keras'), 'conv_c')).rejects.toThrow(
      new ValueError("No such Conv2D layer: conv_c. Existing Conv2D layers are: ['conv_a', 'conv_b']."),
    );
    await expect(Conv2D.fromKerasFile(fixture('model.keras'), 3 as unknown as string)).rejects.toThrow(
      'layerName: expected a layer name (string) or undefined, received number 3',
    );
    expect(archiveTempDirs()).toEqual(before);
  });

  test('an archive without model.weights.h5: Keras\' message', async () => {
    const file = fixture('no_weights.keras');
    await expectFileError(Conv2D.fromKerasFile(file), file, 'Expected a model.weights.h5 or model.weights.npz file.');
  });

  describe('archives made here', () => {
    const model = readKerasArchive(fixture('model.keras'));
    const write = (name: string, members: Record<string, Uint8Array>): string => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, zipSync(members, { level: 0 }));
      return file;
    };
    const json = (v: unknown) => strToU8(JSON.stringify(v));

    test("class_name 'Convolution2D' counts as Conv2D for the weights path", async () => {
      const config = JSON.parse(JSON.stringify(model.config)) as { config: { layers: { class_name: string }[] } };
      config.config.layers[1].class_name = 'Convolution2D';
      const file = write('alias.keras', { 'config.json': json(config), 'model.weights.h5': model.weights! });
      const layer = await Conv2D.fromKerasFile(file, 'conv_b');
      expectWeights(layer, CONV_B);
    });

    test('weights that do not fit the config fail after extraction, and the extracted file is removed', async () => {
      const config = JSON.parse(JSON.stringify(model.config)) as { config: { layers: { config: { use_bias: boolean } }[] } };
      config.config.layers[2].config.use_bias = true;
      const file = write('mismatch.keras', { 'config.json': json(config), 'model.weights.h5': model.weights! });
      const before = archiveTempDirs();
      await expect(Conv2D.fromKerasFile(file, 'conv_b')).rejects.toThrow(
        new ValueError("Layer 'conv_b' expected 2 variables, but received 1 variables during loading. Expected: ['kernel', 'bias']"),
      );
      expect(archiveTempDirs()).toEqual(before);
    });

    test('no Conv2D layer: FileFormatError listing the layers', async () => {
      const config = {
        class_name: 'Sequential',
        config: { name: 'dense_only', layers: [{ class_name: 'InputLayer', config: { name: 'input_layer' } }, { class_name: 'Dense', config: { name: 'dense' } }] },
      };
      const file = write('dense.keras', { 'config.json': json(config), 'model.weights.h5': model.weights! });
      await expectFileError(
        Conv2D.fromKerasFile(file),
        file,
        "the model 'dense_only' has no Conv2D layer (its layers: InputLayer 'input_layer', Dense 'dense')",
      );
    });

    test('a nested model is reported, not entered', async () => {
      const config = {
        class_name: 'Sequential',
        config: { name: 'outer', layers: [{ class_name: 'Sequential', config: { name: 'inner', layers: [] } }] },
      };
      const file = write('nested.keras', { 'config.json': json(config), 'model.weights.h5': model.weights! });
      await expect(Conv2D.fromKerasFile(file)).rejects.toThrow(
        "the model 'outer' has no Conv2D layer (its layers: Sequential 'inner'); nested models are not searched: 'inner'",
      );
      await expect(Conv2D.fromKerasFile(file, 'conv_a')).rejects.toThrow(
        "No such Conv2D layer: conv_a. Existing Conv2D layers are: []. Nested models are not searched: ['inner'].",
      );
    });

    test('a config.json that is not a model, a bad layer entry, invalid JSON, no config.json', async () => {
      const layerOnly = write('layer.keras', { 'config.json': json({ class_name: 'Conv2D', config: CONV_A.config }) });
      await expectFileError(
        Conv2D.fromKerasFile(layerOnly),
        layerOnly,
        "config.json does not describe a Sequential or Functional model (no config.layers list); received class_name 'Conv2D'",
      );
      const broken = write('broken.keras', { 'config.json': strToU8('{"class_name": ') });
      await expect(Conv2D.fromKerasFile(broken)).rejects.toThrow(`${broken}: config.json is not valid JSON: `);
      const badEntry = write('entry.keras', { 'config.json': json({ class_name: 'Sequential', config: { name: 's', layers: [5] } }) });
      await expectFileError(
        Conv2D.fromKerasFile(badEntry),
        badEntry,
        'config.json: config.layers[0] is not a layer entry (expected an object with class_name and config)',
      );
      const empty = write('empty.keras', { 'metadata.json': json({}) });
      await expectFileError(Conv2D.fromKerasFile(empty), empty, 'not a .keras archive: it has no config.json');
    });

    test('weights stored as .npz are named', async () => {
      const file = write('npz.keras', { 'config.json': json(model.config), 'model.weights.npz': new Uint8Array(4) });
      await expectFileError(
        Conv2D.fromKerasFile(file),
        file,
        'the weights are stored as model.weights.npz; only model.weights.h5 is supported',
      );
    });

    test('not a zip, a truncated zip, a damaged member', async () => {
      const text = fixture('text.weights.h5');
      const notZip = path.join(tmp, 'text.keras');
      fs.copyFileSync(text, notZip);
      await expectFileError(
        Conv2D.fromKerasFile(notZip),
        notZip,
        'not a .keras file: expected a zip archive (its first bytes are not PK\\x03\\x04)',
      );
      const bytes = fs.readFileSync(fixture('model.keras'));
      const truncated = path.join(tmp, 'truncated.keras');
      fs.writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
      await expectFileError(
        Conv2D.fromKerasFile(truncated),
        truncated,
        'not a .keras file: the zip archive has no end-of-central-directory record (truncated?)',
      );
      // Flip one byte inside the stored model.weights.h5: the CRC catches what HDF5 would not.
      const damaged = Buffer.from(bytes);
      const at = damaged.indexOf(Buffer.from([0x89, 0x48, 0x44, 0x46])) + 6000;
      damaged[at] ^= 0x01;
      const damagedFile = path.join(tmp, 'damaged.keras');
      fs.writeFileSync(damagedFile, damaged);
      await expect(Conv2D.fromKerasFile(damagedFile)).rejects.toThrow(/member 'model.weights.h5': CRC-32 mismatch/);
    });
  });
});

describe('readKerasArchive', () => {
  test('members, metadata, config and the weights bytes', () => {
    const a = readKerasArchive(fixture('model.keras'));
    expect(a.members).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(a.metadata).toEqual({ keras_version: '3.15.0', date_saved: '2025-06-01@12:00:00' });
    expect(a.config.class_name).toBe('Sequential');
    expect(Buffer.from(a.weights!).equals(fs.readFileSync(fixture('two_convs.weights.h5')))).toBe(true);
    expect(readKerasArchive(fixture('no_weights.keras')).weights).toBeNull();
  });
});

describe('saveWeights', () => {
  const loadedA = async (): Promise<Conv2D> => {
    const layer = Conv2D.fromConfig(CONV_A.config);
    await layer.loadWeights(fixture('two_convs.weights.h5'));
    return layer;
  };

  test("h5py reads Keras' layout back: root vars, layers/conv2d/vars with name, float32 datasets 0 and 1", async () => {
    const file = path.join(tmp, 'saved.weights.h5');
    await (await loadedA()).saveWeights(file);
    const kernel = Array.from(Float32Array.from(CONV_A.kernel.data));
    const bias = Array.from(Float32Array.from(CONV_A.bias!.data));
    const dataset = (shape: number[], data: number[]) => ({
      kind: 'dataset', attrs: {}, dtype: '<f4', shape, chunks: null, compression: null, data,
    });
    expect(h5pyDump(file)).toEqual({
      '/': { kind: 'group', attrs: {} },
      vars: { kind: 'group', attrs: nameAttr('sequential') },
      layers: { kind: 'group', attrs: {} },
      'layers/conv2d': { kind: 'group', attrs: {} },
      'layers/conv2d/vars': { kind: 'group', attrs: nameAttr('conv_a') },
      'layers/conv2d/vars/0': dataset([3, 3, 3, 4], kernel),
      'layers/conv2d/vars/1': dataset([4], bias),
    });
    // The same objects, attributes and dtypes as the file h5py wrote in Keras' layout.
    const keras = h5pyDump(fixture('two_convs.weights.h5'));
    const ours = h5pyDump(file);
    for (const key of ['/', 'vars', 'layers', 'layers/conv2d', 'layers/conv2d/vars', 'layers/conv2d/vars/0', 'layers/conv2d/vars/1']) {
      expect(ours[key]).toEqual(keras[key]);
    }
  });

  test('round trip without bias, at another layerPath, overwriting an existing file', async () => {
    const file = path.join(tmp, 'conv_b.weights.h5');
    fs.writeFileSync(file, 'old contents');
    const source = Conv2D.fromConfig(CONV_B.config);
    await source.loadWeights(fixture('two_convs.weights.h5'), { layerPath: 'layers/conv2d_1' });
    await source.saveWeights(file, { layerPath: '/layers/conv2d_1/vars' });
    const dump = h5pyDump(file);
    expect(Object.keys(dump).sort()).toEqual(['/', 'layers', 'layers/conv2d_1', 'layers/conv2d_1/vars', 'layers/conv2d_1/vars/0', 'vars']);
    expect(dump['layers/conv2d_1/vars'].attrs).toEqual(nameAttr('conv_b'));
    const copy = Conv2D.fromConfig(CONV_B.config);
    await copy.loadWeights(file, { layerPath: 'layers/conv2d_1' });
    expectWeights(copy, CONV_B);
  });

  test('save -> load round trip of a freshly initialized grouped layer, bit for bit', async () => {
    const layer = new Conv2D({ filters: 6, kernelSize: [3, 2], groups: 2, name: 'g' });
    layer.build([null, 7, 7, 4]);
    const file = path.join(tmp, 'g.weights.h5');
    await layer.saveWeights(file);
    const copy = new Conv2D({ filters: 6, kernelSize: [3, 2], groups: 2, name: 'g2' });
    await copy.loadWeights(file);
    expect(copy.kernel.shape).toEqual([3, 2, 2, 6]);
    expect(copy.getWeights()).toEqual(layer.getWeights());
    expect(copy.computeOutputShape([1, 7, 7, 4])).toEqual([1, 5, 6, 6]);
  });

  test("Keras' filename rule, an unbuilt layer, an unwritable path", async () => {
    const layer = await loadedA();
    await expect(layer.saveWeights(path.join(tmp, 'w.h5'))).rejects.toThrow(
      new ValueError(`The filename must end in \`.weights.h5\`. Received: filepath=${path.join(tmp, 'w.h5')}`),
    );
    await expect(Conv2D.fromConfig(CONV_A.config).saveWeights(path.join(tmp, 'u.weights.h5'))).rejects.toThrow(
      new ValueError("Layer 'conv_a' is not built, so it has no weights to save; build it first (layer.build(inputShape), or apply it to an input)"),
    );
    const nowhere = path.join(tmp, 'no', 'such', 'dir', 'x.weights.h5');
    await expectFileError(layer.saveWeights(nowhere), nowhere, 'cannot create the file: its directory does not exist');
    const dir = path.join(tmp, 'dir.weights.h5');
    fs.mkdirSync(dir);
    await expectFileError(layer.saveWeights(dir), dir, 'cannot create the file: it is a directory');
    expect(fs.existsSync(path.join(tmp, 'w.h5'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'u.weights.h5'))).toBe(false);
  });
});

describe('temporary files', () => {
  test('no extracted archive member is left in the temporary directory', () => {
    expect(archiveTempDirs()).toEqual(TEMP_DIRS_AT_START);
  });
});
