import path from 'node:path';
import type { HttpTransportOptions } from './http-transport.js';
import { trackingError } from './tracking-error.js';

/** Where and how to reach a tracking store. Every field falls back to MLflow's environment variables. */
export interface TrackingOptions {
  /**
   * `http(s)://host:port` for a tracking server, or a path / `file:` URI for a local `mlruns/`
   * store. Default: `MLFLOW_TRACKING_URI`, else `./mlruns`.
   */
  trackingUri?: string;
  /** Basic auth user; default `MLFLOW_TRACKING_USERNAME`. */
  username?: string;
  /** Basic auth password; default `MLFLOW_TRACKING_PASSWORD`. */
  password?: string;
  /** Bearer token; default `MLFLOW_TRACKING_TOKEN`. */
  token?: string;
  /** Skip TLS verification; default `MLFLOW_TRACKING_INSECURE_TLS === 'true'`. */
  insecureTls?: boolean;
  /** CA bundle to trust; default `MLFLOW_TRACKING_SERVER_CERT_PATH`. */
  caCertPath?: string;
  /** Per-request timeout (ms); default `MLFLOW_HTTP_REQUEST_TIMEOUT` (seconds) × 1000, else 120 000. */
  timeoutMs?: number;
  /** Retries of requests that are safe to repeat; default `MLFLOW_HTTP_REQUEST_MAX_RETRIES`, else 3. */
  maxRetries?: number;
  /** First back-off delay (ms), doubled per retry; default 250. */
  retryDelayMs?: number;
  /** Environment to read (default `process.env`); tests pass their own. */
  env?: Record<string, string | undefined>;
}

/** The resolved configuration: a REST server or a local file store. */
export type TrackingTarget =
  | { kind: 'rest'; uri: string; http: HttpTransportOptions }
  | { kind: 'file'; uri: string; root: string };

function flag(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes'].includes(value.toLowerCase());
}

function numberFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * Resolves options and MLflow's environment variables into a tracking target.
 * @throws JsfuncError `ERR_TRACKING_URI_INVALID` for tracking URIs jsfunc cannot talk to
 *   (`databricks`, `sqlite:` and other database URIs: start `mlflow server` on them instead).
 */
export function resolveTrackingTarget(options: TrackingOptions = {}): TrackingTarget {
  const env = options.env ?? process.env;
  const uri = options.trackingUri ?? env.MLFLOW_TRACKING_URI ?? './mlruns';
  if (/^https?:\/\//i.test(uri)) {
    const timeoutSeconds = numberFrom(env.MLFLOW_HTTP_REQUEST_TIMEOUT);
    return {
      kind: 'rest',
      uri,
      http: {
        baseUrl: uri,
        username: options.username ?? env.MLFLOW_TRACKING_USERNAME,
        password: options.password ?? env.MLFLOW_TRACKING_PASSWORD,
        token: options.token ?? env.MLFLOW_TRACKING_TOKEN,
        insecureTls: options.insecureTls ?? flag(env.MLFLOW_TRACKING_INSECURE_TLS),
        caCertPath: options.caCertPath ?? env.MLFLOW_TRACKING_SERVER_CERT_PATH,
        timeoutMs: options.timeoutMs ?? (timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000),
        maxRetries: options.maxRetries ?? numberFrom(env.MLFLOW_HTTP_REQUEST_MAX_RETRIES),
        retryDelayMs: options.retryDelayMs,
      },
    };
  }
  if (uri.startsWith('file:')) return { kind: 'file', uri, root: decodeURIComponent(new URL(uri).pathname) };
  if ((/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) && !/^[a-zA-Z]:[\\/]/.test(uri)) || uri === 'databricks' || uri.startsWith('databricks-uc')) {
    throw trackingError(
      'ERR_TRACKING_URI_INVALID',
      `Tracking URI "${uri.replace(/\/\/[^@/]*@/, '//***@')}" is not one jsfunc can use: expected http(s)://host:port (an MLflow tracking server) or a local path / file: URI (an mlruns/ store). For a database store, run \`mlflow server --backend-store-uri ${uri.split(':')[0]}:...\` and point MLFLOW_TRACKING_URI at it.`,
      { trackingUri: uri },
    );
  }
  return { kind: 'file', uri, root: path.resolve(uri) };
}
