import { JsfuncError } from '@jsfunc/core';

/** How one error code is answered over HTTP. */
export interface ErrorStatus {
  /** HTTP status code. */
  readonly status: number;
  /** MLflow `error_code` name for `/invocations` bodies. */
  readonly mlflowErrorCode: string;
}

/**
 * The one table that maps jsfunc error codes to HTTP. Core knows nothing of HTTP; every status the
 * server answers with comes from here (unknown codes fall back by area prefix, then to 500).
 */
export const ERROR_STATUS_TABLE: Readonly<Record<string, ErrorStatus>> = {
  // server (protocol) errors
  ERR_SERVER_INVALID_JSON: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_INPUT_FORMAT: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_CSV_PARSE: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_PARQUET_PARSE: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_SCHEMA_CAST: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_OIP_REQUEST: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_UNSUPPORTED_MEDIA_TYPE: { status: 415, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_BODY_TOO_LARGE: { status: 413, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_SERVER_MODEL_NOT_FOUND: { status: 404, mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST' },
  ERR_SERVER_ROUTE_NOT_FOUND: { status: 404, mlflowErrorCode: 'ENDPOINT_NOT_FOUND' },
  ERR_SERVER_METHOD_NOT_FOUND: { status: 404, mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST' },
  ERR_SERVER_NOT_READY: { status: 503, mlflowErrorCode: 'TEMPORARILY_UNAVAILABLE' },
  ERR_SERVER_QUEUE_FULL: { status: 503, mlflowErrorCode: 'TEMPORARILY_UNAVAILABLE' },
  ERR_SERVER_SHUTTING_DOWN: { status: 503, mlflowErrorCode: 'TEMPORARILY_UNAVAILABLE' },
  ERR_SERVER_TIMEOUT: { status: 504, mlflowErrorCode: 'DEADLINE_EXCEEDED' },
  ERR_SERVER_NOT_IMPLEMENTED: { status: 501, mlflowErrorCode: 'NOT_IMPLEMENTED' },
  ERR_SERVER_WORKER_CRASHED: { status: 500, mlflowErrorCode: 'INTERNAL_ERROR' },
  ERR_SERVER_PREDICT_FAILED: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  // core errors raised while scoring; MLflow raises schema and params enforcement failures as
  // MlflowException(INVALID_PARAMETER_VALUE), answered 400 without a stack trace
  ERR_SCHEMA_ENFORCEMENT: { status: 400, mlflowErrorCode: 'INVALID_PARAMETER_VALUE' },
  ERR_PARAMS_INVALID: { status: 400, mlflowErrorCode: 'INVALID_PARAMETER_VALUE' },
  ERR_INPUT_INVALID: { status: 400, mlflowErrorCode: 'BAD_REQUEST' },
  ERR_METHOD_NOT_FOUND: { status: 404, mlflowErrorCode: 'RESOURCE_DOES_NOT_EXIST' },
  ERR_MODEL_DISPOSED: { status: 503, mlflowErrorCode: 'TEMPORARILY_UNAVAILABLE' },
};

const PREFIX_FALLBACK: ReadonlyArray<readonly [string, ErrorStatus]> = [
  ['ERR_SCHEMA_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
  ['ERR_PARAMS_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
  ['ERR_INPUT_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
  ['ERR_SIGNATURE_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
  // a flavor rejecting an input (wrong dtype or shape for the native runtime)
  ['ERR_ONNX_INPUT_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
  ['ERR_TFJS_INPUT_', { status: 400, mlflowErrorCode: 'BAD_REQUEST' }],
];

const INTERNAL: ErrorStatus = { status: 500, mlflowErrorCode: 'INTERNAL_ERROR' };

/** The HTTP status and MLflow error code for an error (a JsfuncError code, or 500 for anything else). */
export function errorStatusFor(error: unknown): ErrorStatus {
  const code = JsfuncError.isInstance(error) ? error.code : (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return INTERNAL;
  const exact = ERROR_STATUS_TABLE[code];
  if (exact !== undefined) return exact;
  for (const [prefix, status] of PREFIX_FALLBACK) if (code.startsWith(prefix)) return status;
  return INTERNAL;
}
