import { describe, expect, it } from 'vitest';
import { jsfuncError } from '@jsfunc/core';
import { errorStatusFor } from './error-status.js';
import { httpErrorBody } from './http-error-body.js';

describe('error status table', () => {
  it('maps core and server codes to MLflow statuses', () => {
    expect(errorStatusFor(jsfuncError('ERR_SCHEMA_ENFORCEMENT', 'x'))).toEqual({ status: 400, mlflowErrorCode: 'BAD_REQUEST' });
    expect(errorStatusFor(jsfuncError('ERR_PARAMS_INVALID', 'x')).status).toBe(400);
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

  it('OIP bodies are {"error"}', () => {
    expect(httpErrorBody(jsfuncError('ERR_SERVER_MODEL_NOT_FOUND', 'Model my-model with version v0 not found'), 'oip')).toEqual({
      status: 404,
      body: { error: 'Model my-model with version v0 not found' },
    });
  });
});
