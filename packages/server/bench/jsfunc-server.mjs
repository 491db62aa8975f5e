// jsfunc's server on the same model; argv: modelPath port batch(0|maxBatchSize)
import { createServer } from '../dist/index.js';
import { fileURLToPath } from 'node:url';

const [modelPath, port, batch] = process.argv.slice(2);
const server = await createServer({
  models: [{ name: 'model', uri: modelPath, workers: 1, batching: Number(batch) > 0 ? { maxBatchSize: Number(batch), maxQueueDelayMs: 1 } : false }],
  flavorPackages: ['@jsfunc/onnx'],
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  metrics: true,
});
await server.listen({ port: Number(port) });
await server.ready;
process.stdout.write('ready\n');
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
