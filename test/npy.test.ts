/**
 * `.npy` / `.npz` I/O: golden files written by real NumPy (test/fixtures/make_npy_fixtures.py),
 * every rejection with its FileFormatError text, bit-exact round trips, and round trips through
 * NumPy itself (/usr/bin/python3 with NumPy is required; the test fails, never skips, without it).
 * All float comparisons are bit-exact (tolerance 0): the format stores float32 verbatim.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { FileFormatError } from '../lib/errors';
import { decodeNpy, decodeNpz, encodeNpy, readNpy, readNpz, writeNpy } from '../lib/io/npy';
import { Rng } from './helpers/random';

const FIXTURES = join(__dirname, 'fixtures', 'npy');
const fixture = (name: string) => join(FIXTURES, name);
const fixtureBytes = (name: string) => new Uint8Array(readFileSync(fixture(name)));

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'simd-conv2d-npy-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The float32 bit patterns, so NaN payloads and -0 compare exactly. */
const bits = (data: Float32Array) => Array.from(new Uint32Array(data.buffer, data.byteOffset, data.length));
const f32Bits = (values: number[]) => bits(Float32Array.from(values));

function expectFileFormatError(fn: () => unknown, path: string, ...words: string[]): FileFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(FileFormatError);
  const error = caught as FileFormatError;
  expect(error.name).toBe('FileFormatError');
  expect(error.path).toBe(path);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  for (const word of words) expect(error.message).toContain(word);
  return error;
}

/** A version-1.0 file with `header` verbatim (no padding added) followed by `data`. */
function npyWithHeader(header: string, data = new Uint8Array(0), version = 1): Uint8Array {
  const text = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const lengthSize = version === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthSize + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (lengthSize === 2) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthSize);
  out.set(data, 8 + lengthSize + text.length);
  return out;
}

const CUBE = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
const SPECIALS = [1.5, -2.25, 0, -0, Infinity, -Infinity, NaN, 1e-45];

