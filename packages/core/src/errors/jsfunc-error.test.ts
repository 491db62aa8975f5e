import { describe, expect, it } from 'vitest';
import { JsfuncError, jsfuncError } from './jsfunc-error.js';

describe('JsfuncError', () => {
  it('carries a stable code, typed details, a cause and a JSON view', () => {
    const cause = new Error('disk full');
    const error = jsfuncError('ERR_MODEL_INTEGRITY', 'changed', { file: 'model.onnx' }, cause);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ERR_MODEL_INTEGRITY');
    expect(error.details.file).toBe('model.onnx');
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'ERR_MODEL_INTEGRITY', message: 'changed', details: { file: 'model.onnx' } });
  });

  it('isInstance recognises errors from a second copy of @jsfunc/core (and checks the code)', async () => {
    // A second, independent copy of the module (another URL means another module instance and
    // another class), as when two versions of core sit in one dependency tree.
    const url = new URL('../../dist/errors/jsfunc-error.js', import.meta.url);
    const copyA = (await import(`${url.href}?copy=a`)) as typeof import('./jsfunc-error.js');
    const copyB = (await import(`${url.href}?copy=b`)) as typeof import('./jsfunc-error.js');
    expect(copyA.JsfuncError).not.toBe(copyB.JsfuncError);
    const fromA = copyA.jsfuncError('ERR_FLAVOR_NOT_INSTALLED', 'install it');
    expect(fromA instanceof copyB.JsfuncError).toBe(false);
    expect(copyB.JsfuncError.isInstance(fromA)).toBe(true);
    expect(JsfuncError.isInstance(fromA, 'ERR_FLAVOR_NOT_INSTALLED')).toBe(true);
    expect(JsfuncError.isInstance(fromA, 'ERR_MODEL_INTEGRITY')).toBe(false);
    expect(JsfuncError.isInstance(new Error('plain'))).toBe(false);
    expect(JsfuncError.isInstance({ code: 'ERR_FAKE', message: 'duck typed' })).toBe(false);
    expect(JsfuncError.isInstance(null)).toBe(false);
  });
});
