import type { ModelDataV1, ParamsV1 } from './tensor.js';
import type { ModelSignature } from '../../schema/model-signature.js';
import type { MLmodel } from '../../mlmodel/mlmodel.js';

/** Where jsfunc sends warnings and information. Defaults to `console.warn`-based logging. */
export interface LoggerV1 {
  warn(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  debug?(message: string, fields?: Record<string, unknown>): void;
}

/** File operations a flavor may use while it saves, all relative to the staging model directory. */
export interface ModelWriterV1 {
  /** Absolute path of the staging directory (the model root while the save runs). */
  readonly directory: string;
  /** Writes a file (creating parent folders). `path` is relative to the model root. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Copies a file from anywhere on disk into the model. */
  copyFile(source: string, path: string): Promise<void>;
  /** Copies a directory tree into the model (symlinks are refused). */
  copyDirectory(source: string, path: string): Promise<void>;
  /** Absolute path inside the staging directory, after checking that `path` stays inside it. */
  resolve(path: string): string;
}

/** Read access to a loaded model directory; every path is checked to stay inside it. */
export interface ModelReaderV1 {
  /** Absolute path of the model directory. */
  readonly directory: string;
  readFile(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  /** Absolute local path of a file in the model, after the containment check. */
  resolve(path: string): string;
}

/** What a flavor's `save` receives besides the native object. */
export interface FlavorSaveContextV1<TOptions> {
  readonly writer: ModelWriterV1;
  /** Flavor-specific save options given by the user. */
  readonly options: TOptions;
  /** The signature the user gave, if any (the flavor may infer one when absent). */
  readonly signature: ModelSignature | undefined;
  readonly logger: LoggerV1;
}

/** What a flavor's `save` returns; core writes MLmodel, js_function, environment and integrity. */
export interface FlavorSaveResultV1 {
  /** The block written under `flavors.<name>`. */
  readonly flavorConfig: Record<string, unknown>;
  /** Model-relative path of the main data file or folder (recorded in `js_function.data`). */
  readonly data?: string;
  /** Further flavor blocks to write (e.g. MLflow's `python_function`), by flavor name. */
  readonly additionalFlavors?: Record<string, Record<string, unknown>>;
  /** A signature inferred from the native model, used when the user gave none. */
  readonly signature?: ModelSignature;
  /**
   * Runtime npm packages the model needs: names (core records the installed version of each, as
   * resolved from the working directory) or a name -> version map the flavor resolved itself.
   */
  readonly runtimeDependencies?: readonly string[] | Readonly<Record<string, string>>;
}

/** What a flavor's `load` receives. */
export interface FlavorLoadContextV1<TOptions> {
  readonly reader: ModelReaderV1;
  /** The parsed MLmodel. */
  readonly mlmodel: MLmodel;
  /** The block under `flavors.<name>` (or under the alias the flavor matched). */
  readonly flavorConfig: Record<string, unknown>;
  /** The MLmodel flavor key that matched (the flavor's name or one of its `aliases`). */
  readonly flavorKey: string;
  /** The signature saved in MLmodel, parsed (undefined when the model has none). */
  readonly signature: ModelSignature | undefined;
  /**
   * Load options given by the user for this flavor. The loader also sets `verifyIntegrity` (whether
   * the files were checked) and, when given, `modelConfig` (load-time configuration overrides).
   */
  readonly options: TOptions & { readonly verifyIntegrity?: boolean; readonly modelConfig?: Record<string, unknown> };
  readonly logger: LoggerV1;
  /** Loads another model (for example an artifact of a custom model) with the same loader. */
  readonly loadModel: (uri: string, options?: Record<string, unknown>) => Promise<unknown>;
}

/** The native model as a flavor exposes it to the generic model. */
export interface FlavorModelV1<TNative = unknown> {
  /** Runs inference on canonical, schema-enforced input. */
  predict(input: ModelDataV1, params: ParamsV1 | undefined): Promise<ModelDataV1>;
  /**
   * Optional, for speed only: `predict`, with `finish` applied to the output in the flavor's own
   * last step, which saves the caller one promise hop a call (the generic model uses it for
   * `predict` when present). It must behave exactly as `predict(input, params).then(finish)`;
   * `@jsfunc/testkit`'s conformance suite checks that.
   */
  predictInto?<T>(input: ModelDataV1, params: ParamsV1 | undefined, finish: (output: ModelDataV1) => T): Promise<T>;
  /** Streams partial outputs, where the model supports it. */
  predictStream?(input: ModelDataV1, params: ParamsV1 | undefined): AsyncIterable<ModelDataV1>;
  /** Further named inference methods (`predictProba`, `embed`, ...), callable by name. */
  readonly methods?: Readonly<Record<string, (input: ModelDataV1, params: ParamsV1 | undefined) => Promise<ModelDataV1>>>;
  /** A signature read from the native model, used when MLmodel has none. */
  readonly signature?: ModelSignature;
  /** The framework object (an InferenceSession, a tf.LayersModel, ...). */
  readonly native: TNative;
  /** Releases native resources. Calling it twice is safe. */
  dispose(): Promise<void>;
}

/** How a flavor's models may run concurrently; the server picks its worker kind from this. */
export interface FlavorRuntimeV1 {
  /** `thread`: worker threads are safe; `process`: use child processes; `main`: keep in one thread. */
  readonly isolation: 'thread' | 'process' | 'main';
}

/**
 * The flavor contract, version 1. A flavor is a plain value: hand it to `createModelLoader` or
 * `saveModel`. Nothing is registered globally.
 */
export interface FlavorV1<TNative = unknown, TSource = unknown, TSaveOptions = Record<string, unknown>, TLoadOptions = Record<string, unknown>> {
  readonly specificationVersion: 'v1';
  /** The key under `flavors:` in MLmodel, stable forever (`onnx`, `tfjs`, ...). */
  readonly name: string;
  /** Other MLmodel flavor keys this flavor can load (a block written by another tool). */
  readonly aliases?: readonly string[];
  /** npm package that provides the flavor, recorded in `js_function.package`. */
  readonly packageName: string;
  /** Its version, recorded in the model's environment; `^<major>.<minor>` becomes the range. */
  readonly packageVersion: string;
  readonly runtime?: FlavorRuntimeV1;
  /** Writes the native object into the staging directory. */
  save(source: TSource, context: FlavorSaveContextV1<TSaveOptions>): Promise<FlavorSaveResultV1>;
  /** Opens a saved model. */
  load(context: FlavorLoadContextV1<TLoadOptions>): Promise<FlavorModelV1<TNative>>;
}

/** Any v1 flavor. */
export type AnyFlavorV1 = FlavorV1<any, any, any, any>;
