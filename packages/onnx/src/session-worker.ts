/**
 * The worker-thread side of `runIn: 'worker'`: it imports onnxruntime-node itself, owns one
 * session, and answers `create`, `run` and `release` messages from the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { TensorV1 } from '@jsfunc/core';
import { createOrtSession, knownUnavailableProviders, markProvidersUnavailable } from './create-ort-session.js';
import { runError } from './run-error.js';
import { fromOrtTensor, toOrtTensor } from './tensor-conversion.js';
import type { WorkerRequest, WorkerResponse } from './session-handle.js';

type OrtModule = typeof import('onnxruntime-node');

let ort: OrtModule | undefined;
let session: InferenceSession | undefined;

function transferList(outputs: Record<string, TensorV1>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(outputs)) {
    if (ArrayBuffer.isView(tensor.data) && tensor.data.buffer instanceof ArrayBuffer) buffers.add(tensor.data.buffer);
  }
  return [...buffers];
}

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  switch (request.op) {
    case 'create': {
      ort ??= (await import('onnxruntime-node')) as OrtModule;
      markProvidersUnavailable(request.unavailable);
      const created = await createOrtSession(ort, request.source, request.options, request.providers);
      session = created.session;
      return {
        id: request.id,
        ok: true,
        inputs: created.inputs,
        outputs: created.outputs,
        providers: created.providers,
        warnings: created.warnings,
        unavailable: knownUnavailableProviders(),
      };
    }
    case 'run': {
      if (!session || !ort) throw new Error('the session is released');
      const feeds: Record<string, ReturnType<typeof toOrtTensor>> = {};
      for (const [name, tensor] of Object.entries(request.feeds)) feeds[name] = toOrtTensor(ort, tensor);
      let results: Awaited<ReturnType<InferenceSession['run']>>;
      try {
        results = await session.run(feeds, [...request.fetches]);
      } catch (error) {
        throw runError(error);
      }
      const outputs: Record<string, TensorV1> = {};
      for (const name of request.fetches) outputs[name] = fromOrtTensor(name, results[name]!);
      return { id: request.id, ok: true, tensors: outputs };
    }
    case 'release': {
      await session?.release();
      session = undefined;
      return { id: request.id, ok: true };
    }
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  handle(request).then(
    (response) => parentPort!.postMessage(response, 'tensors' in response && response.tensors ? transferList(response.tensors) : []),
    (error: unknown) => {
      const value = error as { message?: unknown; code?: unknown; details?: unknown };
      parentPort!.postMessage({
        id: request.id,
        ok: false,
        error: {
          message: typeof value?.message === 'string' ? value.message : String(error),
          ...(typeof value?.code === 'string' ? { code: value.code, details: value.details } : {}),
        },
      } satisfies WorkerResponse);
    },
  );
});
