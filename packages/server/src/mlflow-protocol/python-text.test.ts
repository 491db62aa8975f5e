import { describe, expect, it } from 'vitest';
import { numpyArrayText, pandasFrameText, pythonSchemaText, pythonStringRepr, pythonStringSet } from './python-text.js';

describe('python-text: how MLflow messages print values', () => {
  it("repr of strings, and of sets sorted (Python's own set order changes per process)", () => {
    expect(pythonStringRepr('x')).toBe("'x'");
    expect(pythonStringRepr("it's")).toBe('"it\'s"');
    expect(pythonStringRepr('a\'b"c')).toBe("'a\\'b\"c'");
    expect(pythonStringSet(['inputs', 'dataframe_split'])).toBe("{'dataframe_split', 'inputs'}");
    expect(pythonStringSet([])).toBe('set()');
  });

  it('numpy-like array text', () => {
    expect(numpyArrayText({ dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2, 3]) })).toBe('[[1. 2. 3.]]');
    expect(numpyArrayText({ dtype: 'float32', shape: [1, 3], data: new Float32Array([1, 2.5, 3]) })).toBe('[[1.  2.5 3. ]]');
    expect(numpyArrayText({ dtype: 'int64', shape: [2, 2], data: new BigInt64Array([1n, 22n, 3n, 4n]) })).toBe('[[ 1 22]\n [ 3  4]]');
  });

  it('pandas-like frame text and schema repr', () => {
    expect(pandasFrameText({ columns: ['x'], data: { x: [1, 2] }, rowCount: 2 })).toBe('   x\n0  1\n1  2');
    expect(pythonSchemaText({ kind: 'tensors', tensors: [{ name: undefined, dtype: 'float32', shape: [-1, 10] }] })).toBe("[Tensor('float32', (-1, 10))]");
    expect(
      pythonSchemaText({ kind: 'columns', columns: [{ name: 'a', type: 'double', required: true }, { name: 'b', type: 'long', required: false }] }),
    ).toBe("['a': double (required), 'b': long (optional)]");
  });
});
