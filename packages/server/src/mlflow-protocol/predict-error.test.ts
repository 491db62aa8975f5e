import { describe, expect, it } from 'vitest';
import { jsfuncError } from '@jsfunc/core';
import { httpErrorBody } from '../errors/http-error-body.js';
import { mlflowPredictError } from './predict-error.js';
import { parseSignatureView } from './signature-view.js';

const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 10] } }]) });
const data = { kind: 'tensor', tensor: { dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2, 3]) } } as const;

describe('mlflowPredictError: enforcement errors worded like mlflow models serve', () => {
  it('a schema enforcement error gets MLflow 3.17\'s full text and answers 400 INVALID_PARAMETER_VALUE without a stack trace', () => {
    const error = mlflowPredictError(jsfuncError('ERR_SCHEMA_ENFORCEMENT', 'Shape of input (1, 3) does not match expected shape (-1, 10).'), data, signature);
    expect(httpErrorBody(error, 'mlflow', true)).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        // the exact body `mlflow models serve` answers for this request (jsfunc_code aside)
        message:
          "Failed to predict data '[[1. 2. 3.]]'. \nError: Failed to enforce schema of data '[[1. 2. 3.]]' with schema '[Tensor('float32', (-1, 10))]'. Error: Shape of input (1, 3) does not match expected shape (-1, 10).",
        jsfunc_code: 'ERR_SCHEMA_ENFORCEMENT',
      },
    });
  });

  it('a params error is prefixed with the data only; other errors pass through unchanged', () => {
    const params = mlflowPredictError(jsfuncError('ERR_PARAMS_INVALID', 'bad param'), data, signature) as Error;
    expect(params.message).toBe("Failed to predict data '[[1. 2. 3.]]'. \nError: bad param");
    const other = new Error('boom');
    expect(mlflowPredictError(other, data, signature)).toBe(other);
  });
});
