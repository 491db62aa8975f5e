import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serializeMLmodel } from './mlmodel.js';
import { NOT_SIMPLE, fastLoadYaml } from './pyyaml-fast-loader.js';
import { loadYaml, loadYamlFull } from './pyyaml-loader.js';

const golden = JSON.parse(readFileSync(new URL('./__fixtures__/pyyaml-golden.json', import.meta.url), 'utf8')) as { cases: { name: string; output: string }[] };
const fixtureDir = new URL('../../../../../shared/fixtures/mlmodel/', import.meta.url);
const fixtureTexts = readdirSync(fixtureDir)
  .filter((name) => name.endsWith('MLmodel'))
  .map((name) => ({ name, text: readFileSync(new URL(name, fixtureDir), 'utf8') }));

/** The full loader's answer, or the error it throws. */
function full(text: string): { value?: unknown; error?: unknown } {
  try {
    return { value: loadYamlFull(text) };
  } catch (error) {
    return { error };
  }
}

/** The fast reader either declines or gives exactly what the full loader gives (never accepts what it refuses). */
function expectAgreement(text: string, label: string): boolean {
  const fast = fastLoadYaml(text);
  if (fast === NOT_SIMPLE) return false;
  const expected = full(text);
  expect(expected.error, `${label}: the full loader refuses what the fast reader accepted:\n${text}`).toBeUndefined();
  expect(fast, `${label}:\n${text}`).toStrictEqual(expected.value);
  return true;
}

/** A small deterministic PRNG (mulberry32), so the mutation cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fast MLmodel YAML reader', () => {
  it('reads every MLmodel fixture (MLflow 1.30 to 3.15) itself, exactly as the full loader does', () => {
    expect(fixtureTexts.length).toBeGreaterThanOrEqual(10);
    for (const { name, text } of fixtureTexts) expect(expectAgreement(text, name), `${name} fell back to the full loader`).toBe(true);
  });

  it('reads MLmodel files jsfunc writes itself', () => {
    const text = serializeMLmodel({
      flavors: { js_function: { loader_flavor: 'onnx', loader_package: '@jsfunc/onnx', env: 'package.json' }, onnx: { code: null, providers: ['CPUExecutionProvider'] } },
      signature: { inputs: JSON.stringify([{ name: 'input', type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 10] } }]), outputs: null, params: null },
      metadata: { note: "it's \"quoted\"\nover two lines", empty: '', list: [], map: {}, yes: 'yes', on: true, number: 1.5e-7 },
      utc_time_created: '2026-11-25 16:34:50.012000',
    });
    expect(expectAgreement(text, 'jsfunc MLmodel')).toBe(true);
  });

  it('agrees with the full loader on all PyYAML golden documents it accepts, and accepts most mapping documents', () => {
    let accepted = 0;
    let mappings = 0;
    for (const entry of golden.cases) {
      if (/^\S[^\n]*:( |$)/.test(entry.output)) mappings++;
      if (expectAgreement(entry.output, entry.name)) accepted++;
    }
    // Root scalars and sequences are left to the full loader on purpose; most mapping documents are read.
    expect(accepted).toBeGreaterThan(mappings * 0.6);
  });

  it('declines or agrees on 20,000 mutated documents (cut, duplicated, re-indented, odd characters)', () => {
    const next = random(20261125);
    const pieces = [' ', '  ', '\n', ':', ': ', '- ', "'", '"', '\\', '#', '&a ', '*a', '!!str ', '{', '}', '[]', '{}', '? ', '|', '>', '~', '-1', '0x1F', 'yes', '1e5', '.inf', "''", '\\n', '\\x41', '\t', '<<: ', '---\n', '...\n'];
    const seeds = [...fixtureTexts.map((fixture) => fixture.text), ...golden.cases.filter((entry) => entry.output.includes(':')).map((entry) => entry.output)];
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      let text = seeds[Math.floor(next() * seeds.length)]!;
      const edits = 1 + Math.floor(next() * 3);
      for (let edit = 0; edit < edits; edit++) {
        const at = Math.floor(next() * (text.length + 1));
        const kind = next();
        if (kind < 0.4) text = text.slice(0, at) + pieces[Math.floor(next() * pieces.length)]! + text.slice(at);
        else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 4));
        else if (kind < 0.85) text = text.slice(0, at);
        else {
          const lines = text.split('\n');
          const line = Math.floor(next() * lines.length);
          lines[line] = (next() < 0.5 ? ' ' : '') + lines[line]!.replace(/^ /, next() < 0.5 ? '' : ' ');
          text = lines.join('\n');
        }
      }
      if (expectAgreement(text, `mutation ${round}`)) accepted++;
    }
    // The mutations must exercise the fast reader, not only its fallback.
    expect(accepted).toBeGreaterThan(2_000);
  });

  it('loadYaml answers with the full loader\'s errors for text the fast reader declines', () => {
    expect(() => loadYaml('a: [1, 2\nb: 3\n', 'MLmodel')).toThrow(/MLmodel \(line/);
    expect(loadYaml('a: &x 1\nb: *x\n')).toEqual({ a: 1, b: 1 });
  });
});
