export {
  tfjsFlavor,
  type TfjsFlavorConfig,
  type TfjsFlavorOptions,
  type TfjsLoadOptions,
  type TfjsModelSource,
  type TfjsNativeModel,
  type TfjsSaveOptions,
} from './tfjs-flavor.js';
export {
  activeTfjsBackend,
  assertTfjsBackendOption,
  initializeTfjsBackend,
  isTfjsBackendOption,
  isTfjsNodeAvailable,
  locateWasmDirectory,
  type TfjsBackendName,
  type TfjsBackendOption,
  type TfjsBackendState,
} from './tfjs-backend.js';
export { createReaderLoadHandler, createWriterSaveHandler, MODEL_JSON_FILE, WEIGHTS_FILE } from './io-handlers.js';
export { describeTfjsModel, isGraphModel, isLayersModel, type TfjsDType, type TfjsModel, type TfjsModelInfo, type TfjsTensorInfo } from './tfjs-model-info.js';
export { inferTfjsSignature } from './infer-tfjs-signature.js';
export type { TfjsModelFormat } from './model-json.js';
