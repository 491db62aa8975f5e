// Builds tiny ONNX models byte by byte for tests (no Python, no converter): ModelProto with a
// single graph, typed inputs/outputs, nodes and initializers (inline or as external data).
import { concatBytes, encodeBytesField as bytesField, encodeVarintField as varintField } from '../src/protobuf.js';

export const ELEMENT_TYPES = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10, float64: 11, uint32: 12, uint64: 13,
} as const;
export type ElementTypeName = keyof typeof ELEMENT_TYPES;

export interface ValueSpec {
  name: string;
  type: ElementTypeName;
  /** numbers are fixed, strings are symbolic; undefined = unknown rank. */
  shape?: (number | string)[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  domain?: string;
  attributes?: Uint8Array[];
}

export interface InitializerSpec {
  name: string;
  type: ElementTypeName;
  dims: number[];
  raw: Uint8Array;
  /** Store as external data in this file (relative location). */
  external?: string;
}

function valueInfo(spec: ValueSpec): Uint8Array {
  const tensorFields = [varintField(1, ELEMENT_TYPES[spec.type])];
  if (spec.shape) {
    tensorFields.push(
      bytesField(2, concatBytes(spec.shape.map((dimension) => bytesField(1, typeof dimension === 'number' ? varintField(1, dimension) : bytesField(2, dimension))))),
    );
  }
  return concatBytes([bytesField(1, spec.name), bytesField(2, bytesField(1, concatBytes(tensorFields)))]);
}

export function intAttribute(name: string, value: number): Uint8Array {
  return concatBytes([bytesField(1, name), varintField(3, value), varintField(20, 2)]);
}

export function buildModel(options: {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: InitializerSpec[];
  opset?: number;
  irVersion?: number;
}): { model: Uint8Array; external: Record<string, Uint8Array> } {
  const external: Record<string, Uint8Array> = {};
  const nodes = options.nodes.map((node, index) =>
    bytesField(
      1,
      concatBytes([
        ...node.inputs.map((input) => bytesField(1, input)),
        ...node.outputs.map((output) => bytesField(2, output)),
        bytesField(3, `node_${index}`),
        bytesField(4, node.op),
        ...(node.attributes ?? []).map((attribute) => bytesField(5, attribute)),
        ...(node.domain ? [bytesField(7, node.domain)] : []),
      ]),
    ),
  );
  const initializers = (options.initializers ?? []).map((initializer) => {
    const fields = [...initializer.dims.map((dimension) => varintField(1, dimension)), varintField(2, ELEMENT_TYPES[initializer.type]), bytesField(8, initializer.name)];
    if (initializer.external) {
      const offset = external[initializer.external]?.length ?? 0;
      external[initializer.external] = concatBytes([external[initializer.external] ?? new Uint8Array(0), initializer.raw]);
      const entry = (key: string, value: string) => bytesField(13, concatBytes([bytesField(1, key), bytesField(2, value)]));
      fields.push(entry('location', initializer.external), entry('offset', String(offset)), entry('length', String(initializer.raw.length)), varintField(14, 1));
    } else fields.push(bytesField(9, initializer.raw));
    return bytesField(5, concatBytes(fields));
  });
  const graph = concatBytes([
    ...nodes,
    bytesField(2, 'test_graph'),
    ...initializers,
    ...options.inputs.map((input) => bytesField(11, valueInfo(input))),
    ...options.outputs.map((output) => bytesField(12, valueInfo(output))),
  ]);
  const model = concatBytes([
    varintField(1, options.irVersion ?? 8),
    bytesField(2, 'jsfunc-test'),
    bytesField(7, graph),
    bytesField(8, concatBytes([bytesField(1, ''), varintField(2, options.opset ?? 17)])),
  ]);
  return { model, external };
}
