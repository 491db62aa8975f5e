import { describe, expect, it } from 'vitest';
import { jsfuncError } from '@jsfunc/core';
import { errorStatusFor } from './error-status.js';
import { httpErrorBody } from './http-error-body.js';

describe('error status table', () => {
  it('maps core and server codes to MLflow statuses', () => {
    expect(errorStatusFor(jsfuncError('ERR_SCHEMA_ENFORCEMENT', 'x'))).toEqual({ status: 400, mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    expect(errorStatusFor(jsfuncError('ERR_PARAMS_INVALID', 'x'))).toEqual({ status: 400, mlflowErrorCode: 'INVALID_PARAMETER_VALUE' });
    expect(errorStatusFor(jsfuncError('ERR_SERVER_PARQUET_PARSE', 'x'))).toEqual({ status: 400, mlflowErrorCode: 'BAD_REQUEST' });
    expect(errorStatusFor(jsfuncError('ERR_SERVER_TIMEOUT', 'x'))).toEqual({ status: 504, mlflowErrorCode: 'DEADLINE_EXCEEDED' });
    expect(errorStatusFor(jsfuncError('ERR_SERVER_QUEUE_FULL', 'x')).status).toBe(503);
    expect(errorStatusFor(new Error('boom')).status).toBe(500);
  });

  it('an unknown error from a model is MLflow\'s 400 with a stack trace', () => {
    const { status, body } = httpErrorBody(new Error('Got invalid dimensions'), 'mlflow', true);
    expect(status).toBe(400);
    expect(body.error_code).toBe('BAD_REQUEST');
    expect(body.message).toContain('Encountered an unexpected error while evaluating the model');
    expect(body.stack_trace).toBeTypeOf('string');
  });

  it('a schema enforcement error from a model is 400 INVALID_PARAMETER_VALUE without a stack trace, like MLflow', () => {
    const { status, body } = httpErrorBody(jsfuncError('ERR_SCHEMA_ENFORCEMENT', 'Shape of input (1, 3) does not match expected shape (-1, 10).'), 'mlflow', true);
    expect(status).toBe(400);
    expect(body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Shape of input (1, 3) does not match expected shape (-1, 10).',
      jsfunc_code: 'ERR_SCHEMA_ENFORCEMENT',
    });
  });

  it('a 415 is a JSON body with MLflow\'s message text (MLflow itself answers text/plain)', () => {
    const { status, body } = httpErrorBody(jsfuncError('ERR_SERVER_UNSUPPORTED_MEDIA_TYPE', 'The scoring server only supports UTF-8'), 'mlflow');
    expect(status).toBe(415);
    expect(body).toEqual({ error_code: 'BAD_REQUEST', message: 'The scoring server only supports UTF-8', jsfunc_code: 'ERR_SERVER_UNSUPPORTED_MEDIA_TYPE' });
  });

  it('OIP bodies are {"error"}', () => {
    expect(httpErrorBody(jsfuncError('ERR_SERVER_MODEL_NOT_FOUND', 'Model my-model with version v0 not found'), 'oip')).toEqual({
      status: 404,
      body: { error: 'Model my-model with version v0 not found' },
    });
  });
});
