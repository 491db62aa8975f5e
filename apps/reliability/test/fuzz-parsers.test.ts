/**
 * Fuzz targets for the parsers that read untrusted input: the MLmodel parser (loadYaml, parseMLmodel,
 * dumpYaml/serializeMLmodel round trips) and the server's request parsers (MLflow JSON and CSV,
 * OIP JSON and binary). Properties: they either return or throw a JsfuncError (never a TypeError,
 * RangeError or stack overflow), every call returns within a bound, and round trips keep the data.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { JsfuncError, dumpYaml, loadYaml, parseMLmodel, serializeMLmodel } from '@jsfunc/core';
import { inferRequestToModelData, parseInferRequest, parseInvocationCsv, parseInvocationJson, parseSignatureView, type SignatureView } from '@jsfunc/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../src/index.js';
import { FUZZ_SEED, fuzzParameters } from './fuzz-config.js';

/** The longest one parser call may take (it never hangs: inputs here are at most a few KiB). */
const CALL_LIMIT_MS = 2_000;
let slowest = 0;

/** Calls `work`; passes when it returns or throws a JsfuncError, in under CALL_LIMIT_MS. */
function onlyJsfuncErrors(work: () => unknown): void {
  const started = performance.now();
  try {
    work();
  } catch (error) {
    if (!JsfuncError.isInstance(error)) {
      throw new Error(`threw a ${(error as Error)?.constructor?.name ?? typeof error} instead of a JsfuncError: ${(error as Error)?.message ?? String(error)}`, { cause: error });
    }
  } finally {
    const elapsed = performance.now() - started;
    slowest = Math.max(slowest, elapsed);
    if (elapsed > CALL_LIMIT_MS) throw new Error(`one call took ${elapsed.toFixed(0)} ms (limit ${CALL_LIMIT_MS} ms)`);
  }
}

const MLMODEL_DIRECTORY = path.join(FIXTURES, 'mlmodel');
const MLMODEL_TEXTS = readdirSync(MLMODEL_DIRECTORY)
  .filter((file) => file.endsWith('.MLmodel'))
  .map((file) => readFileSync(path.join(MLMODEL_DIRECTORY, file), 'utf8'));

function signatureOf(text: string): SignatureView | undefined {
  return parseSignatureView(parseMLmodel(text).signature);
}
const SIGNATURES: Array<SignatureView | undefined> = [
  undefined,
  signatureOf(readFileSync(path.join(FIXTURES, 'mlflow-onnx-model-2.8.1', 'MLmodel'), 'utf8')), // tensor f32[-1,10]
  ...MLMODEL_TEXTS.map((text) => signatureOf(text)).filter((s) => s !== undefined), // column and tensor schemas, params
];

/** Text that looks like YAML: keys, lists, flow collections, quotes, anchors, tags, odd indentation. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('flavors:', 'signature:', '  inputs: ', '- ', '  - ', '{', '}', '[', ']', ': ', ', ', '"', "'", '&a ', '*a', '!!python/object ', '!!binary ', '? ', '|', '>', '#', '\n', '\n  ', '\t', '---\n', '...\n', '%YAML 1.1\n', '<<: *a\n', '~', 'null', '.nan', '-.inf', '0x1F', '1e400', '0o17', '2024-01-01'),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** A real MLmodel with bytes cut, flipped or spliced. */
const mutatedMLmodel = fc
  .tuple(fc.constantFrom(...MLMODEL_TEXTS), fc.nat(), fc.nat(), fc.string({ maxLength: 6 }), fc.constantFrom('truncate', 'splice', 'delete'))
  .map(([text, a, b, insert, kind]) => {
    const i = a % (text.length + 1);
    const j = Math.min(text.length, i + (b % 20));
    if (kind === 'truncate') return text.slice(0, i);
    if (kind === 'splice') return text.slice(0, i) + insert + text.slice(i);
    return text.slice(0, i) + text.slice(j);
  });

/**
 * Documented behaviour, not data loss: an integer-valued number past 2^53 is written as a YAML int
 * (as PyYAML writes a Python int) and read back as a bigint of exactly the same value.
 */
