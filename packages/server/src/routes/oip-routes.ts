import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { serverError } from '../errors/server-error.js';
import { httpErrorBody } from '../errors/http-error-body.js';
import { inferRequestToModelData, parseInferRequest } from '../oip/infer-request.js';
import { serializeInferResponse } from '../oip/infer-response.js';
import { modelMetadata } from '../oip/model-metadata.js';
import { bodyBytes } from './request-body.js';
import { answerInference, findModel, markFromModel, type RouteContext } from './route-context.js';

interface ModelParams {
  name: string;
  version?: string;
}

async function sendError(reply: FastifyReply, error: unknown): Promise<void> {
  const { status, body } = httpErrorBody(error, 'oip');
  await reply.code(status).type('application/json').send(body);
}

/**
 * Open Inference Protocol v2 REST: health, server and model metadata (from the signature), model
 * readiness, and `infer` with JSON or binary tensors (`Inference-Header-Content-Length`).
 */
export function registerOipRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get('/v2/health/live', async (_request, reply) => reply.code(200).send({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    const ready = !context.isClosing() && [...context.models.values()].every((m) => m.isReady);
    if (ready) return reply.code(200).send({ ready: true });
    return sendError(reply, serverError('ERR_SERVER_NOT_READY', context.isClosing() ? 'The server is shutting down.' : 'Models are still loading.'));
  });
  app.get('/v2', async () => ({ name: context.serverName, version: context.serverVersion, extensions: ['binary_tensor_data', 'model_repository_index'] }));
  app.get('/v2/models', async () => ({ models: [...context.models.keys()] }));
  app.post('/v2/repository/index', async () =>
    [...context.models.values()].map((m) => ({ name: m.name, ...(m.version ? { version: m.version } : {}), state: m.isReady ? 'READY' : 'LOADING', reason: '' })),
  );

  const metadata = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<void> => {
    try {
      const model = findModel(context, request.params.name, request.params.version);
      if (!model.isReady) throw serverError('ERR_SERVER_NOT_READY', `Model ${model.name} is not ready yet.`);
      await reply.send(
        modelMetadata({
          name: model.name,
          version: model.version,
          flavor: model.description?.flavor ?? 'unknown',
          signature: model.signature,
          properties: { flavor: model.description?.flavor ?? 'unknown', methods: (model.description?.methods ?? []).join(',') },
        }),
      );
    } catch (error) {
      await sendError(reply, error);
    }
  };
  const ready = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<void> => {
    try {
      const model = findModel(context, request.params.name, request.params.version);
      if (!model.isReady || context.isClosing()) throw serverError('ERR_SERVER_NOT_READY', `Model ${model.name} is not ready.`);
      await reply.send({ name: model.name, ready: true });
    } catch (error) {
      await sendError(reply, error);
    }
  };
  const infer = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<void> =>
    answerInference(context, reply, { model: request.params.name, protocol: 'oip' }, async () => {
      const model = findModel(context, request.params.name, request.params.version);
      if (!model.isReady) throw serverError('ERR_SERVER_NOT_READY', `Model ${model.name} is not ready yet.`);
      const contentType = String(request.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
      const headerLength = request.headers['inference-header-content-length'];
      if (headerLength === undefined && contentType !== 'application/json' && contentType !== '') {
        throw serverError('ERR_SERVER_UNSUPPORTED_MEDIA_TYPE', `An OIP inference request is application/json (optionally with binary tensors after an Inference-Header-Content-Length header); got '${contentType}'.`);
      }
      const jsonLength = headerLength === undefined ? undefined : Number(headerLength);
      const parsed = parseInferRequest(bodyBytes(request), jsonLength, model.signature);
      const { data, params } = inferRequestToModelData(parsed, model.signature);
      const output = await model.run('predict', data, params).catch(markFromModel);
      const response = serializeInferResponse({
        modelName: model.name,
        modelVersion: model.version,
        request: parsed,
        id: parsed.id ?? randomUUID(),
        output,
        signature: model.signature,
      });
      if (response.headerLength !== undefined) void reply.header('inference-header-content-length', String(response.headerLength));
      void reply.code(200).type(response.contentType).send(response.body);
    });

  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);
}
