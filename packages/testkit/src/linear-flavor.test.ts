// A flavor written only against @jsfunc/core's public exports, as a third party would: a linear
// model y = x·w + b stored as JSON. It proves the contract is implementable from the outside and
// that the conformance suite catches what it should.
import { createTensor, defineFlavor, jsfuncError, type ModelDataV1, type TensorV1 } from '@jsfunc/core';
import { expect } from 'vitest';
import { describeFlavorConformance } from './index.js';

interface Linear {
  weights: number[];
  bias: number;
}

const linearFlavor = defineFlavor<Linear, Linear>({
  specificationVersion: 'v1',
  name: 'linear_json',
  packageName: 'jsfunc-flavor-linear-json',
  packageVersion: '1.0.0',
  async save(model, context) {
    await context.writer.writeFile('linear.json', JSON.stringify(model));
    return { flavorConfig: { data: 'linear.json', format_version: 1 }, data: 'linear.json' };
  },
  async load(context) {
    const data = context.flavorConfig.data;
    if (typeof data !== 'string' || context.flavorConfig.format_version !== 1) {
      throw jsfuncError('ERR_FLAVOR_CONFIG_INVALID', 'linear_json needs data (a path) and format_version 1.', {});
    }
    const native = JSON.parse(await context.reader.readText(data)) as Linear;
    const predictTensor = (tensor: TensorV1): TensorV1 => {
      const columns = native.weights.length;
      const rows = tensor.data.length / columns;
      const out = new Float64Array(rows);
      for (let row = 0; row < rows; row++) {
        let sum = native.bias;
        for (let column = 0; column < columns; column++) sum += Number(tensor.data[row * columns + column]) * native.weights[column]!;
        out[row] = sum;
      }
      return createTensor('float64', [rows], out);
    };
    return {
      native,
      async predict(input: ModelDataV1): Promise<ModelDataV1> {
        if (input.kind !== 'tensor') throw jsfuncError('ERR_INPUT_INVALID', 'linear_json takes one tensor.', {});
        return { kind: 'tensor', tensor: predictTensor(input.tensor) };
      },
      async dispose() {},
    };
  },
});

describeFlavorConformance({
  flavor: linearFlavor,
  createSource: () => ({ weights: [1, 2], bias: 0.5 }),
  input: [
    [1, 1],
    [2, 0],
  ],
  invalidFlavorConfigs: [{ data: 'linear.json', format_version: 2 }, {}],
  checkOutput(output) {
    expect(output).toEqual([3.5, 2.5]);
  },
});
