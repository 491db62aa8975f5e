import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModelDataV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { httpErrorBody } from '../errors/http-error-body.js';
import { stringifyJson } from '../json/stringify-json.js';
import { parseInvocationContentType } from '../mlflow-protocol/content-type.js';
import { parseInvocationCsv } from '../mlflow-protocol/parse-csv-input.js';
import { parseInvocationJson, type InvocationRequest } from '../mlflow-protocol/parse-json-input.js';
import { parseInvocationParquet } from '../mlflow-protocol/parse-parquet-input.js';
import { mlflowPredictError } from '../mlflow-protocol/predict-error.js';
import { serializePredictions, toJsonable } from '../mlflow-protocol/serialize-predictions.js';
import type { ServedModel } from '../served-model.js';
import { bodyBytes } from './request-body.js';
import { answerInference, findModel, markFromModel, type RouteContext } from './route-context.js';

async function parseBody(request: FastifyRequest, model: ServedModel): Promise<InvocationRequest> {
  const format = parseInvocationContentType(request.headers['content-type']);
  if (format === 'parquet') {
    return { data: await parseInvocationParquet(bodyBytes(request), model.signature?.inputs), params: undefined, unwrapped: false };
  }
  const text = bodyBytes(request).toString('utf8');
  if (format === 'csv') return { data: parseInvocationCsv(text, model.signature?.inputs), params: undefined, unwrapped: false };
  return parseInvocationJson(text, model.signature);
}

function wantsStream(request: FastifyRequest): boolean {
  return String(request.headers.accept ?? '').includes('text/event-stream');
}

async function streamAnswer(reply: FastifyReply, model: ServedModel, input: InvocationRequest): Promise<void> {
  const chunks = model.stream(input.data, input.params);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  try {
    for await (const chunk of chunks) raw.write(`data: ${stringifyJson(toJsonable(chunk))}\n\n`);
    raw.write('event: done\ndata: {}\n\n');
  } catch (error) {
    raw.write(`event: error\ndata: ${JSON.stringify(httpErrorBody(error, 'mlflow', true).body)}\n\n`);
  }
  raw.end();
}

async function invoke(context: RouteContext, request: FastifyRequest, reply: FastifyReply, name: string, method: string): Promise<void> {
  await answerInference(context, reply, { model: name, protocol: 'mlflow' }, async () => {
    const model = findModel(context, name);
    if (!model.isReady) throw serverError('ERR_SERVER_NOT_READY', `Model '${name}' is not ready yet (loading or warming up). Retry when /ping answers 200.`);
    const input = await parseBody(request, model);
    if (wantsStream(request) && method === 'predict') {
      await streamAnswer(reply, model, input);
      return;
    }
    const output: ModelDataV1 = await model
      .run(method, input.data, input.params)
      .catch((error: unknown) => markFromModel(mlflowPredictError(error, input.data, model.signature)));
    void reply.code(200).type('application/json').send(stringifyJson(serializePredictions(output, input.unwrapped)));
  });
}

/**
 * MLflow's scoring protocol: `/ping`, `/health`, `/version`, `/invocations` (the default model),
 * plus `/models/{name}/invocations` for every served model and
 * `/models/{name}/methods/{method}` for named inference methods.
 */
export function registerMlflowRoutes(app: FastifyInstance, context: RouteContext): void {
  const health = async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const waiting = [...context.models.values()].filter((m) => !m.isReady).map((m) => m.name);
    if (waiting.length > 0 || context.isClosing()) {
      const error = serverError('ERR_SERVER_NOT_READY', context.isClosing() ? 'The server is shutting down.' : `Not ready: model(s) ${waiting.join(', ')} are loading.`);
      const { status, body } = httpErrorBody(error, 'mlflow');
      await reply.code(status).send(body);
      return;
    }
    await reply.code(200).type('application/json').send('\n');
  };
  app.get('/ping', health);
  app.get('/health', health);
  app.get('/version', async (_request, reply) => reply.code(200).type('application/json').send(context.serverVersion));
  app.get('/models', async () => ({
    models: [...context.models.values()].map((m) => ({
      name: m.name,
      version: m.version ?? null,
      ready: m.isReady,
      flavor: m.description?.flavor ?? null,
      methods: m.description?.methods ?? [],
      streams: m.description?.streams ?? false,
      warmUp: m.description?.warmUp ?? null,
    })),
  }));
  app.post('/invocations', (request, reply) => invoke(context, request, reply, context.defaultModel, 'predict'));
  app.post<{ Params: { name: string } }>('/models/:name/invocations', (request, reply) =>
    invoke(context, request, reply, request.params.name, 'predict'),
  );
  app.post<{ Params: { name: string; method: string } }>('/models/:name/methods/:method', (request, reply) =>
    invoke(context, request, reply, request.params.name, request.params.method),
  );
}
