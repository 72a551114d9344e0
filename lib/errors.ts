/**
 * Every error the package throws, and every message text, in one place.
 * Keras' own messages are reproduced word for word (see `docs/keras-conv2d` citations in README),
 * including their Python reprs, so code that matches on Keras' text keeps working.
 */

/** Keras' `ValueError`: a well-typed argument with a value Keras rejects. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** Keras' `NotImplementedError`. */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

/**
 * A file that cannot be read as what it claims to be (a `.npy`, `.npz`, `.weights.h5` or `.keras`
 * that is truncated, corrupt, of another dtype or layout, or lacks the entry asked for). `path`
 * names the file, so a CLI can print one line.
 */
export class FileFormatError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'FileFormatError';
    this.path = path;
  }
}

/** Python's `type(x)` repr for a JS value, as Keras messages print it. */
export function pyType(v: unknown): string {
  if (v === null || v === undefined) return "<class 'NoneType'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number') return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === 'string') return "<class 'str'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === 'function') return "<class 'function'>";
  return "<class 'dict'>";
}

function pyString(s: string): string {
  if (s.includes("'") && !s.includes('"')) return `"${s}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python's `repr(x)` for a JS value (arrays print as lists). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'function') return `<function ${v.name || '<lambda>'}>`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.getConfig === 'function' && o.constructor && o.constructor !== Object) {
      return `<${o.constructor.name} object>`;
    }
    return `{${Object.entries(o).map(([k, x]) => `${pyString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** Python's `str(x)`: like repr, but a bare string prints without quotes. */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's repr of a tuple: `(3, 3)`, `(5,)`, `()`. */
export function pyTuple(values: readonly unknown[]): string {
  if (values.length === 1) return `(${pyRepr(values[0])},)`;
  return `(${values.map(pyRepr).join(', ')})`;
}

/** Python's repr of a small set of ints, in CPython's iteration order for small tables. */
export function pyIntSet(values: readonly number[]): string {
  const unique = [...new Set(values)];
  // CPython hashes -1 as -2; a set of up to 4 ints lives in an 8-slot table, so iteration
  // follows hash & 7 (ties keep insertion order, which is close enough for short sets).
  const slot = (v: number) => ((v === -1 ? -2 : v) % 8 + 8) % 8;
  unique.sort((a, b) => slot(a) - slot(b));
  return `{${unique.map(pyNumber).join(', ')}}`;
}

/** A JS-side argument error: names the argument, what was expected and what was received. */
export function invalidArgument(name: string, expected: string, received: unknown): TypeError {
  return new TypeError(`${name}: expected ${expected}, received ${describeValue(received)}`);
}

/** A short description of a received value for TypeError/RangeError messages. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'function') return `function ${v.name || '(anonymous)'}`;
  if (Array.isArray(v)) return `array [${v.slice(0, 8).map((x) => describeValue(x)).join(', ')}${v.length > 8 ? ', …' : ''}]`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of length ${(v as unknown as { length: number }).length}`;
  return (v as object).constructor?.name ?? 'object';
}

/** Message builders for Keras' ValueErrors, in the order of spec section 2. */
export const Messages = {
  unrecognizedKwargs: (kwargs: Record<string, unknown>) =>
    `Unrecognized keyword arguments passed to Conv2D: ${pyRepr(kwargs)}`,
  trainableNotBool: (v: unknown) =>
    `Expected \`trainable\` to be a boolean. Received: trainable=${pyStr(v)} (of type ${pyType(v)})`,
  tupleArg: (name: string, value: unknown) =>
    `The \`${name}\` argument must be a tuple of 2 integers. Received ${name}=${pyStr(value)}`,
  tupleElement: (element: unknown) => `including element ${pyStr(element)} of type ${pyType(element)}`,
  tupleNotPositive: (bad: readonly number[]) =>
    `, including values ${pyIntSet(bad)} that do not satisfy \`value > 0\``,
  padding: (lowered: string) =>
    `The \`padding\` argument must be a list/tuple or one of {'valid', 'same'}. Received: ${lowered}`,
  dataFormat: (lowered: string) =>
    `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${lowered}`,
  activation: (id: unknown) => `Could not interpret activation function identifier: ${pyStr(id)}`,
  initializer: (id: unknown) => `Could not interpret initializer identifier: ${pyStr(id)}`,
  regularizer: (id: unknown) => `Could not interpret regularizer identifier: ${pyStr(id)}`,
  constraint: (id: unknown) => `Could not interpret constraint identifier: ${pyStr(id)}`,
  filters: (v: unknown) =>
    `Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${pyStr(v)}.`,
  groups: (v: unknown) => `The number of groups must be a positive integer. Received: groups=${pyStr(v)}.`,
  filtersGroups: (groups: number, filters: number) =>
    `The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${filters}.`,
  stridesDilation: (strides: readonly number[], dilation: readonly number[]) =>
    `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=${pyTuple(strides)} and dilation_rate=${pyTuple(dilation)}`,
  minNdim: (layer: string, shape: readonly (number | null)[]) =>
    `Input 0 with name 'None' of layer '${layer}' is incompatible with the layer: expected min_ndim=4, found ndim=${shape.length}. Full shape received: ${pyTuple(shape)}`,
  channelsGroups: (groups: number, channels: number, shape: readonly (number | null)[]) =>
    `The number of input channels must be evenly divisible by the number of groups. Received groups=${groups}, but the input has ${channels} channels (full input shape is ${pyTuple(shape)}).`,
  kernelRank: (kernelShape: readonly unknown[], shape: readonly (number | null)[]) =>
    `Kernel shape must have the same length as input, but received kernel of shape ${pyTuple(kernelShape)} and input of shape ${pyTuple(shape)}.`,
  paddingAtBuild: (padding: unknown) =>
    `\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${pyStr(padding)}.`,
  outputSize: (
    shape: readonly (number | null)[],
    kernelShape: readonly unknown[],
    dilation: readonly number[],
    strides: readonly number[],
  ) =>
    `Computed output size would be zero or negative. Received \`inputs shape=${pyTuple(shape)}\`, \`kernel shape=${pyTuple(kernelShape)}\`, \`dilation_rate=[${dilation.join(' ')}]\`, \`strides=${pyTuple(strides)}\`, \`padding=valid\`.`,
  channelAxis: (layer: string, axis: number, value: number, shape: readonly (number | null)[]) =>
    `Input 0 with name 'None' of layer '${layer}' is incompatible with the layer: expected axis ${axis} of input shape to have value ${value}, but received input with shape ${pyTuple(shape)}`,
  setWeightsCount: (layer: string, received: number, expected: number) =>
    `You called \`set_weights(weights)\` on layer '${layer}' with a weight list of length ${received}, but the layer was expecting ${expected} weights.`,
  setWeightsShape: (layer: string, expected: readonly number[], received: readonly unknown[]) =>
    `Layer ${layer} weight shape ${pyTuple(expected)} is not compatible with provided weight shape ${pyTuple(received)}.`,
  countParamsUnbuilt: (layer: string) =>
    `You tried to call \`count_params\` on layer '${layer}', but the layer isn't built. You can build it manually via: \`layer.build(input_shape)\`.`,
  unbuiltWeight: (what: string) => `You must build the layer before accessing \`${what}\`.`,
  channelsUnknown: (shape: readonly unknown[]) =>
    `The channel dimension of the inputs should be defined. Found \`None\`. Full input shape received: ${pyTuple(shape)}`,
  regularizerFactor: (name: string, v: unknown) =>
    `Invalid value for argument ${name}: expected a non-negative float.Received: ${name}=${pyStr(v)}`,

  // --- Activations, initializers, regularizers and constraints (spec sections 6-9). ---
  /** Python's TypeError for a class built with a keyword its `__init__` does not take. */
  unexpectedKwarg: (className: string, key: string) =>
    `${className}.__init__() got an unexpected keyword argument '${key}'`,
  /** Keras' deserializer, for a dict without `class_name`. */
  unknownConfigDict: (config: unknown) => `Unknown \`config\` as a \`dict\`, config=${pyStr(config)}`,
  /** Python's TypeError when `threshold` (which needs two more arguments) is a layer activation. */
  thresholdActivation: () =>
    "threshold() missing 2 required positional arguments: 'threshold' and 'default_value'",
  /** Ours: `glu` splits the last axis in two equal halves. */
  gluOddAxis: (shape: readonly number[]) =>
    `glu needs an even size on the last axis to split it in halves. Received: x.shape=${pyTuple(shape)}`,
  initializerNotImplemented: () => 'Initializer subclasses must implement the `__call__()` method.',
  seed: (v: unknown) =>
    `\`seed\` argument should be an instance of \`keras.random.SeedGenerator()\` or an integer. Received: seed=${pyStr(v)}`,
  varianceScale: (v: unknown) => `Argument \`scale\` must be positive float. Received: scale=${pyStr(v)}`,
  varianceMode: (v: unknown) =>
    `Invalid \`mode\` argument: ${pyStr(v)}. Please use one of {'fan_in', 'fan_out', 'fan_avg'}`,
  varianceDistribution: (v: unknown) =>
    `Invalid \`distribution\` argument: ${pyStr(v)}.Please use one of {'uniform', 'truncated_normal', 'untruncated_normal'}`,
  identityRank: (shape: readonly number[]) =>
    `Identity matrix initializer can only be used for 2D matrices. Received: shape=${pyTuple(shape)} of rank ${shape.length}.`,
  orthogonalRank: (shape: readonly number[]) =>
    `The tensor to initialize must be at least two-dimensional. Received: shape=${pyTuple(shape)} of rank ${shape.length}.`,
  stftSide: (v: unknown) => `side should be 'real' or 'imag', not ${pyStr(v)}`,
  stftScaling: (v: unknown) =>
    `Scaling is invalid, it must be \`None\`, 'density' or 'spectrum'. Received scaling=${pyStr(v)}`,
  /** SciPy's `get_window` (1.17) for a name it does not know. */
  windowName: (name: string, window: unknown) => `Invalid window name '${name}' in parameter window=${pyRepr(window)}!`,
  /** Ours: a SciPy window this port does not reproduce. */
  windowNotPorted: (name: string) => `The '${name}' window is not available in this port.`,
  /** SciPy's `get_window` (1.17) for a window that needs parameters given by name only. */
  windowParams: (name: string, window: unknown) => `'${name}' must have parameters, but window=${pyRepr(window)}!`,
  stftWindowShape: (shape: readonly number[]) =>
    `The shape of \`window\` must be equal to [frame_length].Received: window shape=${pyTuple(shape)}`,
  /** Python's ValueError when a shape of the wrong rank is unpacked into names. */
  unpack: (expected: number, got: number) =>
    got > expected
      ? `too many values to unpack (expected ${expected})`
      : `not enough values to unpack (expected ${expected}, got ${got})`,
  /** Ours: a tensor used as initial values must have the weight's shape. */
  initializerValueShape: (valueShape: readonly number[], shape: readonly number[]) =>
    `Initial value shape ${pyTuple(valueShape)} does not match the weight shape ${pyTuple(shape)}.`,
  /** Ours: a custom initializer function returned the wrong number of values. */
  initializerOutputSize: (name: string, got: number, shape: readonly number[], expected: number) =>
    `Initializer ${name} returned ${got} values for shape ${pyTuple(shape)}, expected ${expected}.`,
  /** NumPy's AxisError text (an axis outside the tensor's rank). */
  axisOutOfBounds: (axis: number, ndim: number) => `axis ${axis} is out of bounds for array of dimension ${ndim}`,
  duplicateAxis: () => "duplicate value in 'axis'",
  regularizerMode: (v: unknown) =>
    `Invalid value for argument \`mode\`. Expected one of {"rows", "columns"}. Received: mode=${pyStr(v)}`,
  orthogonalRegularizerRank: (shape: readonly number[]) =>
    `Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape=${pyTuple(shape)}`,
  /** The base `Regularizer` cannot be serialized. */
  noGetConfig: (className: string) => `<${className} object> does not implement get_config()`,
} as const;
