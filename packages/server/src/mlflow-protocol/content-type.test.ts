import { describe, expect, it } from 'vitest';
import { parseInvocationContentType } from './content-type.js';

describe('parseInvocationContentType (MLflow 415 rules, F7)', () => {
  it('accepts application/json and text/csv, with a UTF-8 charset', () => {
    expect(parseInvocationContentType('application/json')).toBe('json');
    expect(parseInvocationContentType('application/json; charset=UTF-8')).toBe('json');
    expect(parseInvocationContentType('text/csv')).toBe('csv');
  });

  it('refuses other types with the list MLflow prints', () => {
    expect(() => parseInvocationContentType('not_a_supported_content_type')).toThrow(
      "This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got 'not_a_supported_content_type'.",
    );
    expect(() => parseInvocationContentType(undefined)).toThrow(/only supports the following content types/);
  });

  it('refuses unknown parameters and non-UTF-8 charsets', () => {
    expect(() => parseInvocationContentType('application/json; something=something')).toThrow(
      /Unrecognized content type parameters: something/,
    );
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
