// Errors
export { JsfuncError, jsfuncError, type JsfuncErrorOptions } from './errors/jsfunc-error.js';

// The flavor contract, version 1
export type {
  AnyFlavorV1,
  FlavorLoadContextV1,
  FlavorModelV1,
  FlavorRuntimeV1,
  FlavorSaveContextV1,
  FlavorSaveResultV1,
  FlavorV1,
  LoggerV1,
  ModelReaderV1,
  ModelWriterV1,
} from './spec/v1/flavor.js';
export type {
  ModelDataV1,
  NamedTensorsV1,
  ParamsV1,
  TableV1,
  TensorDataByTypeV1,
  TensorDataV1,
  TensorDTypeV1,
  TensorV1,
} from './spec/v1/tensor.js';
export { defineFlavor } from './model/define-flavor.js';

// Storage seam
export { nodeFileSystem, type FileSystemV1 } from './io/file-system.js';

// Tensors and input forms
export {
  allocateTensorData,
  createTensor,
  dtypeOfTypedArray,
  isTensor,
  isTensorDType,
  shapeSize,
  tensorDataFromValues,
  tensorFromNestedArray,
  tensorToNestedArray,
} from './input/tensor.js';
export { fromModelData, tableToRecords, tensorDTypeFromNumpy, toModelData, type InputForm, type InputSpecJson } from './input/model-data.js';

// The model directory
export { saveModel, type SaveModelOptions, type SavedModel } from './model/save-model.js';
export { createModelLoader, loadModel, readSignature, selectFlavor, type LoadModelOptions, type ModelLoader, type ModelLoaderOptions } from './model/model-loader.js';
export { createGenericModel, type JsfuncModel } from './model/generic-model.js';
export { readModelInfo, type ModelInfo } from './model/read-model-info.js';
export { readMLmodel } from './model/read-mlmodel.js';
export { resolveModelUri, uriScheme, type ModelUriResolverV1 } from './model/model-uri.js';
export { discoverFlavors, importFlavorPackages, importFlavors, type DiscoveredFlavor } from './model/discover-flavors.js';
export { assertModelRelativePath, resolveInsideModel } from './model/model-path.js';
export { INTEGRITY_KEY, computeIntegrity, readIntegrityRecord, verifyIntegrity, type IntegrityRecord } from './model/integrity.js';
export { ENVIRONMENT_FILE, captureEnvironment, coreVersion, installedVersion, warnOnEnvironmentMismatch, type ModelEnvironment } from './model/environment.js';
export { JS_FUNCTION, caretRange, readJsFunctionBlock, type JsFunctionBlock } from './model/js-function-block.js';
export { INPUT_EXAMPLE_FILE, SERVING_INPUT_EXAMPLE_FILE, serializeInputExample, type SavedInputExample } from './model/input-example.js';
export { defaultLogger, silentLogger } from './model/logger.js';

// MLmodel and signatures (see the mlmodel/ and schema/ folders)
export { createModelUuid, formatUtcTimeCreated, parseMLmodel, serializeMLmodel, type MLmodel } from './mlmodel/mlmodel.js';
export { ModelSignature } from './schema/model-signature.js';
export { enforceSchema } from './schema/enforce-schema.js';
export { enforceParams } from './schema/enforce-params.js';
