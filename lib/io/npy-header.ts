/**
 * The header of a `.npy` file: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
 * It is parsed here by a small recursive-descent reader of Python literals (never evaluated),
 * then checked for the three keys NumPy writes.
 */
import { NpyMessages } from '../errors';

/** A Python tuple, kept apart from a list because NumPy requires 'shape' to be a tuple. */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** The literals a header can hold; ints are bigints so that no digit is lost before checking. */
export type PyValue = string | bigint | boolean | null | PyValue[] | PyTuple | Map<string, PyValue>;

export interface NpyHeader {
  /** A dtype string such as '<f4', or a list for a structured dtype. */
  descr: PyValue;
  fortranOrder: boolean;
  /** Each entry a non-negative integer (bigint until the caller bounds it). */
  shape: bigint[];
}

/** The backslash escapes a dtype string could need; NumPy's own headers use none. */
const ESCAPES = new Map([['\\', '\\'], ["'", "'"], ['"', '"'], ['n', '\n'], ['t', '\t'], ['r', '\r']]);

/** Nesting beyond this is no header NumPy writes; the limit keeps recursion shallow. */
const MAX_DEPTH = 32;

class LiteralReader {
  at = 0;
  constructor(private readonly text: string, private readonly fail: (message: string) => never) {}

  error(detail: string): never {
    return this.fail(NpyMessages.headerSyntax(detail, this.at));
  }

  skipSpace(): void {
    while (this.at < this.text.length && ' \t\n\r\f\v'.includes(this.text[this.at])) this.at++;
  }

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.error('nesting too deep');
    this.skipSpace();
    const c = this.text[this.at];
    if (c === undefined) this.error('unexpected end of header');
    if (c === '{') return this.dict(depth);
    if (c === '(' || c === '[') return this.sequence(depth);
    if (c === "'" || c === '"') return this.string();
    if (/[-+0-9]/.test(c)) return this.integer();
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.at, this.at + 16))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.at += word.length;
      return word === 'None' ? null : word === 'True';
    }
    return this.error(`unexpected ${JSON.stringify(c)}`);
  }

  /** `(a, b)`, `(a,)`, `()` or `[a, b]`; `(a)` is just `a`, as in Python. */
  sequence(depth: number): PyValue {
    const close = this.text[this.at] === '(' ? ')' : ']';
    this.at++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) break;
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.at] === ',') {
        sawComma = true;
        this.at++;
      } else if (this.text[this.at] !== close) {
        this.error(`expected ',' or '${close}'`);
      }
    }
    this.at++;
    if (close === ']') return items;
    return items.length === 1 && !sawComma ? items[0] : new PyTuple(items);
  }

  dict(depth: number): Map<string, PyValue> {
    this.at++;
    const entries = new Map<string, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '}') break;
      const keyAt = this.at;
      const key = this.value(depth + 1);
      if (typeof key !== 'string') {
        this.at = keyAt;
        this.error('expected a string key');
      }
      if (entries.has(key)) {
        this.at = keyAt;
        this.error(`duplicate key '${key}'`);
      }
      this.skipSpace();
      if (this.text[this.at] !== ':') this.error("expected ':'");
      this.at++;
      entries.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.error("expected ',' or '}'");
    }
    this.at++;
    return entries;
  }

  string(): string {
    const quote = this.text[this.at++];
    let out = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === '\n') return this.error('unterminated string');
      this.at++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escaped = ESCAPES.get(this.text[this.at]);
      if (escaped === undefined) this.error('unsupported escape in string');
      out += escaped;
      this.at++;
    }
  }

  integer(): bigint {
    const match = /^[-+]?\d+/.exec(this.text.slice(this.at, this.at + 64));
    if (!match) return this.error('expected a digit');
    this.at += match[0].length;
    // Python 2 wrote long ints as `3L`; NumPy still reads such files.
    if (this.text[this.at] === 'L' || this.text[this.at] === 'l') this.at++;
    if (/[.\w]/.test(this.text[this.at] ?? '')) this.error('only integers are expected');
    return BigInt(match[0]);
  }
}

/** Parses and checks a header's text; `fail` throws the caller's error for a message. */
export function parseNpyHeader(text: string, fail: (message: string) => never): NpyHeader {
  const reader = new LiteralReader(text, fail);
  const dict = reader.value(0);
  reader.skipSpace();
  if (!reader.atEnd()) reader.error('unexpected text after the dict');
  if (!(dict instanceof Map)) return fail(NpyMessages.headerNotDict());
  for (const key of dict.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') fail(NpyMessages.headerExtraKey(key));
  }
  const get = (key: string): PyValue => {
    if (!dict.has(key)) fail(NpyMessages.headerMissingKey(key));
    return dict.get(key) as PyValue;
  };
  const descr = get('descr');
  const fortranOrder = get('fortran_order');
  if (typeof fortranOrder !== 'boolean') return fail(NpyMessages.fortranOrderType());
  const shape = get('shape');
  if (!(shape instanceof PyTuple) || !shape.items.every((d) => typeof d === 'bigint' && d >= 0n)) {
    return fail(NpyMessages.shapeType());
  }
  return { descr, fortranOrder, shape: shape.items as bigint[] };
}
