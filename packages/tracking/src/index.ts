export { logModel, type LogModelOptions, type LoggedModelInfo } from './log-model.js';
export { mlflowResolver, defaultModelCacheDirectory, type MlflowResolverOptions } from './mlflow-resolver.js';
export { parseMlflowModelUri, type MlflowModelUri } from './parse-mlflow-model-uri.js';
export { resolveTrackingTarget, type TrackingOptions, type TrackingTarget } from './tracking-config.js';
export { createMlflowRestClient, type MlflowRestClient } from './mlflow-rest-client.js';
export { createFileStore, type FileStore, type FileStoreModelVersion, type FileStoreRun } from './file-store.js';
export { createHttpTransport, type HttpRequest, type HttpResponse, type HttpTransport, type HttpTransportOptions } from './http-transport.js';
export type { MlflowExperiment, MlflowFileInfo, MlflowLoggedModel, MlflowModelVersion, MlflowRun, RunData } from './mlflow-types.js';
export { TRACKING_ERROR_CODES, type TrackingErrorCode, type TrackingServerErrorDetails } from './tracking-error.js';
