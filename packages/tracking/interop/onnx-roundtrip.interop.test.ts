// Parts 1 and 2 of the interop suite: a model trained and saved by Python MLflow predicts the same
// numbers in jsfunc, and a model saved by jsfunc predicts the same numbers in Python MLflow, whose
// Model.load parses every MLmodel jsfunc writes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createModelLoader, createTensor, parseMLmodel, saveModel, silentLogger, ModelSignature } from '@jsfunc/core';
import { onnxFlavor } from '@jsfunc/onnx';
import { runPython } from './mlflow-processes.mjs';
import { scaleFlavor } from '../test/scale-flavor.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(inject('interopTmp'), 'onnx-'));
});

// Deterministic rows in the diabetes feature range (standardised features, about ±0.1).
const rows = Array.from({ length: 7 }, (_, row) => Array.from({ length: 10 }, (_, column) => Math.fround(Math.sin(row * 10 + column) * 0.08)));

async function jsPredict(directory: string, values: number[][]): Promise<number[]> {
  const loader = createModelLoader({ flavors: [onnxFlavor()], logger: silentLogger });
  const model = await loader.load(directory);
  try {
    const output = (await model.predict(createTensor('float32', [values.length, values[0]!.length], Float32Array.from(values.flat())))) as
      | Record<string, { data: ArrayLike<number> }>
      | { data: ArrayLike<number> };
    const tensor = 'data' in output ? output : Object.values(output)[0]!;
    return Array.from(tensor.data as ArrayLike<number>);
  } finally {
    await model.dispose();
  }
}

describe('Python -> jsfunc: scikit-learn -> skl2onnx -> mlflow.onnx.save_model', () => {
  it('loads in jsfunc and predicts the same numbers as Python', async () => {
    const modelDirectory = path.join(tmp, 'sklearn-ridge');
    const inputs = path.join(tmp, 'ridge-inputs.json');
    await fs.writeFile(inputs, JSON.stringify(rows));
    const python = await runPython<{ predictions: number[][]; sklearn: number[] }>('train_sklearn_onnx.py', [modelDirectory, inputs]);
    const mlmodel = await fs.readFile(path.join(modelDirectory, 'MLmodel'), 'utf8');
    expect(mlmodel).toContain('loader_module: mlflow.onnx');
    const values = await jsPredict(modelDirectory, rows);
    const pythonValues = python.predictions.flat();
    expect(values).toHaveLength(rows.length);
    values.forEach((value, index) => {
      expect(value).toBeCloseTo(pythonValues[index]!, 3);
      expect(value).toBeCloseTo(python.sklearn[index]!, 2);
    });
  });
});

describe('jsfunc -> Python: a model saved by jsfunc', () => {
  it('loads with mlflow.pyfunc.load_model and predicts the same numbers', async () => {
    const directory = path.join(tmp, 'jsfunc-onnx');
    await saveModel(path.join(fixtures, 'mlflow-onnx-model-2.8.1', 'model.onnx'), {
      flavor: onnxFlavor(),
      path: directory,
      inputExample: [Array(10).fill(0.5)],
      logger: silentLogger,
    });
    const inputs = path.join(tmp, 'fixture-inputs.json');
    await fs.writeFile(inputs, JSON.stringify(rows));
    const python = await runPython<{ outputs: Record<string, number[][]>; loader: string }>('pyfunc_predict.py', [directory, inputs]);
    expect(python.loader).toBe('mlflow.onnx');
    const pythonValues = Object.values(python.outputs)[0]!.flat();
    const values = await jsPredict(directory, rows);
    values.forEach((value, index) => expect(value).toBeCloseTo(pythonValues[index]!, 4));
  });

  it('writes MLmodel files that mlflow.models.Model.load parses, signatures included', async () => {
    const onnxDirectory = path.join(tmp, 'parse-onnx');
    const signature = ModelSignature.fromDict({
      inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 10]}, "name": "input"}]',
      outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}, "name": "variable"}]',
      params: null,
    } as never);
    await saveModel(path.join(fixtures, 'mlflow-onnx-model-2.8.1', 'model.onnx'), { flavor: onnxFlavor(), path: onnxDirectory, signature, logger: silentLogger });
    const inferredDirectory = path.join(tmp, 'parse-onnx-inferred');
    await saveModel(path.join(fixtures, 'onnx', 'tf_model_multiple_inputs_float32.onnx'), { flavor: onnxFlavor(), path: inferredDirectory, logger: silentLogger });
    const scaleDirectory = path.join(tmp, 'parse-scale');
    await saveModel({ scale: 2, offset: 1 }, { flavor: scaleFlavor(), path: scaleDirectory, metadata: { owner: 'jsfunc' }, inputExample: [[1, 2]], logger: silentLogger });

    const parsed = await runPython<Array<{ path: string; flavors: string[]; signature: Record<string, string | null> | null; saved_input_example_info: unknown; round_trip_keys: string[] }>>(
      'parse_mlmodel.py',
      [onnxDirectory, inferredDirectory, scaleDirectory],
    );
    const [onnxModel, inferred, scale] = parsed;
    expect(onnxModel!.flavors).toEqual(['js_function', 'onnx', 'python_function']);
    // MLflow re-serialises the signature exactly as jsfunc wrote it (same JSON text).
    const written = parseMLmodel(await fs.readFile(path.join(onnxDirectory, 'MLmodel'), 'utf8'));
    expect(onnxModel!.signature).toEqual({ inputs: written.signature!.inputs, outputs: written.signature!.outputs, params: null });
    expect(onnxModel!.signature!.inputs).toBe('[{"name": "input", "type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 10]}}]');
    const writtenInferred = parseMLmodel(await fs.readFile(path.join(inferredDirectory, 'MLmodel'), 'utf8'));
    expect(inferred!.signature).toEqual({ inputs: writtenInferred.signature!.inputs, outputs: writtenInferred.signature!.outputs, params: null });
    expect(onnxModel!.round_trip_keys).toContain('jsfunc_integrity');
    expect(inferred!.signature?.inputs).toContain('first_input:0');
    expect(scale!.flavors).toEqual(['js_function', 'scale_json']);
    expect(scale!.saved_input_example_info).toMatchObject({ artifact_path: 'input_example.json' });
    expect(scale!.round_trip_keys).toContain('metadata');
  });
});
