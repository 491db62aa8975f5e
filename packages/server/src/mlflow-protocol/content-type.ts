import { serverError } from '../errors/server-error.js';

/** The body formats `/invocations` accepts. */
export type InvocationFormat = 'json' | 'csv';

/**
 * Applies MLflow's content-type rules: `application/json` or `text/csv`, only a UTF-8 `charset`
 * parameter; anything else is ERR_SERVER_UNSUPPORTED_MEDIA_TYPE (HTTP 415).
 */
export function parseInvocationContentType(header: string | undefined): InvocationFormat {
  const [mimePart = '', ...parameterParts] = (header ?? '').split(';');
  const mime = mimePart.trim().toLowerCase();
  const parameters = new Map<string, string>();
  for (const part of parameterParts) {
    if (part.trim() === '') continue;
    const [key = '', value = ''] = part.split('=');
    parameters.set(key.trim().toLowerCase(), value.trim().replace(/^"|"$/g, ''));
  }
  const charset = parameters.get('charset');
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8' && charset.toLowerCase() !== 'utf8') {
    throw serverError('ERR_SERVER_UNSUPPORTED_MEDIA_TYPE', 'The scoring server only supports UTF-8');
  }
  const unknown = [...parameters.keys()].filter((key) => key !== 'charset');
  if (unknown.length > 0) {
    throw serverError(
      'ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
      `Unrecognized content type parameters: ${unknown.join(', ')}. IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via mlflow.pyfunc.spark_udf()), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.`,
    );
  }
  if (mime === 'application/json') return 'json';
  if (mime === 'text/csv') return 'csv';
  throw serverError(
    'ERR_SERVER_UNSUPPORTED_MEDIA_TYPE',
    `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${header ?? ''}'.`,
  );
}
