import { jsfuncError } from '@jsfunc/core';
import type { ModelDataV1 } from '@jsfunc/core';
import { pythonDataText, pythonSchemaText } from './python-text.js';
import type { SignatureView } from './signature-view.js';

/** Codes of the errors MLflow raises as `MlflowException(INVALID_PARAMETER_VALUE)` while predicting. */
const ENFORCEMENT_CODES = new Set(['ERR_SCHEMA_ENFORCEMENT', 'ERR_PARAMS_INVALID']);

/**
 * Words a schema or params enforcement error from a predict call the way `mlflow models serve`
 * does: `Failed to predict data '<data>'. \nError: Failed to enforce schema of data '<data>' with
 * schema '<schema>'. Error: <reason>` (params: `Failed to predict data '<data>'. \nError: <reason>`).
 * The data is shown as numpy / pandas would print it (approximately). Other errors pass through.
 * The code, and so the status (400 INVALID_PARAMETER_VALUE, no stack trace), is kept.
 */
export function mlflowPredictError(error: unknown, data: ModelDataV1, signature: SignatureView | undefined): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !ENFORCEMENT_CODES.has(code) || !(error instanceof Error)) return error;
  const dataText = pythonDataText(data);
  const reason =
    code === 'ERR_SCHEMA_ENFORCEMENT'
      ? `Failed to enforce schema of data '${dataText}' with schema '${signature?.inputs === undefined ? 'None' : pythonSchemaText(signature.inputs)}'. Error: ${error.message}`
      : error.message;
  const details = ((error as { details?: unknown }).details ?? {}) as Record<string, unknown>;
  return jsfuncError(code, `Failed to predict data '${dataText}'. \nError: ${reason}`, details, error);
}
