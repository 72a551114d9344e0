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

/** FileFormatError texts for `.npy` / `.npz` files (lib/io); the path is prefixed by the class. */
export const NpyMessages = {
  noSuchFile: () => 'no such file',
  unreadable: (reason: string) => `cannot read the file: ${reason}`,
  tooShort: (received: number) => `not a .npy file: ${received} bytes is too short for a .npy header`,
  magic: (received: string) =>
    `not a .npy file: expected the magic string \\x93NUMPY (93 4e 55 4d 50 59), received ${received}`,
  version: (major: number, minor: number) =>
    `unsupported .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`,
  headerPastEnd: (declared: number, available: number) =>
    `the header length field says ${declared} bytes, but only ${available} bytes follow it (truncated file?)`,
  headerEncoding: () => 'malformed header: not valid UTF-8',
  headerSyntax: (detail: string, at: number) => `malformed header: ${detail} at character ${at}`,
  headerNotDict: () => "malformed header: expected a dict literal with 'descr', 'fortran_order' and 'shape'",
  headerMissingKey: (key: string) => `malformed header: the key '${key}' is missing`,
  headerExtraKey: (key: string) =>
    `malformed header: unexpected key '${key}' (expected only 'descr', 'fortran_order' and 'shape')`,
  fortranOrderType: () => "malformed header: 'fortran_order' must be True or False",
  shapeType: () => "malformed header: 'shape' must be a tuple of non-negative integers",
  tooManyElements: (shape: string, limit: number) =>
    `shape ${shape} is too large: at most ${limit} elements (and per axis) are supported`,
  elementCount: (expected: number, shape: readonly number[], received: number) =>
    `data: expected ${expected} elements for shape [${shape.join(', ')}], received ${received}`,
  dtype: (descr: string) =>
    `expected float32 data (descr '<f4'), received ${descr}; convert the array with x.astype(np.float32) before saving it`,
  fortranOrder: () =>
    'expected C (row-major) order, received fortran_order True; save np.ascontiguousarray(x) instead',
  dataLength: (expected: number, received: number, shape: string) =>
    `expected ${expected} data bytes for a float32 array of shape ${shape}, received ${received} ` +
    (received < expected ? '(the file is truncated)' : `(${received - expected} trailing bytes)`),
  notZip: () => 'not a .npz file: no zip end-of-central-directory record found',
  zip64: () => 'ZIP64 archives (over 4 GiB or 65535 members) are not supported',
  corruptZip: (detail: string) => `corrupt zip archive: ${detail}`,
  member: (name: string, detail: string) => `member '${name}': ${detail}`,
  duplicateMember: (name: string) => `two members are named '${name}' once '.npy' is dropped`,
  compression: (method: number) =>
    `unsupported compression method ${method} (expected 0, stored, or 8, deflate)`,
  crc: (expected: number, received: number) =>
    `CRC-32 mismatch (the archive says ${hex32(expected)}, the data has ${hex32(received)}); the file is corrupt`,
} as const;

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
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
  if (v instanceof DataView) return `DataView of ${v.byteLength} bytes`;
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
  /** Ours: `build` refuses a kernel larger than it can allocate safely. */
  kernelTooLarge: (layer: string, kernelShape: readonly number[], size: number, limit: number, shape: readonly (number | null)[]) =>
    `Layer '${layer}' cannot be built for input shape ${pyTuple(shape)}: its kernel ${pyTuple(kernelShape)} would have ${size} elements, more than the ${limit} supported.`,
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

/**
 * Texts for Keras weight files and `.keras` archives (lib/io, spec section 11). FileFormatError
 * prefixes the file's path; the ValueErrors marked Keras' are Keras' words.
 */
