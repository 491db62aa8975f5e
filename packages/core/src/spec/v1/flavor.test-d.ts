import { describe, expectTypeOf, it } from 'vitest';
import { defineFlavor } from '../../model/define-flavor.js';
import type { JsfuncModel } from '../../model/generic-model.js';
import { loadModel } from '../../model/model-loader.js';
import type { FlavorV1 } from './flavor.js';
import type { ModelDataV1, TensorV1 } from './tensor.js';

describe('the v1 flavor contract types', () => {
  it('defineFlavor infers the native and source types', () => {
    const flavor = defineFlavor({
      specificationVersion: 'v1',
      name: 'example',
      packageName: 'example',
      packageVersion: '1.0.0',
      async save(source: { weights: number[] }) {
        expectTypeOf(source.weights).toEqualTypeOf<number[]>();
        return { flavorConfig: {} };
      },
      async load() {
        return { native: new Map<string, number>(), predict: async (input: ModelDataV1) => input, dispose: async () => {} };
      },
    });
    expectTypeOf(flavor).toMatchTypeOf<FlavorV1<Map<string, number>, { weights: number[] }>>();
  });

  it('specificationVersion must be the literal v1', () => {
    // @ts-expect-error: a flavor of another contract version is not a FlavorV1
    const wrong: FlavorV1 = { specificationVersion: 'v2', name: 'x', packageName: 'x', packageVersion: '1.0.0', save: async () => ({ flavorConfig: {} }), load: async () => ({ native: null, predict: async (input: ModelDataV1) => input, dispose: async () => {} }) };
    void wrong;
  });

  it('tensor data follows the dtype', () => {
    expectTypeOf<TensorV1<'int64'>['data']>().toEqualTypeOf<BigInt64Array>();
    expectTypeOf<TensorV1<'bool'>['data']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<TensorV1<'string'>['data']>().toEqualTypeOf<string[]>();
  });

  it('loadModel returns a JsfuncModel of the requested native type', () => {
    expectTypeOf(loadModel<Map<string, number>>).returns.resolves.toEqualTypeOf<JsfuncModel<Map<string, number>>>();
  });
});
