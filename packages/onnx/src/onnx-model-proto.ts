import {
  concatBytes,
  encodeBytesField,
  encodeVarintField,
  fieldText,
  firstField,
  readFields,
  readRepeatedVarint,
  type WireField,
} from './protobuf.js';

/** An opset the model imports (`domain` is `''` for the default ONNX domain). */
export interface OnnxOpset {
  readonly domain: string;
  readonly version: number;
}

/** A ZipMap node whose output is a graph output (sklearn classifiers converted by skl2onnx). */
export interface OnnxZipMap {
  /** The float tensor `[N, classes]` the ZipMap turns into a list of maps. */
  readonly input: string;
  /** The graph output it produces (`output_probability` for skl2onnx). */
  readonly output: string;
  /** The class labels, in column order of `input`. */
  readonly classLabels: readonly (string | bigint)[];
}

/** What the flavor reads from an ONNX file without creating a session. */
export interface OnnxModelInfo {
  readonly irVersion: number;
  readonly opsets: readonly OnnxOpset[];
  readonly producerName: string;
  /** Relative `location` of every tensor stored as external data (deduplicated). */
  readonly externalDataLocations: readonly string[];
  /** ZipMap nodes feeding graph outputs. */
  readonly zipMaps: readonly OnnxZipMap[];
}

const MODEL_IR_VERSION = 1;
const MODEL_PRODUCER_NAME = 2;
const MODEL_GRAPH = 7;
const MODEL_OPSET_IMPORT = 8;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_INTS = 8;
const ATTRIBUTE_STRINGS = 9;
const ATTRIBUTE_TENSORS = 10;
const ATTRIBUTE_GRAPHS = 11;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TYPE_TENSOR_ELEM_TYPE = 1;
const TYPE_TENSOR_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_VALUE = 1;
const DIM_PARAM = 2;
const ELEM_TYPE_FLOAT = 1;

function collectExternalData(tensorBytes: Uint8Array, into: Set<string>): void {
  const fields = readFields(tensorBytes);
  if (firstField(fields, TENSOR_DATA_LOCATION)?.varint !== 1n) return;
  for (const entry of fields) {
    if (entry.field !== TENSOR_EXTERNAL_DATA) continue;
    const pair = readFields(entry.bytes);
    const key = firstField(pair, 1);
    const value = firstField(pair, 2);
    if (key && value && fieldText(key) === 'location') into.add(fieldText(value));
  }
}

function walkGraph(graphBytes: Uint8Array, externalData: Set<string>, zipMaps: OnnxZipMap[] | undefined): void {
  const graph = readFields(graphBytes);
  const outputNames = new Set(
    graph
      .filter((entry) => entry.field === GRAPH_OUTPUT)
      .map((entry) => {
        const name = firstField(readFields(entry.bytes), VALUE_INFO_NAME);
        return name ? fieldText(name) : '';
      }),
  );
  for (const entry of graph) {
    if (entry.field === GRAPH_INITIALIZER) collectExternalData(entry.bytes, externalData);
    if (entry.field !== GRAPH_NODE) continue;
    const node = readFields(entry.bytes);
    for (const attributeField of node) {
      if (attributeField.field !== NODE_ATTRIBUTE) continue;
      for (const value of readFields(attributeField.bytes)) {
        if (value.field === ATTRIBUTE_TENSOR || value.field === ATTRIBUTE_TENSORS) collectExternalData(value.bytes, externalData);
        if (value.field === ATTRIBUTE_GRAPH || value.field === ATTRIBUTE_GRAPHS) walkGraph(value.bytes, externalData, undefined);
      }
    }
    if (zipMaps === undefined) continue;
    const zipMap = readZipMap(node);
    if (zipMap && outputNames.has(zipMap.output)) zipMaps.push(zipMap);
  }
}

function readZipMap(node: readonly WireField[]): OnnxZipMap | undefined {
  const opType = firstField(node, NODE_OP_TYPE);
  if (!opType || fieldText(opType) !== 'ZipMap') return undefined;
  const input = firstField(node, NODE_INPUT);
  const output = firstField(node, NODE_OUTPUT);
  if (!input || !output) return undefined;
  let classLabels: (string | bigint)[] = [];
  for (const attributeField of node) {
    if (attributeField.field !== NODE_ATTRIBUTE) continue;
    const attribute = readFields(attributeField.bytes);
    const name = firstField(attribute, ATTRIBUTE_NAME);
    if (!name) continue;
    if (fieldText(name) === 'classlabels_int64s') {
      classLabels = readRepeatedVarint(attribute, ATTRIBUTE_INTS).map((value) => BigInt.asIntN(64, value));
    } else if (fieldText(name) === 'classlabels_strings') {
      classLabels = attribute.filter((value) => value.field === ATTRIBUTE_STRINGS).map(fieldText);
    }
  }
  return { input: fieldText(input), output: fieldText(output), classLabels };
}

/**
 * Reads the header of an ONNX model (IR version, opsets, producer), the external-data files it
 * references and its ZipMap outputs. Throws a RangeError when the bytes are not a ModelProto.
 */
