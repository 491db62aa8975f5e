/**
 * What a custom model's methods receive besides their input: jsfunc's equivalent of MLflow's
 * `PythonModelContext`.
 */
export interface CustomModelContextV1 {
  /** Artifact name -> absolute local path of the file or directory copied into the model at save. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** The saved configuration, with load-time overrides applied to keys that were saved. */
  readonly modelConfig: Readonly<Record<string, unknown>>;
  /** Absolute path of the model directory. */
  readonly modelDirectory: string;
  /**
   * Loads another jsfunc model (typically an artifact: `context.loadModel(context.artifacts.encoder)`)
   * with the same loader, hence the same installed flavors. Sub-models are disposed with this one.
   */
  loadModel(uri: string, options?: Record<string, unknown>): Promise<SubModelV1>;
}

/** A model loaded through {@link CustomModelContextV1.loadModel}. */
export interface SubModelV1 {
  predict(input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  invoke(method: string, input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  unwrap(): unknown;
  dispose(): Promise<void>;
}

/**
 * A custom model: any logic (pre- and post-processing, several models, calls to outside systems)
 * that loads and serves like any other model. `loadContext` runs once at load; `predict` (and any
 * other method taking `(context, input, params)`, such as `predictProba` or `embed`) runs per call.
 *
 * Input arrives after signature enforcement in the family the caller used: a table as an array of
 * records, a tensor as `{dtype, shape, data}`, named tensors as an object of tensors, anything else
 * as is. Return any value `predict` accepts as input (records, tensors, nested arrays, JSON).
 */
export interface CustomModelV1 {
  loadContext?(context: CustomModelContextV1): void | Promise<void>;
  predict(context: CustomModelContextV1, input: any, params?: Record<string, unknown>): unknown;
  predictStream?(context: CustomModelContextV1, input: any, params?: Record<string, unknown>): AsyncIterable<unknown> | Iterable<unknown>;
  /** Called when the model is disposed. */
  close?(): void | Promise<void>;
}

/** What a model module may export: an instance, a class with a no-argument constructor, or a factory. */
export type CustomModelExportV1 = CustomModelV1 | (new () => CustomModelV1) | (() => CustomModelV1 | Promise<CustomModelV1>);

/** Identity helper that gives a custom model object full type inference. */
export function defineCustomModel<T extends CustomModelV1>(model: T): T {
  return model;
}
