import { JsfuncError, createModelLoader, fromModelData, importFlavorPackages, silentLogger, type JsfuncModel } from '@jsfunc/core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseInvocationJson } from '../mlflow-protocol/parse-json-input.js';
import { parseSignatureView } from '../mlflow-protocol/signature-view.js';
import type { FromWorkerMessage, ToWorkerMessage, WorkerError, WorkerLoadRequest, WorkerModelDescription } from './worker-messages.js';

/** Turns any thrown value into a {@link WorkerError}. */
export function toWorkerError(error: unknown): WorkerError {
  const jsfunc = JsfuncError.isInstance(error);
  const record = error as { code?: unknown; message?: unknown; stack?: unknown; details?: unknown } | null;
  return {
    code: typeof record?.code === 'string' ? record.code : undefined,
    message: typeof record?.message === 'string' ? record.message : String(error),
    details: jsfunc ? (JSON.parse(JSON.stringify((error as JsfuncError).details, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown>) : undefined,
    stack: typeof record?.stack === 'string' ? record.stack : undefined,
    jsfunc,
  };
}

async function warmUp(model: JsfuncModel): Promise<string> {
  const info = model.metadata.saved_input_example_info as { serving_input_path?: unknown } | undefined;
  const file = typeof info?.serving_input_path === 'string' ? info.serving_input_path : 'serving_input_example.json';
  let text: string;
  try {
    text = await readFile(path.join(model.directory, path.normalize(file).replace(/^(\.\.(\/|\\|$))+/, '')), 'utf8');
  } catch {
    return 'skipped';
  }
  try {
    const request = parseInvocationJson(text, parseSignatureView(model.signature?.toDict()));
    await model.predictData(request.data, request.params);
    return 'done';
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}

/**
 * Holds one loaded model and answers worker messages; the same code runs in a worker thread, a
 * child process, or (isolation `main`) in the server's own thread.
 */
export function createModelHost(send: (message: FromWorkerMessage) => void): { handle(message: ToWorkerMessage): Promise<void> } {
  let model: JsfuncModel | undefined;
  const load = async (request: WorkerLoadRequest): Promise<void> => {
    try {
      const flavors = await importFlavorPackages(request.flavorPackages, { cwd: request.cwd });
      const loader = createModelLoader({ flavors, logger: silentLogger, ...(request.verifyIntegrity === undefined ? {} : { verifyIntegrity: request.verifyIntegrity }) });
      model = await loader.load(request.uri, {
        ...(request.flavorOptions ? { flavorOptions: request.flavorOptions } : {}),
        ...(request.modelConfig ? { modelConfig: request.modelConfig } : {}),
      });
      const description: WorkerModelDescription = {
        flavor: model.flavor,
        signature: model.signature?.toDict() as Record<string, unknown> | undefined,
        methods: model.methods,
        streams: model.streamable,
        directory: model.directory,
        warmUp: request.warmUp ? await warmUp(model) : 'skipped',
      };
      send({ type: 'ready', description });
    } catch (error) {
      send({ type: 'load-error', error: toWorkerError(error) });
    }
  };
  return {
    async handle(message) {
      switch (message.type) {
        case 'load':
          await load(message.request);
          return;
        case 'run': {
          const started = performance.now();
          try {
            if (!model) throw new Error('The worker has no model loaded.');
            const data = await model.predictData(message.data, message.params, message.method);
            send({ type: 'result', id: message.id, data, computeMs: performance.now() - started });
          } catch (error) {
            send({ type: 'error', id: message.id, error: toWorkerError(error) });
          }
          return;
        }
        case 'stream': {
          const started = performance.now();
          try {
            if (!model?.streamable) throw new Error("This model does not support predict_stream method.");
            const input = message.data.kind === 'value' ? message.data.value : fromModelData(message.data, message.data.kind === 'tensor' ? 'tensor' : message.data.kind === 'tensors' ? 'tensors' : 'columns');
            for await (const chunk of model.predictStream(input, message.params)) {
              send({ type: 'chunk', id: message.id, data: { kind: 'value', value: chunk } });
            }
            send({ type: 'end', id: message.id, computeMs: performance.now() - started });
          } catch (error) {
            send({ type: 'error', id: message.id, error: toWorkerError(error) });
          }
          return;
        }
        case 'dispose':
          await model?.dispose();
          model = undefined;
          send({ type: 'disposed' });
          return;
      }
    },
  };
}
