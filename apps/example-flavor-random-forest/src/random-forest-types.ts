/**
 * The parts of an ml-random-forest model this flavor relies on. They are written structurally (not
 * imported from ml-random-forest) so the flavor's public types do not depend on the library's own
 * declaration file, and so a subclass or a compatible fork works too.
 */

/** What a trained `RandomForestClassifier` or `RandomForestRegression` offers. */
export interface RandomForestModel {
  /** Predicted label (classifier) or value (regressor) for each row. */
  predict(rows: number[][]): number[];
  /** One prediction per tree for each row: an `N x nEstimators` matrix (ml-matrix). */
  predictionValues(rows: number[][]): { readonly rows: number; readonly columns: number; getRow(index: number): number[] };
  /** The model as JSON (`{ baseModel, name: 'RFClassifier' | 'RFRegression', ... }`). */
  toJSON(): unknown;
  /** Number of features the forest was trained on (set by `train`, absent after `load`). */
  readonly numberFeatures?: number;
}

/** Whether a forest is a classifier (integer labels) or a regressor (real values). */
export type RandomForestKind = 'classifier' | 'regressor';

/** Save options of the `ml_random_forest` flavor (`saveModel(forest, { saveOptions })`). */
export interface RandomForestSaveOptions {
  /**
   * Number of features per row. Needed only for a forest that was loaded with
   * `RandomForestClassifier.load()` rather than trained in this process (the library does not
   * serialise it); a freshly trained forest knows it.
   */
  featureCount?: number;
  /**
   * Names of the features, in training order. When given, the inferred signature is column-based
   * (one `double` column per feature, output column `prediction`), so callers can send records or
   * tables; otherwise it is a `float64 [-1, F]` tensor.
   */
  featureNames?: readonly string[];
}

/** The block this flavor writes under `flavors.ml_random_forest` in MLmodel. */
export interface RandomForestFlavorConfig {
  /** Model-relative path of the JSON file holding `forest.toJSON()`. */
  data: string;
  /** `classifier` or `regressor`. */
  kind: RandomForestKind;
  /** Version of ml-random-forest that saved the model. */
  ml_random_forest_version: string;
  /** Number of features per row. */
  feature_count: number;
  /** Feature names in training order, when they were given at save. */
  feature_names?: string[];
  /** Classifier only: number of classes (labels are `0 .. classes - 1`). */
  classes?: number;
}
