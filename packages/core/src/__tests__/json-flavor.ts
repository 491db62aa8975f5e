// A small flavor used by core's own tests: a "model" is a JSON document {scale, offset}; predict
// multiplies every number of a tensor. It records every call so tests can prove what ran.
import { jsfuncError } from '../errors/jsfunc-error.js';
import { createTensor } from '../input/tensor.js';
import type { FlavorV1 } from '../spec/v1/flavor.js';
import type { ModelDataV1 } from '../spec/v1/tensor.js';

export interface ScaleModel {
  scale: number;
  offset: number;
}

export function createJsonFlavor(name = 'scale_json'): FlavorV1<ScaleModel, ScaleModel> & { calls: string[] } {
  const calls: string[] = [];
  return {
    specificationVersion: 'v1',
    name,
    packageName: 'jsfunc-test-scale-json',
    packageVersion: '1.2.3',
    calls,
    async save(model, context) {
      calls.push('save');
      await context.writer.writeFile('data/model.json', JSON.stringify(model));
      return { flavorConfig: { data: 'data/model.json', kind: 'scale' }, data: 'data/model.json' };
    },
    async load(context) {
      calls.push('load');
      const data = context.flavorConfig.data;
      if (typeof data !== 'string') throw jsfuncError('ERR_FLAVOR_CONFIG_INVALID', 'scale_json needs a data path', {});
      const native = JSON.parse(await context.reader.readText(data)) as ScaleModel;
      let disposed = 0;
      return {
        native,
        async predict(input: ModelDataV1): Promise<ModelDataV1> {
          calls.push('predict');
          if (input.kind === 'tensor') {
            const out = new Float64Array(input.tensor.data.length);
            for (let index = 0; index < out.length; index++) out[index] = Number(input.tensor.data[index]) * native.scale + native.offset;
            return { kind: 'tensor', tensor: createTensor('float64', input.tensor.shape, out) };
          }
          if (input.kind === 'table') {
            const x = input.table.data.x ?? [];
            const y = Array.from(x, (value) => Number(value) * native.scale + native.offset);
            return { kind: 'table', table: { columns: ['y'], data: { y }, rowCount: y.length } };
          }
          return input;
        },
        async dispose() {
          disposed++;
          calls.push(`dispose:${disposed}`);
        },
      };
    },
  };
}
