// Writes a dense MLP as an ONNX file (no Python needed): input 'input' [N, features] float32 ->
// (MatMul + Add + Relu) x layers of width `hidden` -> MatMul -> output 'variable' [N, 1]. At batch 1
// every layer is a matrix-vector product that streams all weights from memory once per call, so
// batching rows (one matrix-matrix product for many rows) is where a server's throughput comes
// from: the kind of model dynamic batching is for. Weights are deterministic pseudo-random.

function varint(value) {
  const bytes = [];
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (v > 0n);
  return Buffer.from(bytes);
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, value) => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field, value) => {
  const buffer = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([key(field, 2), varint(buffer.length), buffer]);
};
const message = (field, parts) => bytes(field, Buffer.concat(parts));

function tensor(name, dims, values) {
  const data = Float32Array.from(values);
  return [...dims.map((dim) => int(1, dim)), int(2, 1), bytes(8, name), bytes(9, new Uint8Array(data.buffer))];
}
function valueInfo(field, name, dims) {
  const shape = dims.map((dim) => message(1, [typeof dim === 'string' ? bytes(2, dim) : int(1, dim)]));
  return message(field, [bytes(1, name), message(2, [message(1, [int(1, 1), message(2, shape)])])]);
}
const node = (inputs, output, op) => message(1, [...inputs.map((name) => bytes(1, name)), bytes(2, output), bytes(3, `${op}_${output}`), bytes(4, op)]);

/** The ONNX bytes of the MLP. */
export function buildMlpOnnx({ features = 16, hidden = 1024, layers = 4, seed = 1 } = {}) {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const weights = (rows, columns) => Array.from({ length: rows * columns }, () => (random() * 2) / Math.sqrt(rows));
  const graph = [];
  let current = 'input';
  let width = features;
  for (let layer = 0; layer < layers; layer++) {
    graph.push(message(5, tensor(`w${layer}`, [width, hidden], weights(width, hidden))));
    graph.push(message(5, tensor(`b${layer}`, [hidden], Array.from({ length: hidden }, () => random() * 0.1))));
    graph.push(node([current, `w${layer}`], `mm${layer}`, 'MatMul'), node([`mm${layer}`, `b${layer}`], `add${layer}`, 'Add'), node([`add${layer}`], `h${layer}`, 'Relu'));
    current = `h${layer}`;
    width = hidden;
  }
  graph.push(message(5, tensor('wout', [width, 1], weights(width, 1))));
  graph.push(node([current, 'wout'], 'variable', 'MatMul'));
  graph.push(bytes(2, 'jsfunc_bench_mlp'));
  graph.push(valueInfo(11, 'input', ['N', features]), valueInfo(12, 'variable', ['N', 1]));
  return Buffer.concat([int(1, 8), bytes(2, 'jsfunc-bench'), message(7, graph), message(8, [bytes(1, ''), int(2, 13)])]);
}
