'use strict';
// Builds the bytes of a one-node ONNX model (Conv, weights as an initializer)
// without python or protobuf libraries: a minimal protobuf writer plus the
// handful of onnx.proto fields the model needs. Field numbers are those of
// onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
// TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).

// ---- protobuf wire format: varints and length-delimited fields --------------
const WIRE_VARINT = 0;
const WIRE_LEN = 2;

function varint(value) {
  // Non-negative integers below 2^53 only (all sizes here are small).
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`varint: bad value ${value}`);
  const out = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

const key = (field, wire) => varint(field * 8 + wire);
const fInt = (field, v) => Buffer.concat([key(field, WIRE_VARINT), varint(v)]);
const fBytes = (field, bytes) => Buffer.concat([key(field, WIRE_LEN), varint(bytes.length), bytes]);
const fStr = (field, s) => fBytes(field, Buffer.from(s, 'utf8'));
const fMsg = (field, parts) => fBytes(field, Buffer.concat(parts));
// Repeated scalars written unpacked (one key per value): onnx.proto is proto2,
// where unpacked is the default encoding; parsers accept both anyway.
const fInts = (field, values) => Buffer.concat(values.map((v) => fInt(field, v)));

// ---- onnx.proto pieces ------------------------------------------------------
const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT
const ATTR_INTS = 7; // AttributeProto.AttributeType.INTS

// AttributeProto: name=1, i=3, ints=8, type=20.
const attrInt = (name, v) => fMsg(5, [fStr(1, name), fInt(3, v), fInt(20, ATTR_INT)]);
const attrInts = (name, vs) => fMsg(5, [fStr(1, name), fInts(8, vs), fInt(20, ATTR_INTS)]);

// ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1,
// shape=2: TensorShapeProto{dim=1: {dim_value=1}}}}}, as GraphProto field `field`.
function valueInfo(field, name, dims) {
  const shape = dims.map((d) => fMsg(1, [fInt(1, d)]));
  const tensorType = fMsg(1, [fInt(1, TENSOR_FLOAT), fMsg(2, shape)]);
  return fMsg(field, [fStr(1, name), fMsg(2, [tensorType])]);
}

// TensorProto as GraphProto.initializer (5): dims=1, data_type=2, name=8,
// raw_data=9 (little-endian float32, which is how Float32Array is stored on
// every platform Node runs on).
function initializer(name, dims, data) {
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return fMsg(5, [fInts(1, dims), fInt(2, TENSOR_FLOAT), fStr(8, name), fBytes(9, raw)]);
}

// layer: a suite entry. weightsOihw: Float32Array (Cout, Cin/groups, Kh, Kw).
// Input "x" is NCHW (N, Cin, H, W), output "y" is NCHW (N, Cout, Ho, Wo).
// Pads are explicit (auto_pad NOTSET) and taken from the suite, so Keras'
// extra bottom/right padding for "same" is reproduced exactly.
function convModel(layer, weightsOihw, opset = 13) {
  const cg = layer.Cin / layer.groups;
  const node = fMsg(1, [
    fStr(1, 'x'),
    fStr(1, 'W'),
    fStr(2, 'y'),
    fStr(3, 'conv'),
    fStr(4, 'Conv'),
    attrInts('kernel_shape', [layer.Kh, layer.Kw]),
    attrInts('strides', [layer.stride, layer.stride]),
    // ONNX order: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right].
    attrInts('pads', [layer.pad_top, layer.pad_left, layer.pad_bottom, layer.pad_right]),
    attrInts('dilations', [layer.dilation, layer.dilation]),
    attrInt('group', layer.groups),
  ]);
  const graph = fMsg(7, [
    node,
    fStr(2, `conv_${layer.id}`),
    initializer('W', [layer.Cout, cg, layer.Kh, layer.Kw], weightsOihw),
    valueInfo(11, 'x', [layer.N, layer.Cin, layer.H, layer.W]),
    valueInfo(12, 'y', [layer.N, layer.Cout, layer.Ho, layer.Wo]),
  ]);
  return Buffer.concat([
    fInt(1, 8), // ir_version 8 (ONNX 1.10+), enough for opset 13
    fStr(2, 'simd-conv2d-bench'),
    graph,
    fMsg(8, [fStr(1, ''), fInt(2, opset)]), // opset_import: default domain
  ]);
}

module.exports = { convModel, varint };