export const KerasFileMessages = {
  h5wasmUnavailable: (reason: string) =>
    `Cannot load h5wasm, which reads and writes .h5 files: ${reason}. It is a dependency of simd-conv2d ` +
    '(npm install h5wasm); it is ESM-only, so under Jest run node with --experimental-vm-modules.',
  noSuchFile: () => 'no such file',
  isDirectory: () => 'is a directory, expected a file',
  notHdf5: () => 'not an HDF5 file (no HDF5 signature at byte 0, 512, 1024, ...); expected a Keras .weights.h5 file',
  corruptHdf5: (reason: string) => `corrupt or truncated HDF5 file (${reason})`,
  cannotCreate: (reason: string) =>
    `cannot create the file: ${{ ENOENT: 'its directory does not exist', EACCES: 'permission denied', EISDIR: 'it is a directory', EROFS: 'read-only file system' }[reason] ?? reason}`,
  legacyH5: () =>
    'a legacy Keras 2 HDF5 file (model_weights / layer_names); expected the Keras 3 .weights.h5 layout (layers/<name>/vars/0, 1)',
  noLayer: (layerPath: string, found: readonly string[]) =>
    `no layer at '${layerPath}'; ${found.length > 0 ? `found ${found.join(', ')}` : 'the file holds no layers/<name>/vars groups'}`,
  noDataset: (group: string, key: string, keys: readonly string[]) =>
    `${group} has no dataset '${key}' (its members: ${keys.map((k) => `'${k}'`).join(', ') || 'none'})`,
  notFloat32: (dataset: string, dtype: string) =>
    `${dataset} has dtype ${dtype}; expected float32 (Keras stores Conv2D variables as float32)`,
  /** Keras' (layer.py `load_own_variables`). */
  variableCount: (layer: string, expected: number, received: number, names: readonly string[]) =>
    `Layer '${layer}' expected ${expected} variables, but received ${received} variables during loading. Expected: ${pyRepr(names)}`,
  /** Keras' `Variable.assign` text; the variable's repr is printed without its values. */
  assignShape: (variablePath: string, expected: readonly number[], received: readonly number[]) =>
    'The shape of the target variable and the shape of the target value in `variable.assign(value)` must match. ' +
    `variable.shape=${pyTuple(expected)}, Received: value.shape=${pyTuple(received)}. ` +
    `Target variable: <Variable path=${variablePath}, shape=${pyTuple(expected)}, dtype=float32>`,
  kernelForBuild: (layer: string, received: readonly number[], kernelSize: readonly number[], filters: number) =>
    `Cannot build layer '${layer}' from the weights file: expected a kernel of shape ` +
    `(${kernelSize[0]}, ${kernelSize[1]}, input_channels / groups, ${filters}), received ${pyTuple(received)}`,
  /** Keras' (saving_api.save_weights). */
  saveFilename: (filepath: string) => `The filename must end in \`.weights.h5\`. Received: filepath=${filepath}`,
  saveUnbuilt: (layer: string) =>
    `Layer '${layer}' is not built, so it has no weights to save; build it first (layer.build(inputShape), or apply it to an input)`,
  layerPath: (received: unknown) =>
    `layerPath: expected a group path such as 'layers/conv2d' (not 'vars' and without '.' or '..' parts), received ${describeValue(received)}`,
  unknownOption: (key: string) => `options: unknown key '${key}'; the only option is layerPath`,
  notZip: () => 'not a .keras file: expected a zip archive (its first bytes are not PK\\x03\\x04)',
  truncatedZip: () => 'not a .keras file: the zip archive has no end-of-central-directory record (truncated?)',
  missingMember: (member: string) => `not a .keras archive: it has no ${member}`,
  /** Keras' (saving_lib.load_model) for an archive without weights. */
  noWeightsMember: () => 'Expected a model.weights.h5 or model.weights.npz file.',
  npzWeights: () => 'the weights are stored as model.weights.npz; only model.weights.h5 is supported',
  badJson: (member: string, reason: string) => `${member} is not valid JSON: ${reason}`,
  badLayerEntry: (index: number) =>
    `config.json: config.layers[${index}] is not a layer entry (expected an object with class_name and config)`,
  notAModel: (what: string) =>
    `config.json does not describe a Sequential or Functional model (no config.layers list); received ${what}`,
  noConv2D: (model: string, layers: readonly string[], nested: readonly string[]) =>
    `the model '${model}' has no Conv2D layer (its layers: ${layers.join(', ') || 'none'})` +
    (nested.length > 0 ? `; nested models are not searched: ${nested.map((n) => `'${n}'`).join(', ')}` : ''),
  /** Keras' `Model.get_layer` text, limited to Conv2D layers. */
  noSuchConv2D: (name: string, names: readonly string[], nested: readonly string[]) =>
    `No such Conv2D layer: ${name}. Existing Conv2D layers are: ${pyRepr(names)}.` +
    (nested.length > 0 ? ` Nested models are not searched: ${pyRepr(nested)}.` : ''),
} as const;

/** A command-line usage error (an option missing, malformed or in conflict): the CLI exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Texts of the `simd-conv2d` command-line tool's errors (lib/cli). */
export const CliMessages = {
  layerSourceMissing: () => 'no layer given: add --config FILE.json or --keras FILE.keras',
  imageLayerMissing: (banks: readonly string[]) =>
    `no layer given: add --filter ${banks.join('|')}, --config FILE.json or --keras FILE.keras`,
  layerSourceBoth: () => '--config and --keras are mutually exclusive; give one of them',
  optionNeeds: (option: string, needed: string) => `${option} applies only together with ${needed}`,
  optionConflict: (a: string, b: string) => `${a} cannot be used together with ${b}`,
  configWithoutWeights: (file: string) =>
    `--config ${file} holds no weights: add --weights FILE.weights.h5, or --random-weights to draw them from the layer's initializers`,
  configNotJson: (detail: string) => `expected a Keras layer config in JSON, but the file does not parse: ${detail}`,
  configNotObject: (received: string) =>
    `expected a Keras layer config (a JSON object: get_config() or {"class_name", "config"}), received ${received}`,
  inputRank: (option: string, layout: string, shape: readonly number[]) =>
    `${option}: expected a 4-D batch ${layout} or a 3-D image, received an array of shape ${pyTuple(shape)}`,
  inputEmptyDir: () => 'the directory given to --input holds no .npy files',
  inputMismatch: (file: string, shape: readonly number[], first: string, firstShape: readonly number[]) =>
    `--input ${file}: image shape ${pyTuple(shape)} differs from ${pyTuple(firstShape)} of ${first}; every file must share H, W and C`,
  inputChannels: (source: string, received: number, layer: string, expected: number) =>
    `${source} has ${received} channel(s), but layer '${layer}' expects ${expected}`,
  notFound: (option: string) => `no such file or directory (given to ${option})`,
  isDirectory: (option: string) => `is a directory, expected a file (given to ${option})`,
  notImage: (head: string) => `not a PNG or JPEG image (its first bytes are ${head})`,
  badImage: (kind: string, detail: string) => `cannot decode the ${kind} image: ${detail}`,
  unknownLayers: (ids: readonly string[], known: readonly string[]) =>
    `--layers: unknown layer(s) ${ids.join(', ')}; the suite has ${known.join(', ')}`,
  needsCheckout: (option: string) =>
    `${option} needs a checkout of the repository (bench/run.js); the self-contained benchmark times this package alone`,
} as const;
