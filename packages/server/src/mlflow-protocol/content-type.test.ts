import { describe, expect, it } from 'vitest';
import { parseInvocationContentType } from './content-type.js';

describe('parseInvocationContentType (MLflow 415 rules, F7)', () => {
  it('accepts application/json, text/csv and Parquet, with a UTF-8 charset', () => {
    expect(parseInvocationContentType('application/json')).toBe('json');
    expect(parseInvocationContentType('application/json; charset=UTF-8')).toBe('json');
    expect(parseInvocationContentType('text/csv')).toBe('csv');
    expect(parseInvocationContentType('application/vnd.apache.parquet')).toBe('parquet');
  });

  it('refuses other types with the list MLflow 3.17 prints', () => {
    expect(() => parseInvocationContentType('not_a_supported_content_type')).toThrow(
      "This predictor only supports the following content types: Types: ['text/csv', 'application/json', 'application/vnd.apache.parquet']. Got 'not_a_supported_content_type'.",
    );
    expect(() => parseInvocationContentType(undefined)).toThrow(/only supports the following content types/);
  });

  it('refuses unknown parameters and non-UTF-8 charsets', () => {
    expect(() => parseInvocationContentType('application/json; something=something')).toThrow(
      "Unrecognized content type parameters: something. IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0.",
    );
    expect(() => parseInvocationContentType('application/json; Format=pandas-split')).toThrow(
      /If you are making a request using the MLflow client \(e\.g\. via `mlflow\.pyfunc\.spark_udf\(\)`\), upgrade your MLflow client to a version >= 2\.0 in order to use the new request format\. For more information about the updated MLflow Model scoring protocol in MLflow 2\.0, see https:\/\/mlflow\.org\/docs\/latest\/models\.html#deploy-mlflow-models\.$/,
    );
    expect(() => parseInvocationContentType('application/json; Format=pandas-split')).toThrow('Unrecognized content type parameters: Format.');
    expect(() => parseInvocationContentType('application/json; charset=latin-1')).toThrow('The scoring server only supports UTF-8');
  });

  it('raises ERR_SERVER_UNSUPPORTED_MEDIA_TYPE, which the status table answers with 415', () => {
    try {
      parseInvocationContentType('text/plain');
    } catch (error) {
      expect((error as { code: string }).code).toBe('ERR_SERVER_UNSUPPORTED_MEDIA_TYPE');
    }
  });
});