describe('golden files written by NumPy', () => {
  test.each([
    ['f32_2x3x4.npy', [2, 3, 4], CUBE],
    ['f32_1d.npy', [8], SPECIALS],
    ['f32_scalar.npy', [], [3.25]],
    ['f32_empty_0x3.npy', [0, 3], []],
  ])('%s reads exactly, and encodeNpy writes the same bytes as np.save', (name, shape, values) => {
    const t = readNpy(fixture(name));
    expect(t.shape).toEqual(shape);
    expect(bits(t.data)).toEqual(f32Bits(values));
    expect(Buffer.from(encodeNpy(t)).equals(readFileSync(fixture(name)))).toBe(true);
  });

  test('the special values keep their exact bits (NaN, ±Infinity, -0, the smallest subnormal)', () => {
    const data = readNpy(fixture('f32_1d.npy')).data;
    expect(Object.is(data[3], -0)).toBe(true);
    expect(Number.isNaN(data[6])).toBe(true);
    expect(data[7]).toBe(2 ** -149);
  });

  test('big-endian >f4 is byte-swapped on read', () => {
    const t = readNpy(fixture('f32_big_endian.npy'));
    expect(t.shape).toEqual([6]);
    expect(Array.from(t.data)).toEqual([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
  });

  test.each(['f32_v2.npy', 'f32_v3.npy'])('format version %s', (name) => {
    const bytes = fixtureBytes(name);
    expect(bytes[6]).toBe(Number(name[5]));
    const t = decodeNpy(bytes, name);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });

  test.each(['two_members.npz', 'two_members_compressed.npz'])('%s: members in archive order, without .npy', (name) => {
    const members = readNpz(fixture(name));
    expect([...members.keys()]).toEqual(['kernel', 'bias']);
    expect(members.get('kernel')!.shape).toEqual([2, 3, 4]);
    expect(Array.from(members.get('kernel')!.data)).toEqual(CUBE);
    expect(members.get('bias')!.shape).toEqual([3]);
    expect(Array.from(members.get('bias')!.data)).toEqual([0.5, -1, 2]);
  });

  test('the tensor owns a fresh, aligned buffer even when the input starts at an odd offset', () => {
    const file = fixtureBytes('f32_2x3x4.npy');
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const input = shifted.subarray(1);
    const t = decodeNpy(input);
    expect(t.data.byteOffset % 4).toBe(0);
    expect(t.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(t.data)).toEqual(CUBE);
    input.fill(0);
    expect(Array.from(t.data)).toEqual(CUBE);
  });
});

describe('rejections name the file and say what was expected', () => {
  test('float64 and int32 name the dtype and how to convert', () => {
    const f64 = fixture('f64.npy');
    expectFileFormatError(() => readNpy(f64), f64, "received dtype '<f8' (float64)", 'expected float32', 'x.astype(np.float32)');
    const i32 = fixture('i32.npy');
    expectFileFormatError(() => readNpy(i32), i32, "received dtype '<i4' (int32)", 'x.astype(np.float32)');
    expectFileFormatError(() => decodeNpy(npyWithHeader("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }")),
      '<npy>', "received dtype '<U3'");
    expectFileFormatError(
      () => decodeNpy(npyWithHeader("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }")),
      '<npy>', 'received a structured dtype');
  });

  test('Fortran order asks for C order', () => {
    const path = fixture('f32_fortran.npy');
    expectFileFormatError(() => readNpy(path), path, 'expected C (row-major) order', 'fortran_order True', 'np.ascontiguousarray(x)');
  });

  test('truncated files state the expected and received byte counts', () => {
    const file = fixtureBytes('f32_2x3x4.npy');
    expectFileFormatError(() => decodeNpy(file.subarray(0, file.length - 5), 'cut.npy'), 'cut.npy',
      'expected 96 data bytes for a float32 array of shape (2, 3, 4), received 91 (the file is truncated)');
    expectFileFormatError(() => decodeNpy(file.subarray(0, 50), 'cut.npy'), 'cut.npy',
      'the header length field says 118 bytes, but only 40 bytes follow it');
    expectFileFormatError(() => decodeNpy(file.subarray(0, 7), 'cut.npy'), 'cut.npy', '7 bytes is too short');
    expectFileFormatError(() => decodeNpy(new Uint8Array(0), 'empty.npy'), 'empty.npy', '0 bytes is too short');
  });

  test('trailing bytes after the data', () => {
    const file = fixtureBytes('f32_2x3x4.npy');
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    expectFileFormatError(() => decodeNpy(longer, 'long.npy'), 'long.npy', 'expected 96 data bytes', 'received 99 (3 trailing bytes)');
  });

  test('bad magic and unknown versions', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    expectFileFormatError(() => decodeNpy(png, 'a.png'), 'a.png', 'not a .npy file', 'received 89 50 4e 47 0d 0a');
    const file = fixtureBytes('f32_2x3x4.npy');
    file[6] = 4;
    expectFileFormatError(() => decodeNpy(file), '<npy>', 'unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0');
    file[6] = 1;
    file[7] = 1;
    expectFileFormatError(() => decodeNpy(file), '<npy>', 'version 1.1');
  });

  test.each([
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'"],
    ["{'descr': '<f4', 'fortran_order': False}", "the key 'shape' is missing"],
    ["{'fortran_order': False, 'shape': (2,)}", "the key 'descr' is missing"],
    ["{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "'fortran_order' must be True or False"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "'shape' must be a tuple of non-negative integers"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "'shape' must be a tuple"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "'shape' must be a tuple"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': ('2',)}", "'shape' must be a tuple"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,)}", 'only integers are expected at character'],
    ["{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "duplicate key 'descr' at character 17"],
    ["{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", 'malformed header'],
    ["{'descr': '<f4", 'unterminated string'],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", 'unexpected text after the dict'],
    ["__import__('os').system('true')", 'unexpected "_" at character 0'],
    ["{1: 2}", 'expected a string key at character 1'],
    ["['descr', '<f4']", 'expected a dict literal'],
    [`{'descr': ${'['.repeat(100)}${']'.repeat(100)}}`, 'nesting too deep'],
    ['', 'unexpected end of header'],
  ])('header %j is refused: %s', (header, words) => {
    expectFileFormatError(() => decodeNpy(npyWithHeader(header, new Uint8Array(8)), 'h.npy'), 'h.npy', 'malformed header', words);
  });

  test('headers NumPy would also accept: any padding, no newline, Python 2 longs, double quotes', () => {
    const data = new Uint8Array(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer);
    for (const header of [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}",
      "  {'shape':(2,3),'fortran_order':False,'descr':'<f4',}\t\t \n\n",
      '{"descr": "<f4", "fortran_order": False, "shape": (2L, 3L), }',
    ]) {
      const t = decodeNpy(npyWithHeader(header, data));
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  test('version 3.0 headers must be UTF-8', () => {
    const bad = npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }  ", Uint8Array.from([0, 0, 0x80, 0x3f]), 3);
    expect(Array.from(decodeNpy(bad).data)).toEqual([1]);
    bad[bad.length - 5] = 0xff;
    expectFileFormatError(() => decodeNpy(bad), '<npy>', 'not valid UTF-8');
  });

  test('shapes beyond 2^31 - 1 elements, or an axis beyond it even with a zero axis', () => {
    for (const shape of ['(2147483648,)', '(65536, 65536)', '(0, 1099511627776)', '(99999999999999999999999,)']) {
      expectFileFormatError(
        () => decodeNpy(npyWithHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`)),
        '<npy>', `shape ${shape} is too large: at most 2147483647 elements`);
    }
  });

  test('missing files and arguments of the wrong type', () => {
    const missing = join(tmp, 'nope.npy');
    expectFileFormatError(() => readNpy(missing), missing, 'no such file');
    expectFileFormatError(() => readNpz(missing), missing, 'no such file');
    expectFileFormatError(() => readNpy(tmp), tmp, 'cannot read the file');
    expect(() => readNpy(3 as unknown as string)).toThrow(new TypeError('path: expected a file path string, received number 3'));
    expect(() => decodeNpy([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('.npz rejections name the member', () => {
  test('a file that is not a zip', () => {
    const path = fixture('f32_2x3x4.npy');
    expectFileFormatError(() => readNpz(path), path, 'not a .npz file');
    const zip = fixtureBytes('two_members.npz');
    expectFileFormatError(() => decodeNpz(zip.subarray(0, zip.length - 10), 'cut.npz'), 'cut.npz', 'not a .npz file');
  });

  test('a flipped byte in a stored member fails its CRC-32', () => {
    const zip = fixtureBytes('two_members.npz');
    const kernelData = Buffer.from(zip).indexOf(Buffer.from('\x93NUMPY', 'latin1'));
    zip[kernelData + 200] ^= 0x01;
    expectFileFormatError(() => decodeNpz(zip, 'flip.npz'), 'flip.npz', "member 'kernel.npy'", 'CRC-32 mismatch');
  });

  test('damaged deflate data', () => {
    const zip = fixtureBytes('two_members_compressed.npz');
    const view = new DataView(zip.buffer);
    const kernelData = 30 + view.getUint16(26, true) + view.getUint16(28, true);
    zip.fill(0xff, kernelData + 10, kernelData + 40);
    expectFileFormatError(() => decodeNpz(zip, 'bad.npz'), 'bad.npz', "member 'kernel.npy'");
  });

  test('a damaged central directory or local header', () => {
    const zip = fixtureBytes('two_members.npz');
    const directory = Buffer.from(zip).indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const broken = zip.slice();
    broken[directory] = 0;
    expectFileFormatError(() => decodeNpz(broken, 'b.npz'), 'b.npz', 'corrupt zip archive', 'central directory entry 0');
    const noLocal = zip.slice();
    noLocal[0] = 0;
    expectFileFormatError(() => decodeNpz(noLocal, 'b.npz'), 'b.npz', "member 'kernel.npy'", 'local header');
    const method = zip.slice();
    method[directory + 10] = 12;
    expectFileFormatError(() => decodeNpz(method, 'b.npz'), 'b.npz', "member 'kernel.npy'", 'unsupported compression method 12');
  });

  test('members that are not float32 .npy files, and duplicate names', () => {
    const good = encodeNpy({ data: [1, 2], shape: [2] });
    const text = zipSync({ 'a.npy': good, 'b.npy': strToU8('hello world') });
    expectFileFormatError(() => decodeNpz(text, 'm.npz'), 'm.npz', "member 'b.npy': not a .npy file");
    const f64 = zipSync({ 'w.npy': fixtureBytes('f64.npy') }, { level: 6 });
    expectFileFormatError(() => decodeNpz(f64, 'm.npz'), 'm.npz', "member 'w.npy'", "'<f8' (float64)", 'x.astype(np.float32)');
    const twice = zipSync({ a: good, 'a.npy': good });
    expectFileFormatError(() => decodeNpz(twice, 'm.npz'), 'm.npz', "two members are named 'a'");
  });
});

describe('encodeNpy', () => {
  test('round trips random shapes bit for bit, random bit patterns included (NaN payloads, subnormals)', () => {
    const rng = new Rng(20240611);
    const shapes: number[][] = [[], [0], [7], [1, 1], [2, 0, 3], [2, 3, 4, 5], [3, 1, 2, 1, 2]];
    for (let i = 0; i < 40; i++) shapes.push(Array.from({ length: rng.int(0, 4) }, () => rng.int(0, 5)));
    for (const shape of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const words = Uint32Array.from({ length: size }, () => rng.nextUint32());
      const data = new Float32Array(words.buffer);
      const bytes = encodeNpy({ data, shape });
      expect((bytes.length - size * 4) % 64).toBe(0);
      const back = decodeNpy(bytes);
      expect({ shape: back.shape, bits: bits(back.data) }).toEqual({ shape, bits: Array.from(words) });
    }
  });

  test('array-likes of numbers are rounded to float32', () => {
    const t = decodeNpy(encodeNpy({ data: [1, 0.1, -0], shape: [3] }));
    expect(bits(t.data)).toEqual(f32Bits([1, Math.fround(0.1), -0]));
    expect(Array.from(decodeNpy(encodeNpy({ data: Float64Array.of(0.1, 2), shape: [1, 2] })).data)).toEqual([Math.fround(0.1), 2]);
  });

  test('headers longer than 65535 bytes switch to version 2.0', () => {
    const shape = new Array(30000).fill(1);
    const bytes = encodeNpy({ data: [42], shape });
    expect(bytes[6]).toBe(2);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual(shape);
    expect(Array.from(back.data)).toEqual([42]);
    expect(encodeNpy({ data: [42], shape: new Array(100).fill(1) })[6]).toBe(1);
  });

  test('bad arguments', () => {
    expect(() => encodeNpy({ data: [1, 2, 3], shape: [2, 2] })).toThrow(
      new RangeError('data: expected 4 elements for shape [2, 2], received 3'));
    expect(() => encodeNpy({ data: new Float32Array(6), shape: [2, -3] })).toThrow(
      new TypeError('shape: expected an array of non-negative integers, received array [number 2, number -3]'));
    expect(() => encodeNpy({ data: [1, '2' as unknown as number], shape: [2] })).toThrow(
      new TypeError('data[1]: expected a number, received "2"'));
    expect(() => encodeNpy({ data: 5 as unknown as number[], shape: [1] })).toThrow(
      new TypeError('data: expected a Float32Array or an array-like of numbers, received number 5'));
    expect(() => encodeNpy(null as unknown as { data: number[]; shape: number[] })).toThrow(TypeError);
    expect(() => writeNpy(join(tmp, 'x.npy'), { data: [1], shape: [2] })).toThrow(RangeError);
  });

  test('writeNpy then readNpy', () => {
    const path = join(tmp, 'w.npy');
    writeNpy(path, { data: Float32Array.of(1, -2, 3.5, 4), shape: [2, 2] });
    const t = readNpy(path);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, -2, 3.5, 4]);
  });
});

describe('round trips through NumPy (/usr/bin/python3)', () => {
  const PYTHON = '/usr/bin/python3';
  let numpyChecked = false;

  /** Runs a Python script; fails the test (never skips) when NumPy is not importable. */
  function python(script: string, args: string[]): string {
    if (!numpyChecked) {
      const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
      if (probe.error || probe.status !== 0) {
        throw new Error(`${PYTHON} cannot import numpy; install python3-numpy (apt-get install python3-numpy) ` +
          `to run the NumPy round trips. ${probe.error?.message ?? probe.stderr}`);
      }
      numpyChecked = true;
    }
    const run = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`python failed: ${run.error?.message ?? run.stderr}`);
    return run.stdout;
  }

  test('np.load reads what writeNpy wrote, and np.save writes the same bytes', () => {
    const rng = new Rng(7);
    const cases: { shape: number[]; data: Float32Array }[] = [
      { shape: [3, 4, 5], data: Float32Array.from({ length: 60 }, () => rng.normal()) },
      { shape: [8], data: Float32Array.from(SPECIALS) },
      { shape: [], data: Float32Array.of(-7.75) },
      { shape: [2, 0, 3], data: new Float32Array(0) },
      { shape: [1, 2, 3, 2], data: new Float32Array(Uint32Array.from({ length: 12 }, () => rng.nextUint32()).buffer) },
    ];
    const paths = cases.map((c, i) => {
      const path = join(tmp, `to-numpy-${i}.npy`);
      writeNpy(path, c);
      return path;
    });
    const script = `
import io, json, sys
import numpy as np
out = []
for path in sys.argv[1:]:
    a = np.load(path)
    again = io.BytesIO()
    np.save(again, a)
    out.append({'shape': list(a.shape), 'dtype': a.dtype.str, 'c_order': bool(a.flags.c_contiguous),
                'bits': a.view(np.uint32).ravel().tolist(), 'same_bytes': again.getvalue() == open(path, 'rb').read()})
print(json.dumps(out))`;
    const loaded = JSON.parse(python(script, paths));
    expect(loaded).toEqual(cases.map((c) => ({
      shape: c.shape, dtype: '<f4', c_order: true, bits: bits(c.data), same_bytes: true,
    })));
  });

  test('readNpy / readNpz read what np.save / np.savez_compressed wrote', () => {
    const npy = join(tmp, 'from-numpy.npy');
    const npz = join(tmp, 'from-numpy.npz');
    const script = `
import json, sys
import numpy as np
rng = np.random.default_rng(12345)
a = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
a.ravel()[:4] = [np.nan, -0.0, np.inf, 1e-42]
b = rng.uniform(-1, 1, (5,)).astype(np.float32)
np.save(sys.argv[1], a)
np.savez_compressed(sys.argv[2], first=a, second=b)
print(json.dumps({'a': a.view(np.uint32).ravel().tolist(), 'b': b.view(np.uint32).ravel().tolist()}))`;
    const expected = JSON.parse(python(script, [npy, npz]));
    const t = readNpy(npy);
    expect(t.shape).toEqual([2, 3, 4, 5]);
    expect(bits(t.data)).toEqual(expected.a);
    const members = readNpz(npz);
    expect([...members.keys()]).toEqual(['first', 'second']);
    expect(bits(members.get('first')!.data)).toEqual(expected.a);
    expect(members.get('second')!.shape).toEqual([5]);
    expect(bits(members.get('second')!.data)).toEqual(expected.b);
  });
});
