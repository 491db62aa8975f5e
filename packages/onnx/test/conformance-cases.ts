// The ONNX operator conformance cases of ../shared/fixtures/onnx-conformance: model, inputs and
// expected outputs decoded from their serialized TensorProto files.
import { readdir, readFile } from 'node:fs/promises';
import { decodeTensorProto, type DecodedTensorProto } from '../src/tensor-proto.js';

export const conformanceRoot = new URL('../../../../shared/fixtures/onnx-conformance/', import.meta.url);

export interface ConformanceCase {
  name: string;
  modelPath: string;
  inputs: DecodedTensorProto[];
  outputs: DecodedTensorProto[];
}

export async function loadConformanceCases(): Promise<ConformanceCase[]> {
  const names = (await readdir(conformanceRoot, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const dataSet = new URL(`${name}/test_data_set_0/`, conformanceRoot);
      const files = (await readdir(dataSet)).sort();
      const decode = async (prefix: string) =>
        Promise.all(
          files
            .filter((file) => file.startsWith(prefix))
            .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
            .map(async (file) => decodeTensorProto(new Uint8Array(await readFile(new URL(file, dataSet))))),
        );
      return { name, modelPath: new URL(`${name}/model.onnx`, conformanceRoot).pathname, inputs: await decode('input_'), outputs: await decode('output_') };
    }),
  );
}
