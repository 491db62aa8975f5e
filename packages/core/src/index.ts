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
export { createModelLoader, loadModel, readSignature, selectFlavor, withBuiltInFlavors, type LoadModelOptions, type ModelLoader, type ModelLoaderOptions } from './model/model-loader.js';
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
export {
  MLMODEL_FILE_NAME,
  createModelUuid,
  formatUtcTimeCreated,
  parseMLmodel,
  serializeMLmodel,
  type MLmodel,
  type MLmodelSignature,
} from './mlmodel/mlmodel.js';
export { YamlFloat, dumpYaml } from './mlmodel/pyyaml-emitter.js';
export { loadYaml } from './mlmodel/pyyaml-loader.js';
export {
  DATA_TYPE_NAMES,
  anyType,
  arrayType,
  columnTypeFromDict,
  columnTypeToDict,
  isDataTypeName,
  mapType,
  objectType,
  property,
  type AnyType,
  type ArrayType,
  type ColumnType,
  type DataTypeName,
  type MapType,
  type ObjectType,
  type PropertyType,
} from './schema/data-type.js';
export { ColSpec, type ColSpecOptions } from './schema/col-spec.js';
export { TensorSpec } from './schema/tensor-spec.js';
export { Schema, type SchemaSpec } from './schema/schema.js';
export { ParamSpec, type ParamSpecOptions, type ParamType } from './schema/param-spec.js';
export { ParamSchema } from './schema/param-schema.js';
export { ModelSignature, type ModelSignatureDict, type ModelSignatureOptions } from './schema/model-signature.js';
export { inferParamSchema, inferSchema, inferSignature } from './schema/infer-signature.js';
export { enforceSchema, type WarningLogger } from './schema/enforce-schema.js';
export { enforceParams } from './schema/enforce-params.js';

// Custom (code) models
export { defineCustomModel, type CustomModelContextV1, type CustomModelExportV1, type CustomModelV1, type SubModelV1 } from './custom/custom-model.js';
export { CUSTOM_FLAVOR, customMethodNames, customModelFlavor, type CustomFlavorConfig } from './custom/custom-flavor.js';
export { DEFAULT_EXTERNALS, saveCustomModel, type SaveCustomModelOptions } from './custom/save-custom-model.js';
