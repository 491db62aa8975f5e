import { jsfuncError, type JsfuncError } from '@jsfunc/core';

/** Payload of every error the server raises itself. */
export interface ServerErrorDetails extends Record<string, unknown> {
  /** Extra top-level JSON fields for MLflow error bodies (for example `stack_trace`). */
  readonly extra?: Record<string, unknown>;
}

/** Creates a server {@link JsfuncError} (`ERR_SERVER_*`). The status comes from the status table. */
export function serverError(
  code: string,
  message: string,
  details: ServerErrorDetails = {},
  cause?: unknown,
): JsfuncError<ServerErrorDetails> {
  return jsfuncError<ServerErrorDetails>(code, message, details, cause);
}
