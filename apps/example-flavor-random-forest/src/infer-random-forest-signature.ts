import { ModelSignature } from '@jsfunc/core';
import type { RandomForestKind } from './random-forest-types.js';

/**
 * The signature of a random forest: with feature names, one `double` column per feature in and a
 * `prediction` column out (`long` for a classifier, `double` for a regressor); without, a
 * `float64 [-1, featureCount]` tensor in and a `[-1]` tensor out (`int64` labels for a classifier,
 * `float64` values for a regressor).
 */
export function inferRandomForestSignature(kind: RandomForestKind, featureCount: number, featureNames?: readonly string[]): ModelSignature {
  if (featureNames !== undefined) {
    const inputs = featureNames.map((name) => ({ type: 'double', name, required: true }));
    const outputs = [{ type: kind === 'classifier' ? 'long' : 'double', name: 'prediction', required: true }];
    return ModelSignature.fromDict({ inputs: JSON.stringify(inputs), outputs: JSON.stringify(outputs) });
  }
  const inputs = [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, featureCount] } }];
  const outputs = [{ type: 'tensor', 'tensor-spec': { dtype: kind === 'classifier' ? 'int64' : 'float64', shape: [-1] } }];
  return ModelSignature.fromDict({ inputs: JSON.stringify(inputs), outputs: JSON.stringify(outputs) });
}
