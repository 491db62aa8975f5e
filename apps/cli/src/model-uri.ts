import { uriScheme } from '@jsfunc/core';

/**
 * Turns a model URI into a local directory the server, predictor and batch workers can open:
 * `runs:/...` and `models:/...` are downloaded once through MLflow (`@jsfunc/tracking`, honouring
 * `MLFLOW_TRACKING_URI` and MLflow's auth variables) into the local cache; paths and `file://`
 * URIs are returned as they are.
 */
export async function resolveCliModelUri(uri: string): Promise<string> {
  const scheme = uriScheme(uri);
  if (scheme !== 'runs' && scheme !== 'models') return uri;
  const { mlflowResolver } = await import('@jsfunc/tracking');
  return mlflowResolver().resolve(uri);
}
