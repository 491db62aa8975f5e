// The baseline: a bare fastify handler that calls onnxruntime-node directly (no jsfunc).
import Fastify from 'fastify';
import ort from 'onnxruntime-node';

const [modelPath, port] = process.argv.slice(2);
const session = await ort.InferenceSession.create(`${modelPath}/model.onnx`);
const app = Fastify();
app.post('/invocations', async (request) => {
  const rows = request.body.inputs.input;
  // (same model and same JSON in / JSON out as jsfunc's MLflow protocol)
  const tensor = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]);
  const output = await session.run({ input: tensor });
  const variable = output.variable;
  const width = variable.dims[1];
  const nested = [];
  for (let r = 0; r < variable.dims[0]; r += 1) nested.push(Array.from(variable.data.subarray(r * width, (r + 1) * width)));
  return { predictions: { variable: nested } };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('ready\n');