export function inspectOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  const model = readFields(bytes);
  const graph = firstField(model, MODEL_GRAPH);
  if (graph === undefined || graph.wireType !== 2) throw new RangeError('no graph in the ONNX model');
  const opsets: OnnxOpset[] = model
    .filter((entry) => entry.field === MODEL_OPSET_IMPORT)
    .map((entry) => {
      const opset = readFields(entry.bytes);
      const domain = firstField(opset, 1);
      return { domain: domain ? fieldText(domain) : '', version: Number(firstField(opset, 2)?.varint ?? 0n) };
    });
  const externalData = new Set<string>();
  const zipMaps: OnnxZipMap[] = [];
  walkGraph(graph.bytes, externalData, zipMaps);
  const producer = firstField(model, MODEL_PRODUCER_NAME);
  return {
    irVersion: Number(firstField(model, MODEL_IR_VERSION)?.varint ?? 0n),
    opsets,
    producerName: producer ? fieldText(producer) : '',
    externalDataLocations: [...externalData],
    zipMaps,
  };
}

/**
 * Rewrites every ZipMap that feeds a graph output into an `Identity` node, and retypes that output
 * as `tensor(float)`: the output keeps its name and carries the `[N, classes]` probabilities that
 * fed the ZipMap. All other bytes of the model are kept as they were.
 */
export function removeZipMaps(bytes: Uint8Array): Uint8Array {
  const model = readFields(bytes);
  const graphField = firstField(model, MODEL_GRAPH);
  if (graphField === undefined) return bytes;
  const graph = readFields(graphField.bytes);
  const replaced = new Map<string, number>();
  const graphChunks = graph.map((entry) => {
    const raw = graphField.bytes.subarray(entry.start, entry.end);
    if (entry.field !== GRAPH_NODE) return raw;
    const node = readFields(entry.bytes);
    const zipMap = readZipMap(node);
    if (!zipMap) return raw;
    const name = firstField(node, NODE_NAME);
    replaced.set(zipMap.output, zipMap.classLabels.length);
    return encodeBytesField(
      GRAPH_NODE,
      concatBytes([
        encodeBytesField(NODE_INPUT, zipMap.input),
        encodeBytesField(NODE_OUTPUT, zipMap.output),
        encodeBytesField(NODE_NAME, name ? fieldText(name) : `${zipMap.output}_identity`),
        encodeBytesField(NODE_OP_TYPE, 'Identity'),
        encodeBytesField(NODE_DOMAIN, ''),
      ]),
    );
  });
  if (replaced.size === 0) return bytes;
  const rewrittenGraph = graph.map((entry, index) => {
    if (entry.field !== GRAPH_OUTPUT) return graphChunks[index]!;
    const valueInfo = readFields(entry.bytes);
    const name = firstField(valueInfo, VALUE_INFO_NAME);
    if (!name || !replaced.has(fieldText(name))) return graphChunks[index]!;
    const classes = replaced.get(fieldText(name))!;
    const shape = encodeBytesField(
      TYPE_TENSOR_SHAPE,
      concatBytes([
        encodeBytesField(SHAPE_DIM, encodeBytesField(DIM_PARAM, 'N')),
        ...(classes > 0 ? [encodeBytesField(SHAPE_DIM, encodeVarintField(DIM_VALUE, classes))] : []),
      ]),
    );
    const tensorType = encodeBytesField(
      TYPE_TENSOR,
      concatBytes([encodeVarintField(TYPE_TENSOR_ELEM_TYPE, ELEM_TYPE_FLOAT), ...(classes > 0 ? [shape] : [])]),
    );
    return encodeBytesField(
      GRAPH_OUTPUT,
      concatBytes([encodeBytesField(VALUE_INFO_NAME, fieldText(name)), encodeBytesField(VALUE_INFO_TYPE, tensorType)]),
    );
  });
  return concatBytes(
    model.map((entry) =>
      entry.field === MODEL_GRAPH ? encodeBytesField(MODEL_GRAPH, concatBytes(rewrittenGraph)) : bytes.subarray(entry.start, entry.end),
    ),
  );
}

/**
 * The oldest `onnx` Python package release that knows the model's default-domain opset: the
 * `onnx_version` jsfunc records (MLflow records the version of the `onnx` package that saved the
 * model; jsfunc has no such package, so it records the release the model needs).
 */
export function onnxVersionForOpset(opsets: readonly OnnxOpset[]): string {
  const defaultOpset = opsets.find((opset) => opset.domain === '' || opset.domain === 'ai.onnx')?.version ?? 0;
  // onnx release -> highest default-domain opset it supports (onnx/onnx docs/Versioning.md).
  const releases: ReadonlyArray<readonly [string, number]> = [
    ['1.2.0', 7],
    ['1.3.0', 8],
    ['1.4.0', 9],
    ['1.5.0', 10],
    ['1.6.0', 11],
    ['1.7.0', 12],
    ['1.8.0', 13],
    ['1.9.0', 14],
    ['1.10.0', 15],
    ['1.11.0', 16],
    ['1.12.0', 17],
    ['1.13.0', 18],
    ['1.14.0', 19],
    ['1.15.0', 20],
    ['1.16.0', 21],
    ['1.17.0', 22],
    ['1.18.0', 23],
    ['1.19.0', 24],
    ['1.20.0', 25],
  ];
  for (const [release, opset] of releases) if (defaultOpset <= opset) return release;
  return releases[releases.length - 1]![0];
}
