import { describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { parseMlflowModelUri } from './parse-mlflow-model-uri.js';

describe('parseMlflowModelUri', () => {
  it('parses every MLflow model URI form', () => {
    expect(parseMlflowModelUri('runs:/0123abcd/model')).toMatchObject({ kind: 'run', runId: '0123abcd', path: 'model' });
    expect(parseMlflowModelUri('runs:/0123abcd/nested/model')).toMatchObject({ kind: 'run', path: 'nested/model' });
    expect(parseMlflowModelUri('models:/fraud/3')).toMatchObject({ kind: 'version', name: 'fraud', version: '3' });
    expect(parseMlflowModelUri('models:/fraud@champion')).toMatchObject({ kind: 'alias', name: 'fraud', alias: 'champion' });
    expect(parseMlflowModelUri('models:/fraud/latest')).toMatchObject({ kind: 'latest', name: 'fraud' });
    expect(parseMlflowModelUri('models:/m-0123456789abcdef0123456789abcdef')).toMatchObject({
      kind: 'logged-model',
      modelId: 'm-0123456789abcdef0123456789abcdef',
    });
    expect(parseMlflowModelUri('models:/my%20model/2')).toMatchObject({ name: 'my model', version: '2' });
  });

  it.each([
    ['s3://bucket/model', 'expected a runs:/ or models:/ URI'],
    ['models:/fraud', 'expected a version'],
    ['models:/fraud/Production', 'use an alias'],
    ['runs:/abc/../../etc', '".."'],
    ['models://profile@databricks/x/1', 'authority'],
  ])('refuses %s with ERR_TRACKING_URI_INVALID', (uri, fragment) => {
    try {
      parseMlflowModelUri(uri);
      expect.unreachable();
    } catch (error) {
      expect(JsfuncError.isInstance(error, 'ERR_TRACKING_URI_INVALID')).toBe(true);
      expect((error as Error).message).toContain(fragment);
    }
  });
});
