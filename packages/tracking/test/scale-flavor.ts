// A tiny flavor for tests: the "model" is {scale, offset} in JSON; predict maps x -> x*scale+offset.
import { createTensor, defineFlavor, type ModelDataV1 } from '@jsfunc/core';

export interface ScaleModel {
  scale: number;
  offset: number;
}

export function scaleFlavor() {
  return defineFlavor<ScaleModel, ScaleModel>({
    specificationVersion: 'v1',
    name: 'scale_json',
    packageName: 'jsfunc-test-scale-json',
    packageVersion: '1.0.0',
    async save(model, context) {
      await context.writer.writeFile('data/model.json', JSON.stringify(model));
      return { flavorConfig: { data: 'data/model.json' }, data: 'data/model.json' };
    },
    async load(context) {
      const native = JSON.parse(await context.reader.readText(String(context.flavorConfig.data))) as ScaleModel;
      return {
        native,
        async predict(input: ModelDataV1): Promise<ModelDataV1> {
          if (input.kind !== 'tensor') return input;
          const out = new Float64Array(input.tensor.data.length);
          for (let index = 0; index < out.length; index++) out[index] = Number(input.tensor.data[index]) * native.scale + native.offset;
          return { kind: 'tensor', tensor: createTensor('float64', input.tensor.shape, out) };
        },
        async dispose() {},
      };
    },
  });
}
