import { describe, expect, it } from 'vitest';
import { YamlFloat } from '../mlmodel/pyyaml-emitter.js';
import { isoFormat, pythonJsonDumps, pythonRepr, pythonStr, pythonTuple, pythonTypeName } from './python-format.js';

describe('python-format', () => {
  it('pythonJsonDumps matches json.dumps defaults', () => {
    // python3 -c 'import json; print(json.dumps({"a": [1, 2.5, None, True], "é": "\u4e2d\n", "f": 1.0, "n": float("nan")}))'
    expect(pythonJsonDumps({ a: [1, 2.5, null, true], '\u00e9': '\u4e2d\n', f: new YamlFloat(1), n: new YamlFloat(Number.NaN) })).toBe(
      '{"a": [1, 2.5, null, true], "\\u00e9": "\\u4e2d\\n", "f": 1.0, "n": NaN}',
    );
    expect(pythonJsonDumps('\u{1F600}')).toBe('"\\ud83d\\ude00"');
    expect(pythonJsonDumps(1e-5)).toBe('1e-05');
  });
  it('repr, str, tuples and type names', () => {
    expect(pythonRepr(['a', "it's", 1, null])).toBe(`['a', "it's", 1, None]`);
    expect(pythonStr(true)).toBe('True');
    expect(pythonStr([1, 'x'])).toBe("[1, 'x']");
    expect(pythonTuple([-1])).toBe('(-1,)');
    expect(pythonTuple([])).toBe('()');
    expect(pythonTuple([1, 4])).toBe('(1, 4)');
    expect([1, 1.5, 'x', null, [], {}, new Uint8Array(), new Float32Array(), new Set()].map(pythonTypeName)).toEqual([
      'int', 'float', 'str', 'NoneType', 'list', 'dict', 'bytes', 'ndarray', 'set',
    ]);
    expect(isoFormat(new Date(Date.UTC(2023, 5, 26, 1, 2, 3, 4)))).toBe('2023-06-26T01:02:03.004000');
  });
});
