import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { JsfuncError, createModelLoader, loadModel, parseMLmodel, saveModel, silentLogger, type LoggerV1 } from '@jsfunc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type ElementTypeName } from '../test/onnx-builder.js';
import { loadConformanceCases } from '../test/conformance-cases.js';
import { onnxFlavor, type OnnxNativeModel } from './index.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const fixture = (relative: string) => path.join(fixtures, relative);
const SKLEARN = fixture('onnx/sklearn_model.onnx');
const TF64 = fixture('onnx/tf_model_multiple_inputs_float64.onnx');
const TF32 = fixture('onnx/tf_model_multiple_inputs_float32.onnx');
const PPOCR = fixture('onnx/ppocr-cls/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const SILERO = fixture('onnx/silero-vad-v4/silero_vad.onnx');
const MLFLOW_DIR = fixture('mlflow-onnx-model-2.8.1');

let work: string;
let counter = 0;
const loader = createModelLoader({ flavors: [onnxFlavor()], logger: silentLogger });

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'jsfunc-onnx-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function save(source: Parameters<ReturnType<typeof onnxFlavor>['save']>[0], saveOptions: Record<string, unknown> = {}): Promise<string> {
  const target = path.join(work, `model-${counter++}`);
  await saveModel(source, { flavor: onnxFlavor(), path: target, saveOptions, logger: silentLogger });
  return target;
}

function recordingLogger(): LoggerV1 & { messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (message) => messages.push(message), info: (message) => messages.push(message) };
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const iris = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
];

describe('G1: MLmodel as MLflow writes it', () => {
  it('writes the onnx and python_function blocks, the env files and model.onnx at the root', async () => {
    const target = await save(TF64);
    const text = await readFile(path.join(target, 'MLmodel'), 'utf8');
    const mlmodel = parseMLmodel(text);
    const onnxBlock = mlmodel.flavors['onnx'] as Record<string, unknown>;
    expect(onnxBlock).toEqual({
      code: null,
      data: 'model.onnx',
      onnx_session_options: null,
      onnx_version: expect.stringMatching(/^1\.\d+\.0$/),
      providers: ['CUDAExecutionProvider', 'CPUExecutionProvider'],
    });
    expect(text).toContain(
      `  onnx:\n    code: null\n    data: model.onnx\n    onnx_session_options: null\n    onnx_version: ${String(onnxBlock['onnx_version'])}\n    providers:\n    - CUDAExecutionProvider\n    - CPUExecutionProvider\n`,
    );
    expect(mlmodel.flavors['python_function']).toEqual({
      data: 'model.onnx',
      env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' },
      loader_module: 'mlflow.onnx',
      python_version: expect.stringMatching(/^3\.\d+\.\d+$/),
    });
    expect(mlmodel.flavors['js_function']).toMatchObject({ loader_flavor: 'onnx', loader_package: '@jsfunc/onnx' });
    expect(await readFile(path.join(target, 'model.onnx'))).toEqual(await readFile(TF64));
    const pythonEnv = await readFile(path.join(target, 'python_env.yaml'), 'utf8');
    expect(pythonEnv).toMatch(/^python: 3\.\d+\.\d+\nbuild_dependencies:\n- pip==[\d.]+\n- setuptools==[\d.]+\n- wheel==[\d.]+\ndependencies:\n- -r requirements.txt\n$/);
    const conda = await readFile(path.join(target, 'conda.yaml'), 'utf8');
    expect(conda).toMatch(/^channels:\n- conda-forge\ndependencies:\n- python=3\.\d+\.\d+\n- pip<=[\d.]+\n- pip:\n {2}- mlflow==[\d.]+\n/);
    expect(conda.endsWith('name: mlflow-env\n')).toBe(true);
    const requirements = (await readFile(path.join(target, 'requirements.txt'), 'utf8')).trim().split('\n');
    expect(requirements.map((line) => line.split('==')[0])).toEqual(['mlflow', 'numpy', 'onnx', 'onnxruntime']);
  });

  it('infers a tensor signature from the session, dynamic dims as -1', async () => {
    const target = await save(SKLEARN);
    const mlmodel = parseMLmodel(await readFile(path.join(target, 'MLmodel'), 'utf8'));
    const signature = mlmodel.signature as { inputs: string; outputs: string };
    expect(JSON.parse(signature.inputs)).toEqual([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 4] }, name: 'float_input' }]);
    expect(JSON.parse(signature.outputs)).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'int64', shape: [-1] }, name: 'output_label' },
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 3] }, name: 'output_probability' },
    ]);
  });
});

