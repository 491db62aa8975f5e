export { RANDOM_FOREST_FLAVOR_NAME, randomForestFlavor, type RandomForestFlavor, type RandomForestLoadOptions } from './random-forest-flavor.js';
export { inferRandomForestSignature } from './infer-random-forest-signature.js';
export type { RandomForestFlavorConfig, RandomForestKind, RandomForestModel, RandomForestSaveOptions } from './random-forest-types.js';
