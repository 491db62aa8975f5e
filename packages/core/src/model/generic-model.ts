import { jsfuncError } from '../errors/jsfunc-error.js';
import { fromModelData, toModelData, type InputForm, type InputSpecJson } from '../input/model-data.js';
import type { MLmodel } from '../mlmodel/mlmodel.js';
import { enforceParams } from '../schema/enforce-params.js';
import { enforceSchema } from '../schema/enforce-schema.js';
import type { ModelSignature } from '../schema/model-signature.js';
import type { FlavorModelV1, LoggerV1 } from '../spec/v1/flavor.js';
import type { ModelDataV1, ParamsV1 } from '../spec/v1/tensor.js';

const INPUT_FORMS: readonly InputForm[] = ['tensor', 'ndarray', 'tensors', 'records', 'split', 'columns', 'value'];

/**
 * A loaded model, whatever its flavor: jsfunc's equivalent of MLflow's `PyFuncModel`.
 * `predict` takes any input form (tensor, named tensors, records, split, columns, nested arrays)
 * and answers in the same family.
 */
export interface JsfuncModel<TNative = unknown> {
  /** Runs inference. The input is checked against the signature first (MLflow's rules). */
  predict(input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  /**
   * Streams outputs. Throws `ERR_STREAM_UNSUPPORTED` ("This model does not support predict_stream
   * method.") when the flavor or custom model has no streaming: check {@link JsfuncModel.streamable}.
   */
  predictStream(input: unknown, params?: Record<string, unknown>): AsyncIterable<unknown>;
  /** True when the model supports {@link JsfuncModel.predictStream}. */
  readonly streamable: boolean;
  /** Streams canonical data (what servers use). */
  predictStreamData(input: ModelDataV1, params?: Record<string, unknown>): AsyncIterable<ModelDataV1>;
  /** Calls a named inference method (`predict`, `predictProba`, ...). */
  invoke(method: string, input: unknown, params?: Record<string, unknown>): Promise<unknown>;
  /** Runs inference on canonical data (no form conversion): what servers and batch jobs use. */
  predictData(input: ModelDataV1, params?: Record<string, unknown>, method?: string): Promise<ModelDataV1>;
  /** Names of the inference methods: `predict` first, then the flavor's own. */
  readonly methods: readonly string[];
  /** The parsed MLmodel. */
  readonly metadata: MLmodel;
  /** The signature (from MLmodel, else from the native model). */
  readonly signature: ModelSignature | undefined;
  /** The flavor that loaded the model. */
  readonly flavor: string;
  /** Absolute local directory of the model. */
  readonly directory: string;
  /** The native framework object. */
  unwrap(): TNative;
  /** Releases native resources; safe to call twice. */
  dispose(): Promise<void>;
  /** A YAML-like summary: `jsfunc.loaded_model:` with flavor, run_id and artifact_path when known. */
  toString(): string;
}

function parseSpecs(json: string | null | undefined): InputSpecJson[] | undefined {
  if (!json) return undefined;
  return JSON.parse(json) as InputSpecJson[];
}

/** Wraps a flavor's loaded model into the generic {@link JsfuncModel}. */
export function createGenericModel<TNative>(options: {
  flavorModel: FlavorModelV1<TNative>;
  flavor: string;
  metadata: MLmodel;
  signature: ModelSignature | undefined;
  directory: string;
  logger: LoggerV1;
}): JsfuncModel<TNative> {
  const { flavorModel, signature, logger } = options;
  const enforce = signature !== undefined && options.metadata.is_signature_from_type_hint !== true;
  const inputSpecs = signature ? parseSpecs(signature.toDict().inputs) : undefined;
  let disposed = false;

  const methodTable: Record<string, (input: ModelDataV1, params: ParamsV1 | undefined) => Promise<ModelDataV1>> = {
    predict: (input, params) => flavorModel.predict(input, params),
    ...flavorModel.methods,
  };

  const prepare = (data: ModelDataV1, params: Record<string, unknown> | undefined): [ModelDataV1, ParamsV1 | undefined] => {
    if (disposed) {
      throw jsfuncError('ERR_MODEL_DISPOSED', 'This model was disposed; load it again to predict.', { flavor: options.flavor });
    }
    const enforced = enforce && signature?.inputs ? enforceSchema(data, signature.inputs, logger) : data;
    const resolvedParams = enforce ? enforceParams(params, signature?.params, logger) : params;
    return [enforced, resolvedParams];
  };

  // The hot path is kept to one promise from the flavor plus one `then` for the output form: the
  // checks run synchronously, and their errors come back as rejected promises (never thrown).
  const runData = (data: ModelDataV1, params: Record<string, unknown> | undefined, method: string): Promise<ModelDataV1> => {
    const run = methodTable[method];
    if (run === undefined) {
      throw jsfuncError(
        'ERR_METHOD_NOT_FOUND',
        `This model has no inference method "${method}". It has: ${Object.keys(methodTable).join(', ')}.`,
        { method, methods: Object.keys(methodTable) },
      );
    }
    const [input, resolvedParams] = prepare(data, params);
    return run(input, resolvedParams);
  };

  const predictData = (data: ModelDataV1, params?: Record<string, unknown>, method = 'predict'): Promise<ModelDataV1> => {
    try {
      return Promise.resolve(runData(data, params, method));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const predictInto = flavorModel.predictInto;
  // One output converter per input form, made once (no closure per prediction).
  const finishers = Object.fromEntries(INPUT_FORMS.map((form) => [form, (output: ModelDataV1) => fromModelData(output, form)])) as Record<InputForm, (output: ModelDataV1) => unknown>;
  const invoke = (method: string, input: unknown, params?: Record<string, unknown>): Promise<unknown> => {
    try {
      const { data, form } = toModelData(input, inputSpecs);
      if (method === 'predict' && predictInto !== undefined) {
        const [enforced, resolvedParams] = prepare(data, params);
        return predictInto.call(flavorModel, enforced, resolvedParams, finishers[form]);
      }
      return Promise.resolve(runData(data, params, method)).then((output) => fromModelData(output, form));
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const stream = flavorModel.predictStream;
  const predictStreamData = async function* (data: ModelDataV1, params?: Record<string, unknown>): AsyncIterable<ModelDataV1> {
    if (stream === undefined) {
      throw jsfuncError('ERR_STREAM_UNSUPPORTED', 'This model does not support predict_stream method. Use predict(), or give the model a predictStream method.', {
        flavor: options.flavor,
      });
    }
    const [enforced, resolvedParams] = prepare(data, params);
    yield* stream.call(flavorModel, enforced, resolvedParams);
  };
  return {
    predict: (input, params) => invoke('predict', input, params),
    streamable: stream !== undefined,
    predictStreamData,
    async *predictStream(input, params) {
      const { data, form } = toModelData(input, inputSpecs);
      for await (const chunk of predictStreamData(data, params)) yield fromModelData(chunk, form);
    },
    toString() {
      const lines = ['jsfunc.loaded_model:'];
      if (typeof options.metadata.artifact_path === 'string') lines.push(`  artifact_path: ${options.metadata.artifact_path}`);
      lines.push(`  flavor: ${options.flavor}`);
      if (typeof options.metadata.run_id === 'string') lines.push(`  run_id: ${options.metadata.run_id}`);
      return lines.join('\n');
    },
    invoke,
    predictData,
    methods: Object.keys(methodTable),
    metadata: options.metadata,
    signature,
    flavor: options.flavor,
    directory: options.directory,
    unwrap: () => flavorModel.native,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await flavorModel.dispose();
    },
  };
}
