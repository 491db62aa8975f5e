import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import {
  YamlFloat,
  compareCodePoints,
  dumpYaml,
  pythonFloatRepr,
  resolvesToPlainString,
} from './pyyaml-emitter.js';

interface GoldenCase {
  name: string;
  input: unknown;
  output: string;
  shared?: Record<string, unknown>;
}

const golden = JSON.parse(
  readFileSync(new URL('./__fixtures__/pyyaml-golden.json', import.meta.url), 'utf8'),
) as { pyyaml: string; cases: GoldenCase[] };

/** Decodes the golden input encoding ($float, $int, $ref) into the JS value to write. */
function decode(value: unknown, shared: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => decode(item, shared));
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1) {
      if (typeof record.$float === 'string') return new YamlFloat(Number(record.$float.replace('inf', 'Infinity')));
      if (typeof record.$int === 'string') return BigInt(record.$int);
      if (typeof record.$ref === 'string') return shared[record.$ref];
    }
    return Object.fromEntries(keys.map((key) => [key, decode(record[key], shared)]));
  }
  return value;
}

describe('dumpYaml against PyYAML golden output', () => {
  it('has a broad golden table', () => {
    expect(golden.cases.length).toBeGreaterThan(1000);
  });
  for (const entry of golden.cases) {
    it(entry.name, () => {
      const shared: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(entry.shared ?? {})) shared[name] = decode(value, {});
      expect(dumpYaml(decode(entry.input, shared))).toBe(entry.output);
    });
  }
});

describe('dumpYaml JavaScript specifics', () => {
  it('writes integer-valued numbers as int and others as Python floats', () => {
    expect(dumpYaml({ a: 1, b: 1.5, c: 1e-5, d: new YamlFloat(1), e: Number.NaN, f: -Infinity })).toBe(
      "a: 1\nb: 1.5\nc: 1.0e-05\nd: 1.0\ne: .nan\nf: -.inf\n",
    );
  });
  it('writes bigints and Maps with string keys', () => {
    expect(dumpYaml(new Map<string, unknown>([['z', 2n ** 64n], ['a', []]]))).toBe('a: []\nz: 18446744073709551616\n');
  });
  it('writes a cyclic structure with an anchor and an alias, like PyYAML', () => {
    const loop: unknown[] = [1];
    loop.push(loop);
    // python3 -c "import yaml; a=[1]; a.append(a); print(yaml.safe_dump(a), end='')"
    expect(dumpYaml(loop)).toBe('&id001\n- 1\n- *id001\n');
  });
  it('rejects values that are not plain data with ERR_YAML_UNSUPPORTED_VALUE', () => {
    for (const bad of [undefined, () => 1, new Date(0), Symbol('x')]) {
      let caught: unknown;
      try {
        dumpYaml({ a: { b: bad } });
      } catch (error) {
        caught = error;
      }
      expect(JsfuncError.isInstance(caught, 'ERR_YAML_UNSUPPORTED_VALUE')).toBe(true);
      expect((caught as JsfuncError).details.path).toBe('a.b');
    }
  });
  it('formats floats like Python repr', () => {
    expect(pythonFloatRepr(1e16)).toBe('1e+16');
    expect(pythonFloatRepr(1e15)).toBe('1000000000000000.0');
    expect(pythonFloatRepr(0.0001)).toBe('0.0001');
    expect(pythonFloatRepr(0.00001)).toBe('1e-05');
    expect(pythonFloatRepr(-0)).toBe('-0.0');
    expect(pythonFloatRepr(5e-324)).toBe('5e-324');
  });
  it('sorts keys by code point like Python', () => {
    expect(['\uff5e', '\u{1F600}', 'a'].sort(compareCodePoints)).toEqual(['a', '\uff5e', '\u{1F600}']);
  });
  it('knows which plain scalars PyYAML would not read back as strings', () => {
    expect(resolvesToPlainString('2023-10-12 08:09:24.123456')).toBe(false);
    expect(resolvesToPlainString('yes')).toBe(false);
    expect(resolvesToPlainString('1e5')).toBe(true);
    expect(resolvesToPlainString('3.10.19')).toBe(true);
  });
});
