import { jsfuncError, type JsfuncError } from '@jsfunc/core';

/** Error codes raised by `@jsfunc/tracking`. Every code has a row in docs/errors.md. */
export const TRACKING_ERROR_CODES = [
  'ERR_TRACKING_NOT_FOUND',
  'ERR_TRACKING_UNAUTHENTICATED',
  'ERR_TRACKING_PERMISSION_DENIED',
  'ERR_TRACKING_BAD_REQUEST',
  'ERR_TRACKING_SERVER',
  'ERR_TRACKING_TIMEOUT',
  'ERR_TRACKING_UNREACHABLE',
  'ERR_TRACKING_URI_INVALID',
  'ERR_TRACKING_ARTIFACT_UNSUPPORTED',
  'ERR_TRACKING_REGISTRATION_FAILED',
  'ERR_TRACKING_STORE_CORRUPT',
] as const;

/** One of {@link TRACKING_ERROR_CODES}. */
export type TrackingErrorCode = (typeof TRACKING_ERROR_CODES)[number];

/** Payload of an error that came back from an MLflow tracking server. */
export interface TrackingServerErrorDetails extends Record<string, unknown> {
  /** HTTP method and URL (credentials never included). */
  method: string;
  url: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** MLflow's `error_code` (e.g. `RESOURCE_DOES_NOT_EXIST`), when the server sent one. */
  serverErrorCode: string | null;
  /** MLflow's `message`, or the raw body text. */
  serverMessage: string | null;
}

/** Maps an HTTP status from the tracking server to a jsfunc error code. */
export function codeForStatus(status: number): TrackingErrorCode {
  if (status === 404) return 'ERR_TRACKING_NOT_FOUND';
  if (status === 401) return 'ERR_TRACKING_UNAUTHENTICATED';
  if (status === 403) return 'ERR_TRACKING_PERMISSION_DENIED';
  if (status === 408 || status === 504) return 'ERR_TRACKING_TIMEOUT';
  if (status >= 500 || status === 429) return 'ERR_TRACKING_SERVER';
  return 'ERR_TRACKING_BAD_REQUEST';
}

const advice: Record<TrackingErrorCode, string> = {
  ERR_TRACKING_NOT_FOUND: 'Check the experiment, run, model name, version or alias (and the tracking URI it was looked up on).',
  ERR_TRACKING_UNAUTHENTICATED:
    'Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN, for this server.',
  ERR_TRACKING_PERMISSION_DENIED: 'The credentials are valid but lack permission for this resource; ask the server admin for access.',
  ERR_TRACKING_BAD_REQUEST: 'The server refused the request as invalid; fix the value it names.',
  ERR_TRACKING_SERVER: 'The tracking server failed; check its logs and retry later.',
  ERR_TRACKING_TIMEOUT: 'The tracking server did not answer in time; check that it is healthy or raise `timeoutMs`.',
  ERR_TRACKING_UNREACHABLE: 'Check MLFLOW_TRACKING_URI and that the server is running and reachable from this machine.',
  ERR_TRACKING_URI_INVALID:
    'Model URIs are runs:/<run_id>/<path>, models:/<name>/<version>, models:/<name>@<alias> or models:/<model_id>; tracking URIs are http(s)://host:port or a local mlruns/ path.',
  ERR_TRACKING_ARTIFACT_UNSUPPORTED:
    'Start the MLflow server with artifact proxying (the default, or --serve-artifacts with --artifacts-destination), or use a local file store.',
  ERR_TRACKING_REGISTRATION_FAILED: 'Nothing was left registered; fix the cause and log the model again.',
  ERR_TRACKING_STORE_CORRUPT: 'A file in the mlruns/ store is missing or malformed; repair or remove it.',
};

/** The "what to do" sentence for a tracking error code. */
export function adviceFor(code: TrackingErrorCode): string {
  return advice[code];
}

/** Builds a tracking error with the standard "what to do" sentence appended. */
export function trackingError<TDetails extends Record<string, unknown>>(
  code: TrackingErrorCode,
  message: string,
  details?: TDetails,
  cause?: unknown,
): JsfuncError<TDetails> {
  return jsfuncError(code, `${message} ${advice[code]}`, details, cause);
}