describe('G2: session options', () => {
  it('saves them in MLflow form and applies them at load, with load-time overrides', async () => {
    const target = await save(TF64, { sessionOptions: { executionMode: 'sequential', graphOptimizationLevel: 99, intraOpNumThreads: 19 } });
    const mlmodel = parseMLmodel(await readFile(path.join(target, 'MLmodel'), 'utf8'));
    expect((mlmodel.flavors['onnx'] as Record<string, unknown>)['onnx_session_options']).toEqual({ execution_mode: 'sequential', graph_optimization_level: 99, intra_op_num_threads: 19 });
    const model = await loader.load<OnnxNativeModel>(target);
    expect(model.unwrap().sessionOptions).toEqual({ executionMode: 'sequential', graphOptimizationLevel: 'all', intraOpNumThreads: 19 });
    await model.dispose();
    const overridden = await loader.load<OnnxNativeModel>(target, { flavorOptions: { sessionOptions: { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' } } });
    expect(overridden.unwrap().sessionOptions).toEqual({ executionMode: 'sequential', graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
    await overridden.dispose();
    // The options reach onnxruntime: this config entry makes it read the file as ORT format, and fail.
    await expect(loader.load(target, { flavorOptions: { sessionOptions: { extraSessionConfig: { 'session.load_model_format': 'ORT' } } } })).rejects.toThrow();
  });

  it('refuses invalid session options at save', async () => {
    await expect(save(TF64, { sessionOptions: { executionMode: 'fast' } })).rejects.toMatchObject({ code: 'ERR_ONNX_SESSION_OPTIONS' });
  });

  it('falls back to cpu, with a message, when a saved provider is unavailable', async () => {
    const target = await save(TF64, { providers: ['TensorrtExecutionProvider', 'CPUExecutionProvider'] });
    const logger = recordingLogger();
    const model = await loadModel<OnnxNativeModel>(target, { flavors: [onnxFlavor()], logger });
    expect(model.unwrap().providers).toEqual(['cpu']);
    expect(logger.messages.join('\n')).toMatch(/tensorrt.*not available.*cpu/);
    await model.dispose();
  });
});

describe('G3/G4: several inputs from a table', () => {
  const a = range(10, (i) => i + 0.5);
  const b = range(10, (i) => 2 - i * 0.25);
  const records = a.map((value, i) => ({ 'first_input:0': value, 'second_input:0': b[i]! }));

  it('G3: maps table columns to inputs by name and returns one output column', async () => {
    for (const file of [TF64, TF32]) {
      const model = await loader.load(await save(file, { inferSignature: false }));
      const output = (await model.predict(records)) as Record<string, number>[];
      expect(output).toHaveLength(10);
      output.forEach((row, i) => expect(row['output:0']).toBeCloseTo(a[i]! * b[i]!, 5));
      await model.dispose();
    }
  });

  it('G4: casts float64 data to a float32 model and refuses int32 data', async () => {
    const model = await loader.load(await save(TF32, { inferSignature: false }));
    const output = (await model.predict({
      'first_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(a) },
      'second_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(b) },
    })) as Record<string, { dtype: string; data: Float32Array }>;
    expect(output['output:0']!.dtype).toBe('float32');
    Array.from(output['output:0']!.data).forEach((value, i) => expect(value).toBeCloseTo(a[i]! * b[i]!, 5));
    await expect(
      model.predict({
        'first_input:0': { dtype: 'int32', shape: [10], data: Int32Array.from(range(10, (i) => i)) },
        'second_input:0': { dtype: 'int32', shape: [10], data: Int32Array.from(range(10, (i) => i)) },
      }),
    ).rejects.toThrow(JsfuncError);
    await model.dispose();
  });
});

describe('G5: ZipMap (sequence of maps) outputs', () => {
  it('predicts the 150-row iris table without crashing and gives labels and probabilities', async () => {
    const model = await loader.load<OnnxNativeModel>(await save(SKLEARN, { inferSignature: false }));
    const rows = range(150, (i) => iris[i % 3]!);
    const output = (await model.predict(rows.map(([w, x, y, z]) => ({ sepal_length: w, sepal_width: x, petal_length: y, petal_width: z })))) as Record<string, unknown>[];
    expect(output).toHaveLength(150);
    const expected = [
      [0, [0.9818, 0.0182, 0.0]],
      [1, [0.0021, 0.8743, 0.1235]],
      [2, [0.0, 0.0039, 0.9961]],
    ] as const;
    expected.forEach(([label, probabilities], i) => {
      expect(Number(output[i]!['output_label'])).toBe(label);
      const map = output[i]!['output_probability'] as Record<string, number>;
      expect(Object.keys(map)).toEqual(['0', '1', '2']);
      probabilities.forEach((p, k) => expect(map[String(k)]).toBeCloseTo(p, 3));
    });
    expect(model.unwrap().zipMaps).toEqual([{ input: 'probabilities', output: 'output_probability', classLabels: [0n, 1n, 2n] }]);
    // Tensor input gives the [N, classes] probability tensor.
    const tensors = (await model.predict({ float_input: { dtype: 'float32', shape: [3, 4], data: Float32Array.from(iris.flat()) } })) as Record<string, { shape: number[] }>;
    expect(tensors['output_probability']!.shape).toEqual([3, 3]);
    await model.dispose();
  });
});

describe('G6: a model saved by MLflow', () => {
  it('loads through the generic loader and predicts 150.434 for zeros and 1373.035 for ones', async () => {
    const model = await loader.load(MLFLOW_DIR);
    expect(model.flavor).toBe('onnx');
    const output = (await model.predict({ input: { dtype: 'float32', shape: [2, 10], data: Float32Array.from([...range(10, () => 0), ...range(10, () => 1)]) } })) as Record<string, { data: Float32Array }>;
    expect(output['variable']!.data[0]).toBeCloseTo(150.434, 3);
    expect(output['variable']!.data[1]).toBeCloseTo(1373.035, 3);
    await model.dispose();
  });
});

describe('errors onnxruntime raises while running get jsfunc codes', () => {
  it('wrong dimensions on a model without a signature: ERR_ONNX_INPUT_SHAPE with onnxruntime\'s text, on the main thread and in a worker', async () => {
    for (const runIn of ['main', 'worker'] as const) {
      const model = await loader.load(MLFLOW_DIR, { flavorOptions: { runIn } });
      try {
        expect(model.signature).toBeUndefined();
        const error = await model.predict({ input: { dtype: 'float32', shape: [1, 3], data: new Float32Array(3) } }).catch((caught: unknown) => caught);
        expect(JsfuncError.isInstance(error, 'ERR_ONNX_INPUT_SHAPE'), `${runIn}: ${String(error)}`).toBe(true);
        expect((error as Error).message).toContain('Got: 3 Expected: 10');
        // The model still answers a good request afterwards.
        const output = (await model.predict({ input: { dtype: 'float32', shape: [1, 10], data: new Float32Array(10) } })) as Record<string, { data: Float32Array }>;
        expect(output['variable']!.data[0]).toBeCloseTo(150.434, 3);
      } finally {
        await model.dispose();
      }
    }
  });
});

describe('G7: input the ONNX wrapper cannot map', () => {
  it('refuses one array for a multi-input model and a non-tabular value, with MLflow\'s messages', async () => {
    const model = await loader.load(await save(TF64, { inferSignature: false }));
    const error = await model.predictData({ kind: 'tensor', tensor: { dtype: 'float64', shape: [10], data: new Float64Array(10) } }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('Unable to map numpy array input to the expected model input');
    const valueError = await model.predictData({ kind: 'value', value: 'text' }).catch((caught: unknown) => caught);
    expect((valueError as Error).message).toContain('Input should be a dictionary or a numpy array or a pandas.DataFrame');
    await model.dispose();
  });
});

describe('every fixture model: jsfunc gives the numbers raw onnxruntime-node gives', () => {
  const cases: { name: string; source: string; feeds: Record<string, { dtype: 'float32' | 'int64' | 'float64'; shape: number[]; data: Float32Array | BigInt64Array | Float64Array }> }[] = [
    { name: 'sklearn_model', source: SKLEARN, feeds: { float_input: { dtype: 'float32', shape: [3, 4], data: Float32Array.from(iris.flat()) } } },
    { name: 'tf float32', source: TF32, feeds: { 'first_input:0': { dtype: 'float32', shape: [10], data: Float32Array.from(range(10, (i) => i)) }, 'second_input:0': { dtype: 'float32', shape: [10], data: Float32Array.from(range(10, (i) => i / 3)) } } },
    { name: 'tf float64', source: TF64, feeds: { 'first_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(range(10, (i) => i)) }, 'second_input:0': { dtype: 'float64', shape: [10], data: Float64Array.from(range(10, (i) => i / 3)) } } },
    { name: 'ppocr-cls', source: PPOCR, feeds: { x: { dtype: 'float32', shape: [2, 3, 48, 320], data: Float32Array.from(range(2 * 3 * 48 * 320, (i) => ((i * 7919) % 1000) / 1000)) } } },
    {
      name: 'silero-vad (scalar int64 input, several inputs and outputs)',
      source: SILERO,
      feeds: {
        input: { dtype: 'float32', shape: [1, 512], data: Float32Array.from(range(512, (i) => Math.sin(i / 10))) },
        sr: { dtype: 'int64', shape: [], data: BigInt64Array.of(16000n) },
        h: { dtype: 'float32', shape: [2, 1, 64], data: new Float32Array(128) },
        c: { dtype: 'float32', shape: [2, 1, 64], data: new Float32Array(128) },
      },
    },
    { name: 'mlflow-onnx-model-2.8.1', source: MLFLOW_DIR, feeds: { input: { dtype: 'float32', shape: [3, 10], data: Float32Array.from(range(30, (i) => i / 10)) } } },
  ];
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const directory = testCase.source === MLFLOW_DIR ? MLFLOW_DIR : await save(testCase.source);
      const model = await loader.load<OnnxNativeModel>(directory);
      const output = (await model.predict(testCase.feeds)) as Record<string, { dtype: string; shape: number[]; data: ArrayLike<unknown> }>;
      const session = await ort.InferenceSession.create(testCase.source === MLFLOW_DIR ? path.join(MLFLOW_DIR, 'model.onnx') : testCase.source);
      const fetches = session.outputNames.filter((name) => name !== 'output_probability');
      const raw = await session.run(
        Object.fromEntries(Object.entries(testCase.feeds).map(([name, tensor]) => [name, new ort.Tensor(tensor.dtype, tensor.data as Float32Array, tensor.shape)])),
        fetches,
      );
      for (const name of fetches) {
        expect(output[name]!.shape).toEqual(raw[name]!.dims);
        expect(Array.from(output[name]!.data)).toEqual(Array.from(raw[name]!.data as ArrayLike<unknown>));
      }
      await session.release();
      await model.dispose();
    });
  }
});

describe('the ONNX operator conformance cases through the generic interface', () => {
  it('match their expected outputs', async () => {
    const cases = await loadConformanceCases();
    expect(cases).toHaveLength(6);
    for (const testCase of cases) {
      const model = await loader.load(await save(testCase.modelPath));
      const session = await ort.InferenceSession.create(testCase.modelPath);
      const input = Object.fromEntries(testCase.inputs.map((entry, index) => [entry.name || session.inputNames[index]!, entry.tensor]));
      const output = (await model.predict(input)) as Record<string, { shape: number[]; data: ArrayLike<number> }>;
      testCase.outputs.forEach((expected, index) => {
        const actual = output[expected.name || session.outputNames[index]!]!;
        expect(actual.shape, testCase.name).toEqual(expected.tensor.shape);
        Array.from(expected.tensor.data as ArrayLike<number>).forEach((value, position) =>
          Number.isNaN(value) ? expect(actual.data[position]).toBeNaN() : expect(actual.data[position], testCase.name).toBeCloseTo(value, 4),
        );
      });
      await session.release();
      await model.dispose();
    }
  });
});

describe('tensor types', () => {
  const values: Record<ElementTypeName, { data: ArrayLike<unknown>; expected?: unknown[] }> = {
    float32: { data: Float32Array.of(1.5, -2) },
    float64: { data: Float64Array.of(1.5, -2) },
    int8: { data: Int8Array.of(-3, 4) },
    int16: { data: Int16Array.of(-300, 400) },
    int32: { data: Int32Array.of(-70000, 80000) },
    int64: { data: BigInt64Array.of(-(2n ** 40n), 2n ** 53n + 1n) },
    uint8: { data: Uint8Array.of(0, 255) },
    uint16: { data: Uint16Array.of(1, 65535) },
    uint32: { data: Uint32Array.of(1, 4294967295) },
    uint64: { data: BigUint64Array.of(1n, 2n ** 63n) },
    bool: { data: Uint8Array.of(1, 0) },
    float16: { data: Uint16Array.of(0x3c00, 0xc000) },
    string: { data: ['héllo', ''] },
  };
  for (const [type, { data }] of Object.entries(values) as [ElementTypeName, { data: ArrayLike<unknown> }][]) {
    it(`round-trips ${type} through an Identity model`, async () => {
      const { model: bytes } = buildModel({
        inputs: [{ name: 'x', type, shape: ['N'] }],
        outputs: [{ name: 'y', type, shape: ['N'] }],
        nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
      });
      const model = await loader.load(await save(bytes));
      const output = (await model.predict({ x: { dtype: type, shape: [2], data } })) as Record<string, { dtype: string; shape: number[]; data: ArrayLike<unknown> }>;
      expect(output['y']!.dtype).toBe(type);
      expect(output['y']!.shape).toEqual([2]);
      expect(Array.from(output['y']!.data)).toEqual(Array.from(data));
      await model.dispose();
    });
  }
});

describe('external data', () => {
  it('copies the weights file beside model.onnx and loads it from the file path', async () => {
    const { model: bytes, external } = buildModel({
      inputs: [{ name: 'x', type: 'float32', shape: [4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [4] }],
      nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
      initializers: [{ name: 'w', type: 'float32', dims: [4], raw: new Uint8Array(new Float32Array([10, 20, 30, 40]).buffer), external: 'weights.bin' }],
    });
    const source = path.join(work, `external-${counter++}`);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(source);
    await writeFile(path.join(source, 'exported.onnx'), bytes);
    await writeFile(path.join(source, 'weights.bin'), external['weights.bin']!);
    const target = await save(path.join(source, 'exported.onnx'));
    await access(path.join(target, 'weights.bin'));
    await rm(source, { recursive: true });
    const model = await loader.load(target);
    const output = (await model.predict({ x: { dtype: 'float32', shape: [4], data: Float32Array.of(1, 2, 3, 4) } })) as Record<string, { data: Float32Array }>;
    expect(Array.from(output['y']!.data)).toEqual([11, 22, 33, 44]);
    await model.dispose();
    await expect(save(bytes)).rejects.toMatchObject({ code: 'ERR_ONNX_EXTERNAL_DATA' });
  });

  it('refuses a source that is not an ONNX model', async () => {
    await expect(save(new TextEncoder().encode('definitely not onnx'))).rejects.toMatchObject({ code: 'ERR_ONNX_MODEL_INVALID' });
    await expect(save(path.join(work, 'missing.onnx'))).rejects.toMatchObject({ code: 'ERR_ONNX_SOURCE' });
  });
});

describe('runIn: worker', () => {
  it('predicts the same numbers off the main thread and keeps the event loop free during a run', async () => {
    const target = await save(PPOCR);
    const inThread = await loader.load(target);
    const inWorker = await loader.load<OnnxNativeModel>(target, { flavorOptions: { runIn: 'worker' } });
    expect(inWorker.unwrap().session).toBeUndefined();
    const n = 32;
    const input = { x: { dtype: 'float32', shape: [n, 3, 48, 320], data: Float32Array.from({ length: n * 3 * 48 * 320 }, (_, i) => ((i * 7919) % 1000) / 1000) } };
    const ticksDuring = async (run: () => Promise<unknown>) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const result = await run();
      clearInterval(timer);
      return { ticks, result };
    };
    const main = await ticksDuring(() => inThread.predict(input));
    const worker = await ticksDuring(() => inWorker.predict(input));
    // On the main thread the whole run happens in one macrotask; in a worker, timers keep firing.
    expect(main.ticks).toBe(0);
    expect(worker.ticks).toBeGreaterThan(0);
    expect((worker.result as Record<string, { data: Float32Array }>)['softmax_0.tmp_0']!.data).toEqual((main.result as Record<string, { data: Float32Array }>)['softmax_0.tmp_0']!.data);
    await inThread.dispose();
    await inWorker.dispose();
    await inWorker.dispose();
    await expect(inWorker.predict(input)).rejects.toThrow(JsfuncError);
  }, 60_000);

  it('loads a ZipMap model in a worker', async () => {
    const model = await loader.load(await save(SKLEARN), { flavorOptions: { runIn: 'worker' } });
    const output = (await model.predict({ float_input: { dtype: 'float32', shape: [1, 4], data: Float32Array.from(iris[1]!) } })) as Record<string, { data: ArrayLike<unknown> }>;
    expect(Array.from(output['output_label']!.data)).toEqual([1n]);
    await model.dispose();
  }, 30_000);
});

describe('onnxruntime opens model files itself: they are checked to stay inside the model first', () => {
  it('a model.onnx symlinked outside the directory is refused even with the integrity check off', async () => {
    const { symlink, unlink, copyFile } = await import('node:fs/promises');
    const target = await save(TF32);
    const outside = path.join(work, `outside-${counter++}.onnx`);
    await copyFile(TF32, outside);
    await unlink(path.join(target, 'model.onnx'));
    await symlink(outside, path.join(target, 'model.onnx'));
    const error = await loader.load(target, { verifyIntegrity: false }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_MODEL_PATH_ESCAPE'), String(error)).toBe(true);
  });
});