function numbersOf(value: unknown): unknown {
  if (typeof value === 'bigint') {
    expect(BigInt(Number(value))).toBe(value);
    return Number(value);
  }
  if (Array.isArray(value)) return value.map(numbersOf);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersOf(v)]));
  return value;
}

/** Plain data MLmodel files carry: strings, finite numbers, booleans, null, lists and mappings. */
const yamlData: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('MLmodel parser fuzz (loadYaml, parseMLmodel, dumpYaml)', () => {
  it('loadYaml on YAML-like text: a value or ERR_YAML_INVALID, never another error', () => {
    fc.assert(fc.property(yamlish, (text) => onlyJsfuncErrors(() => loadYaml(text))), fuzzParameters(3_000));
  });

  it('loadYaml and parseMLmodel on arbitrary unicode text: never another error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        onlyJsfuncErrors(() => loadYaml(text));
        onlyJsfuncErrors(() => parseMLmodel(text));
      }),
      fuzzParameters(3_000),
    );
  });

  it('parseMLmodel on truncated, spliced and cut real MLmodel files: a model or ERR_MLMODEL_INVALID', () => {
    fc.assert(
      fc.property(mutatedMLmodel, (text) =>
        onlyJsfuncErrors(() => {
          try {
            parseMLmodel(text);
          } catch (error) {
            expect(JsfuncError.isInstance(error) && error.code).toMatch(/^ERR_(MLMODEL|YAML)_/);
            throw error;
          }
        }),
      ),
      fuzzParameters(3_000),
    );
  });

  it('deep nesting (flow 10 000 levels, block 1 000) is refused or read, never a stack overflow', () => {
    for (const depth of [100, 1_000, 10_000]) {
      onlyJsfuncErrors(() => loadYaml(`${'['.repeat(depth)}1${']'.repeat(depth)}`));
      onlyJsfuncErrors(() => loadYaml(`${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`));
      // block style: indentation grows with depth, so 1 000 levels is already a 1 MB document
      if (depth <= 1_000) onlyJsfuncErrors(() => loadYaml(Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k:`).join('\n') + ' 1'));
      onlyJsfuncErrors(() => parseMLmodel(`flavors:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`));
    }
  });

  it('dumpYaml -> loadYaml round trip keeps any plain data', () => {
    fc.assert(
      fc.property(yamlData, (value) => {
        const text = dumpYaml(value);
        expect(numbersOf(loadYaml(text))).toEqual(value);
      }),
      fuzzParameters(2_000),
    );
  });

  it('serializeMLmodel -> parseMLmodel round trip keeps flavors, extra keys and the signature', () => {
    const mlmodel = fc.record({
      flavors: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/), fc.dictionary(fc.string({ minLength: 1 }), yamlData, { maxKeys: 4 }), { minKeys: 1, maxKeys: 3 }),
      extra: fc.dictionary(fc.stringMatching(/^x_[a-z0-9_]{1,10}$/), yamlData, { maxKeys: 3 }),
      base: fc.constantFrom(...MLMODEL_TEXTS),
    });
    fc.assert(
      fc.property(mlmodel, ({ flavors, extra, base }) => {
        const parsed = parseMLmodel(base);
        const model = { ...parsed, ...extra, flavors: { ...parsed.flavors, ...flavors } };
        const again = parseMLmodel(serializeMLmodel(model));
        expect(again).toEqual(parseMLmodel(serializeMLmodel(again)));
        expect(numbersOf(again.flavors)).toEqual(model.flavors);
        for (const [key, value] of Object.entries(extra)) expect(numbersOf(again[key])).toEqual(value);
        expect(again.signature).toEqual(parsed.signature);
      }),
      fuzzParameters(1_000),
    );
  });
});

/** JSON-ish text: the MLflow body keys, numbers at the edges, broken syntax. */
const jsonTokens = fc.constantFrom(
  '{', '}', '[', ']', ',', ':', '"', 'null', 'true', 'false', '1e309', '-1e309', '1e-400', '9007199254740993', '-0', '0.1', '"NaN"', 'NaN', 'Infinity',
  '"inputs"', '"instances"', '"dataframe_split"', '"dataframe_records"', '"columns"', '"data"', '"index"', '"params"', '"messages"', '"prompt"',
  '"input"', '"Gender"', '"Age"', '"name"', '"shape"', '"datatype"', '"FP32"', '"BYTES"', '"INT64"', '"BOOL"', '"parameters"', '"outputs"', '"binary_data_size"', '\\u0000', '\\ud800', ' ',
);
const jsonish = fc.array(fc.oneof({ weight: 4, arbitrary: jsonTokens }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 60 }).map((parts) => parts.join(''));

/** Well-formed JSON bodies with wrong types and shapes in the right places. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const mlflowBody = fc.oneof(
  fc.record({ inputs: anyJson }, { requiredKeys: [] }),
  fc.record({ instances: anyJson, params: anyJson }, { requiredKeys: ['instances'] }),
  fc.record({ dataframe_split: fc.record({ columns: anyJson, data: anyJson, index: anyJson }, { requiredKeys: [] }) }),
  fc.record({ dataframe_records: anyJson }),
  fc.record({ inputs: fc.array(fc.array(fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.string()), { maxLength: 12 }), { maxLength: 4 }) }),
  fc.dictionary(fc.constantFrom('inputs', 'instances', 'dataframe_split', 'params', 'messages', 'prompt', 'x'), anyJson),
  anyJson,
);

describe('MLflow request parser fuzz (parseInvocationJson, parseInvocationCsv)', () => {
  it('malformed and truncated JSON text: a request or a JsfuncError (400 family)', () => {
    fc.assert(
      fc.property(jsonish, fc.constantFrom(...SIGNATURES), (text, signature) => onlyJsfuncErrors(() => parseInvocationJson(text, signature))),
      fuzzParameters(4_000),
    );
  });

  it('well-formed JSON with wrong types, huge numbers, wrong shapes: a request or a JsfuncError', () => {
    fc.assert(
      fc.property(mlflowBody, fc.constantFrom(...SIGNATURES), fc.nat(), (body, signature, cut) => {
        const text = JSON.stringify(body) ?? 'null';
        onlyJsfuncErrors(() => parseInvocationJson(text, signature));
        onlyJsfuncErrors(() => parseInvocationJson(text.slice(0, cut % (text.length + 1)), signature)); // truncated
      }),
      fuzzParameters(4_000),
    );
  });

  it('deeply nested JSON (100 000 levels) is refused with a JsfuncError, not a stack overflow', () => {
    for (const signature of SIGNATURES) {
      for (const depth of [1_000, 100_000]) {
        onlyJsfuncErrors(() => parseInvocationJson(`{"inputs": ${'['.repeat(depth)}1${']'.repeat(depth)}}`, signature));
        onlyJsfuncErrors(() => parseInvocationJson(`{"dataframe_records": [${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}`, signature));
      }
    }
  });

  it('CSV text of any shape: a table or a JsfuncError', () => {
    const csvish = fc.array(fc.oneof(fc.constantFrom(',', '\n', '\r\n', '"', '""', 'Gender', 'Age', 'AnnualSalary', '1', '-1e309', 'nan', 'x'), fc.string({ maxLength: 5 })), { maxLength: 50 }).map((p) => p.join(''));
    fc.assert(
      fc.property(csvish, fc.constantFrom(...SIGNATURES), (text, signature) => onlyJsfuncErrors(() => parseInvocationCsv(text, signature?.inputs))),
      fuzzParameters(4_000),
    );
  });

  it('round trip: a numeric "inputs" matrix comes back as a float tensor of the same values', () => {
    const matrix = fc.integer({ min: 1, max: 8 }).chain((columns) =>
      fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).filter((x) => !Object.is(x, -0)), { minLength: columns, maxLength: columns }), { minLength: 1, maxLength: 8 }),
    );
    fc.assert(
      fc.property(matrix, (rows) => {
        const request = parseInvocationJson(JSON.stringify({ inputs: rows }), undefined);
        expect(request.data.kind).toBe('tensor');
        if (request.data.kind !== 'tensor') return;
        expect(request.data.tensor.shape).toEqual([rows.length, rows[0]!.length]);
        expect(Array.from(request.data.tensor.data as ArrayLike<number>)).toEqual(rows.flat());
      }),
      fuzzParameters(2_000),
    );
  });
});

const OIP_TYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
const oipInput = fc.record(
  {
    name: fc.oneof(fc.constantFrom('input', 'Gender', 'x'), fc.string({ maxLength: 5 }), anyJson),
    datatype: fc.oneof(fc.constantFrom(...OIP_TYPES), anyJson),
    shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 4 }), anyJson),
    data: fc.oneof(fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 3 })), { maxLength: 24 }), anyJson),
    parameters: fc.oneof(fc.record({ binary_data_size: fc.oneof(fc.integer({ min: -8, max: 200 }), anyJson) }, { requiredKeys: [] }), anyJson),
  },
  { requiredKeys: [] },
);
const oipBody = fc.record({ id: anyJson, inputs: fc.oneof(fc.array(oipInput, { maxLength: 3 }), anyJson), outputs: anyJson, parameters: anyJson }, { requiredKeys: [] });

describe('OIP request parser fuzz (parseInferRequest, inferRequestToModelData)', () => {
  const parseAll = (body: Uint8Array, jsonLength: number | undefined, signature: SignatureView | undefined) =>
    onlyJsfuncErrors(() => inferRequestToModelData(parseInferRequest(body, jsonLength, signature), signature));

  it('JSON requests with wrong types, shapes and datatypes: a request or a JsfuncError', () => {
    fc.assert(
      fc.property(oipBody, fc.constantFrom(...SIGNATURES), (body, signature) => parseAll(Buffer.from(JSON.stringify(body)), undefined, signature)),
      fuzzParameters(4_000),
    );
  });

  it('binary extension with wrong header lengths and byte sizes: a request or a JsfuncError', () => {
    fc.assert(
      fc.property(oipBody, fc.uint8Array({ maxLength: 200 }), fc.integer({ min: -10, max: 600 }), fc.constantFrom(...SIGNATURES), (body, binary, delta, signature) => {
        const header = Buffer.from(JSON.stringify(body));
        const whole = Buffer.concat([header, binary]);
        parseAll(whole, header.length, signature);
        parseAll(whole, header.length + delta, signature); // header length off by delta (also past the end)
        parseAll(whole, Number.NaN, signature);
        parseAll(binary, 0, signature); // raw body, described by the signature
      }),
      fuzzParameters(3_000),
    );
  });

  it('malformed JSON text: a JsfuncError', () => {
    fc.assert(fc.property(jsonish, fc.constantFrom(...SIGNATURES), (text, signature) => parseAll(Buffer.from(text), undefined, signature)), fuzzParameters(4_000));
  });

  it('round trip: FP32 data as JSON and as binary gives the same tensor', () => {
    const tensor = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.float32Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1), noNaN: true, noDefaultInfinity: true })),
    );
    fc.assert(
      fc.property(tensor, ([shape, values]) => {
        const clean = Float32Array.from(values, (x) => (Object.is(x, -0) ? 0 : x));
        const json = parseInferRequest(Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape, datatype: 'FP32', data: Array.from(clean) }] })), undefined);
        const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape, datatype: 'FP32', parameters: { binary_data_size: clean.byteLength } }] }));
        const binary = parseInferRequest(Buffer.concat([header, Buffer.from(clean.buffer)]), header.length);
        for (const parsed of [json, binary]) {
          expect(parsed.inputs[0]!.tensor.shape).toEqual(shape);
          expect(Array.from(parsed.inputs[0]!.tensor.data as Float32Array)).toEqual(Array.from(clean));
        }
      }),
      fuzzParameters(2_000),
    );
  });
});

describe('fuzz run', () => {
  it('reports the seed and the slowest call', () => {
    console.log(`[fuzz-parsers] seed ${FUZZ_SEED}; slowest single parser call ${slowest.toFixed(1)} ms`);
    expect(slowest).toBeLessThan(CALL_LIMIT_MS);
  });
});
