/**
 * Writes the linear intent model as an ONNX graph (opset 13) with protobufjs and the schema
 * subset in `onnx-subset.proto`.
 *
 * Graph: inputs `feature_ids` int64 [n] and `feature_values` float [n];
 *   rows   = Gather(weights[buckets, labels], feature_ids)          -> [n, labels]
 *   logits = ReduceSum(rows * Unsqueeze(feature_values, 1), 0) + bias -> [labels]
 *   probabilities = Sigmoid(logits * platt_a + platt_b)              -> [labels] (calibrated)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'onnx-subset.proto');
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;

/** Everything the exporter needs to write the model. */
export interface LinearModelExport {
  /** Row-major [buckets, labels] weights. */
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
        ['rows'],
        [{ name: 'axis', type: ATTR_INT, i: 0 }],
      ),
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
      floatTensor('weights', [model.buckets, labelCount], model.weights),
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
