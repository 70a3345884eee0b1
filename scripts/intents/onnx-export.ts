/**
 * Writes the linear intent model as an ONNX graph (opset 13) with protobufjs and the schema
 * subset in `onnx-subset.proto`.
 *
 * Graph: inputs `feature_ids` int64 [n] and `feature_values` float [n];
 *   rows   = Cast(Gather(weights[buckets, labels] float16, feature_ids)) -> [n, labels] float
 *   logits = ReduceSum(rows * Unsqueeze(feature_values, 1), 0) + bias -> [labels]
 *   probabilities = Sigmoid(logits * platt_a + platt_b)              -> [labels] (calibrated)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'onnx-subset.proto');
const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;
const ATTR_INT = 2;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half-precision bits of a number, rounded to nearest even. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** The number that half-precision bits stand for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Rounds every value to the nearest half-precision one, in place (what the graph stores). */
export function roundToFloat16(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = fromFloat16Bits(toFloat16Bits(values[i]));
  return values;
}

/** Everything the exporter needs to write the model. */
export interface LinearModelExport {
  /** Row-major [buckets, labels] weights; stored in half precision. */
  weights: Float32Array;
  buckets: number;
  labels: string[];
  bias: Float32Array;
  /** Platt scaling per label: p = sigmoid(a * logit + b). */
  plattA: Float32Array;
  plattB: Float32Array;
  /** Stored as ONNX metadata_props (key/value strings). */
  metadata?: Record<string, string>;
}

let modelType: protobuf.Type | null = null;

function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.loadSync(PROTO_PATH).lookupType('onnx.ModelProto');
  return modelType;
}

function floatTensor(name: string, dims: number[], data: Float32Array) {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dims, dataType: FLOAT, rawData: Buffer.from(raw) };
}

function float16Tensor(name: string, dims: number[], data: Float32Array) {
  const bits = Uint16Array.from(data, toFloat16Bits);
  const raw = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  return { name, dims, dataType: FLOAT16, rawData: Buffer.from(raw) };
}

function int64Tensor(name: string, dims: number[], data: number[]) {
  return { name, dims, dataType: INT64, int64Data: data };
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

function node(opType: string, inputs: string[], outputs: string[], attribute: object[] = []) {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

/** Serialises the model; the bytes load in onnxruntime as-is. */
export function exportLinearModel(model: LinearModelExport): Uint8Array {
  const labelCount = model.labels.length;
  if (model.weights.length !== model.buckets * labelCount) {
    throw new Error(
      `exportLinearModel: weights has ${model.weights.length} values, expected ${model.buckets * labelCount}`,
    );
  }
  const graph = {
    name: 'cuecard_intents',
    node: [
      node(
        'Gather',
        ['weights', 'feature_ids'],
        ['rows_half'],
        [{ name: 'axis', type: ATTR_INT, i: 0 }],
      ),
      node('Cast', ['rows_half'], ['rows'], [{ name: 'to', type: ATTR_INT, i: FLOAT }]),
      node('Unsqueeze', ['feature_values', 'axis_one'], ['values_column']),
      node('Mul', ['rows', 'values_column'], ['weighted']),
      node(
        'ReduceSum',
        ['weighted', 'axis_zero'],
        ['summed'],
        [{ name: 'keepdims', type: ATTR_INT, i: 0 }],
      ),
      node('Add', ['summed', 'bias'], ['logits']),
      node('Mul', ['logits', 'platt_a'], ['scaled']),
      node('Add', ['scaled', 'platt_b'], ['shifted']),
      node('Sigmoid', ['shifted'], ['probabilities']),
    ],
    initializer: [
      float16Tensor('weights', [model.buckets, labelCount], model.weights),
      floatTensor('bias', [labelCount], model.bias),
      floatTensor('platt_a', [labelCount], model.plattA),
      floatTensor('platt_b', [labelCount], model.plattB),
      int64Tensor('axis_zero', [1], [0]),
      int64Tensor('axis_one', [1], [1]),
    ],
    input: [valueInfo('feature_ids', INT64, ['n']), valueInfo('feature_values', FLOAT, ['n'])],
    output: [
      valueInfo('logits', FLOAT, [labelCount]),
      valueInfo('probabilities', FLOAT, [labelCount]),
    ],
  };
  const type = onnxModelType();
  const message = type.fromObject({
    irVersion: 8,
    producerName: 'cuecard-intents',
    producerVersion: '1',
    modelVersion: 1,
    docString: `labels: ${model.labels.join(',')}`,
    graph,
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: Object.entries(model.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return type.encode(message).finish();
}
