/**
 * Entry of a jsfunc inference worker: a worker thread (messages on `parentPort`) or a child process
 * (messages on the IPC channel, advanced serialisation). It loads one model and runs it.
 */
import { parentPort } from 'node:worker_threads';
import { createModelHost } from './model-host.js';
import type { FromWorkerMessage, ToWorkerMessage } from './worker-messages.js';

if (parentPort) {
  const port = parentPort;
  const host = createModelHost((message: FromWorkerMessage) => port.postMessage(message));
  port.on('message', (message: ToWorkerMessage) => void host.handle(message));
} else if (typeof process.send === 'function') {
  const host = createModelHost((message: FromWorkerMessage) => process.send?.(message));
  process.on('message', (message: ToWorkerMessage) => void host.handle(message));
  process.on('disconnect', () => process.exit(0));
}
