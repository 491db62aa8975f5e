import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import { ColSpec } from './col-spec.js';
import { inferSignature } from './infer-signature.js';
import { TensorSpec } from './tensor-spec.js';

describe('inferSignature', () => {
  it('maps JS scalars to MLflow types', () => {
    const signature = inferSignature({ a: 1, b: 1.5, c: true, d: 's', e: new Uint8Array([1]), f: new Date(0), g: 2n });
    expect(signature.inputs?.toJsonString()).toBe(
      '[{"type": "long", "name": "a", "required": true}, {"type": "double", "name": "b", "required": true}, {"type": "boolean", "name": "c", "required": true}, {"type": "string", "name": "d", "required": true}, {"type": "binary", "name": "e", "required": true}, {"type": "datetime", "name": "f", "required": true}, {"type": "long", "name": "g", "required": true}]',
    );
    expect(signature.outputs).toBeUndefined();
  });

  it('records: missing keys and nulls make columns optional; long + double merge to double', () => {
    const signature = inferSignature([{ a: 1, b: 'x' }, { a: 2.5 }, { a: 3, b: null }]);
    const [a, b] = signature.inputs?.inputs as ColSpec[];
    expect(a?.type).toBe('double');
    expect(a?.required).toBe(true);
    expect(b?.type).toBe('string');
    expect(b?.required).toBe(false);
  });

  it('C10: {"a": null} infers an optional Any column; {"a": [null, "s"]} an optional Array(string)', () => {
    expect(inferSignature({ a: null }).inputs?.toJsonString()).toBe('[{"type": "any", "name": "a", "required": false}]');
    expect(inferSignature({ a: [null, 's'] }).inputs?.toJsonString()).toBe(
      '[{"type": "array", "items": {"type": "string"}, "name": "a", "required": false}]',
    );
  });

  it('nested arrays and objects become Array and Object types', () => {
    const signature = inferSignature({ messages: [{ role: 'user', content: 'hi' }] });
    expect(signature.inputs?.toJsonString()).toBe(
      '[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]',
    );
  });

  it('typed arrays and tensors become TensorSpecs with a variable first dimension', () => {
    const unnamed = inferSignature({ dtype: 'float32', shape: [4, 28, 28], data: new Float32Array(4 * 28 * 28) });
    expect(unnamed.inputs?.inputs[0]).toEqual(new TensorSpec('float32', [-1, 28, 28]));
    const named = inferSignature({ x: new BigInt64Array(3), y: { dtype: 'string', shape: [2], data: ['a', 'b'] } }, new Float64Array(3));
    expect(named.inputs?.toJsonString()).toBe(
      '[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}, {"name": "y", "type": "tensor", "tensor-spec": {"dtype": "str", "shape": [-1]}}]',
    );
    expect(named.outputs?.toJsonString()).toBe('[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]');
  });

  it('tables infer from typed columns; scalars and lists of scalars give unnamed columns', () => {
    const fromTable = inferSignature({
      kind: 'table',
      table: { columns: ['i', 'f'], data: { i: new Int32Array(2), f: new Float32Array(2) }, rowCount: 2 },
    });
    expect(fromTable.inputs?.toJsonString()).toBe(
      '[{"type": "integer", "name": "i", "required": true}, {"type": "float", "name": "f", "required": true}]',
    );
    expect(inferSignature('hello').inputs?.toJsonString()).toBe('[{"type": "string", "required": true}]');
    expect(inferSignature(['a', 'b'], [0.5]).outputs?.toJsonString()).toBe('[{"type": "double", "required": true}]');
  });

  it('params: scalar shape null, arrays shape [-1], values are defaults', () => {
    const signature = inferSignature('x', undefined, { temperature: 0.5, top_k: 3, stop: ['a'], flag: true });
    expect(signature.params?.toJsonString()).toBe(
      '[{"name": "temperature", "default": 0.5, "shape": null, "type": "double"}, {"name": "top_k", "default": 3, "shape": null, "type": "long"}, {"name": "stop", "default": ["a"], "shape": [-1], "type": "string"}, {"name": "flag", "default": true, "shape": null, "type": "boolean"}]',
    );
  });

  it('rejects values of incompatible types with ERR_SIGNATURE_INFERENCE', () => {
    let caught: unknown;
    try {
      inferSignature([{ a: 1 }, { a: 'x' }]);
    } catch (error) {
      caught = error;
    }
    expect(JsfuncError.isInstance(caught, 'ERR_SIGNATURE_INFERENCE')).toBe(true);
  });
});
