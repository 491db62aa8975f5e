import { serverError } from '../errors/server-error.js';
import { SCORING_PROTOCOL_CHANGE_INFO } from './parse-json-input.js';

/** The body formats `/invocations` accepts. */
export type InvocationFormat = 'json' | 'csv' | 'parquet';

/** The content types `/invocations` accepts, in the order MLflow 3.17 lists them (`CONTENT_TYPES`). */
export const INVOCATION_CONTENT_TYPES = ['text/csv', 'application/json', 'application/vnd.apache.parquet'] as const;

const FORMAT_OF: Readonly<Record<(typeof INVOCATION_CONTENT_TYPES)[number], InvocationFormat>> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/vnd.apache.parquet': 'parquet',
};

/**
 * Applies MLflow's content-type rules: `text/csv`, `application/json` or
 * `application/vnd.apache.parquet`, with no parameter but a UTF-8 `charset`; anything else is
 * ERR_SERVER_UNSUPPORTED_MEDIA_TYPE (HTTP 415) with MLflow's message, checked in MLflow's order
 * (charset, then unknown parameters, then the type). jsfunc is a little more lenient than MLflow
 * in what it accepts: type and parameter names are case-insensitive, `utf8` and a quoted
 * `"utf-8"` are UTF-8, and an empty parameter (`application/json;`) is ignored.
 */
export function parseInvocationContentType(header: string | undefined): InvocationFormat {
  const [mimePart = '', ...parameterParts] = (header ?? '').split(';');
  const mime = mimePart.trim().toLowerCase();
  const parameters = new Map<string, { name: string; value: string }>();
  for (const part of parameterParts) {
    if (part.trim() === '') continue;
    const separator = part.indexOf('=');
    const name = (separator < 0 ? part : part.slice(0, separator)).trim();
    const value = separator < 0 ? '' : part.slice(separator + 1).trim();
    parameters.set(name.toLowerCase(), { name, value: value.replace(/^"|"$/g, '') });
  }
  const charset = parameters.get('charset')?.value.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw serverError('ERR_SERVER_UNSUPPORTED_MEDIA_TYPE', 'The scoring server only supports UTF-8');
  }
  const unknown = [...parameters.entries()].filter(([key]) => key !== 'charset').map(([, { name }]) => name);
  if (unknown.length > 0) {
    throw serverError(
      'ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
      `Unrecognized content type parameters: ${unknown.join(', ')}. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  const format = FORMAT_OF[mime as keyof typeof FORMAT_OF];
  if (format !== undefined) return format;
  throw serverError(
    'ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
    `This predictor only supports the following content types: Types: [${INVOCATION_CONTENT_TYPES.map((t) => `'${t}'`).join(', ')}]. Got '${header ?? ''}'.`,
  );
}
