import { JsfuncError } from '@jsfunc/core';
import { ERROR_STATUS_TABLE, errorStatusFor, type ErrorStatus } from './error-status.js';

/** Which error body shape a route answers with. */
export type ErrorProtocol = 'mlflow' | 'oip';

const PREDICT_FAILED: ErrorStatus = ERROR_STATUS_TABLE.ERR_SERVER_PREDICT_FAILED!;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Status and body for an error. Errors thrown by a model while predicting (`fromModel`) that the
 * table does not know are the caller's input the model could not score: MLflow answers those with
 * 400 BAD_REQUEST and a stack trace, and so do we, on both protocols. Schema and params
 * enforcement failures are 400 INVALID_PARAMETER_VALUE without a stack trace, as in MLflow.
 * MLflow-protocol bodies are always JSON `{"error_code", "message", "jsfunc_code"?, ...}`, even
 * where `mlflow models serve` answers `text/plain` (its 415s): same status and message text.
 */
export function httpErrorBody(
  error: unknown,
  protocol: ErrorProtocol,
  fromModel = false,
): { status: number; body: Record<string, unknown> } {
  const code = codeOf(error);
  const known = code !== undefined && (code in ERROR_STATUS_TABLE || errorStatusFor(error).status !== 500);
  const status = fromModel && !known ? PREDICT_FAILED : errorStatusFor(error);
  const fastifyStatus = (error as { statusCode?: unknown } | null)?.statusCode;
  let httpStatus = status.status;
  let message = error instanceof Error ? error.message : String(error);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    httpStatus = 413;
    message = `The request body is larger than the server's limit. Send a smaller body (batch fewer rows) or start the server with a larger body limit.`;
  } else if (!JsfuncError.isInstance(error) && typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    httpStatus = fastifyStatus;
  }
  if (fromModel && !known) {
    message = `Encountered an unexpected error while evaluating the model. Verify that the serialized input Dataframe is compatible with the model for inference. Error: ${message}`;
  }
  if (protocol === 'oip') return { status: httpStatus, body: { error: message } };
  const mlflowCode = httpStatus === 413 ? 'BAD_REQUEST' : httpStatus === status.status ? status.mlflowErrorCode : httpStatus >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  const body: Record<string, unknown> = { error_code: mlflowCode, message };
  if (code !== undefined && code.startsWith('ERR_')) body.jsfunc_code = code;
  const extra = JsfuncError.isInstance(error) ? (error.details as { extra?: Record<string, unknown> }).extra : undefined;
  if (extra) Object.assign(body, extra);
  // MLflow attaches a stack trace to errors from the model's code, not to its own enforcement
  // errors (INVALID_PARAMETER_VALUE)
  if (fromModel && error instanceof Error && mlflowCode !== 'INVALID_PARAMETER_VALUE') body.stack_trace = error.stack ?? message;
  return { status: httpStatus, body };
}
