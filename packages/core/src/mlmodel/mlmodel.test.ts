import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '../errors/jsfunc-error.js';
import {
  type MLmodel,
  createModelUuid,
  formatUtcTimeCreated,
  parseMLmodel,
  serializeMLmodel,
} from './mlmodel.js';
import { loadYaml } from './pyyaml-loader.js';
import { thrownJsfuncError as catchError } from '../__tests__/test-helpers.js';

// src/mlmodel -> src -> core -> packages -> main -> work; then shared/fixtures/mlmodel.
const fixturesDirectory = new URL('../../../../../shared/fixtures/mlmodel/', import.meta.url);
const fixtureNames = readdirSync(fixturesDirectory)
  .filter((name) => name.endsWith('.MLmodel'))
  .sort();
const readFixture = (name: string): string => readFileSync(new URL(name, fixturesDirectory), 'utf8');


describe('real MLmodel files (A10)', () => {
  it('finds the ten fixtures', () => {
    expect(fixtureNames).toHaveLength(10);
  });

  for (const name of fixtureNames) {
    it(`A10: ${name} parses and round-trips`, () => {
      const text = readFixture(name);
      const model = parseMLmodel(text, fileURLToPath(new URL(name, fixturesDirectory)));
      expect(Object.keys(model.flavors).length).toBeGreaterThan(0);
      const written = serializeMLmodel(model);
      if (name.startsWith('05_')) {
        // Not written by PyYAML: a hand-made MLflow UI fixture whose `outputs` line is 113
        // characters long; PyYAML folds quoted scalars at column 80, so no safe_dump call can
        // produce this file (checked: yaml.safe_dump(yaml.safe_load(f)) != f). Assert that the
        // meaning survives and that we write what PyYAML writes for it.
        expect(parseMLmodel(written)).toEqual(model);
        expect(written).toContain(
          `  outputs: '[{"type": "tensor", "name": "test_model_output", "tensor-spec": {"dtype":\n    "float64", "shape": [-1]}}]'\n`,
        );
      } else if (name.startsWith('08_')) {
        // SOURCES.md: the original used CRLF and had no final newline; normalised to LF but the
        // missing final newline was kept. PyYAML always ends the document with a newline.
        expect(written).toBe(`${text}\n`);
      } else {
        expect(written).toBe(text);
      }
    });
  }

  it('A10: MLflow 1.x `env: conda.yaml` is a plain string', () => {
    const model = parseMLmodel(readFixture('01_mlflow1.30_sklearn.MLmodel'));
    expect(model.flavors.python_function?.env).toBe('conda.yaml');
    expect(model.utc_time_created).toBe('2024-10-29 07:39:02.032550');
    expect(model.flavors.sklearn?.code).toBeNull();
  });

  it('A10: model_id: null and prompts: null are kept', () => {
    const model = parseMLmodel(readFixture('10_mlflow3.15.1_save_model_local.MLmodel'));
    expect(model.model_id).toBeNull();
    expect(model.prompts).toBeNull();
    expect(model.model_size_bytes).toBe(28104889);
    expect(serializeMLmodel(model)).toContain('model_id: null\n');
  });

  it('A10: quoted version-like strings stay strings', () => {
    const model = parseMLmodel(readFixture('04_mlflow2.12_langchain_resources.MLmodel'));
    expect(model.databricks_runtime).toBe('14.3');
    expect((model.resources as { api_version: unknown }).api_version).toBe('1');
    expect(model.signature?.params).toBeNull();
    expect(model.signature?.inputs).toBe(
      '[{"type": "array", "items": {"type": "object", "properties": {"content": {"type": "string", "required": true}, "role": {"type": "string", "required": true}}}, "name": "messages", "required": true}]',
    );
  });
});

const a1Model: MLmodel = {
  artifact_path: 'model',
  run_id: '123',
  flavors: { flavor1: { a: 1, b: 2 }, flavor2: { x: 1, y: 2 } },
  signature: {
    inputs:
      '[{"type": "integer", "name": "x", "required": true}, {"type": "integer", "name": "y", "required": true}]',
    outputs: '[{"type": "double", "required": true}]',
    params: null,
  },
  saved_input_example_info: { x: 1, y: 2 },
  utc_time_created: '2024-01-02 03:04:05.678000',
  model_uuid: '0123456789abcdef0123456789abcdef',
  mlflow_version: '2.8.1',
  databricks_runtime: '8.3.x',
};

// python3 -c "import yaml; print(yaml.safe_dump(<a1Model as a dict>, default_flow_style=False))"
const a1Yaml = `artifact_path: model
databricks_runtime: 8.3.x
flavors:
  flavor1:
    a: 1
    b: 2
  flavor2:
    x: 1
    y: 2
mlflow_version: 2.8.1
model_uuid: 0123456789abcdef0123456789abcdef
run_id: '123'
saved_input_example_info:
  x: 1
  y: 2
signature:
  inputs: '[{"type": "integer", "name": "x", "required": true}, {"type": "integer",
    "name": "y", "required": true}]'
  outputs: '[{"type": "double", "required": true}]'
  params: null
utc_time_created: '2024-01-02 03:04:05.678000'
`;

describe('MLmodel format cases', () => {
  it('A1: save -> load -> equal object, identical YAML and JSON', () => {
    const text = serializeMLmodel(a1Model);
    expect(text).toBe(a1Yaml);
    const loaded = parseMLmodel(text);
    expect(loaded).toEqual(a1Model);
    expect(serializeMLmodel(loaded)).toBe(text);
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(parseMLmodel(serializeMLmodel(loaded))));
  });

  it('A2: no mlflow_version loads as null and null is not written', () => {
    const model = parseMLmodel('flavors:\n  python_function: {}\nmodel_uuid: abc\n');
    expect(model.mlflow_version).toBeNull();
    expect(serializeMLmodel(model)).toBe('flavors:\n  python_function: {}\nmodel_uuid: abc\n');
    expect(serializeMLmodel({ flavors: {}, mlflow_version: null, artifact_path: null as never, run_id: null as never })).toBe(
      'flavors: {}\n',
    );
  });

  it('A3: fresh 32-hex model_uuid each time; absent model_uuid loads as null', () => {
    const first = createModelUuid();
    const second = createModelUuid();
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(second).toMatch(/^[0-9a-f]{32}$/);
    expect(first).not.toBe(second);
    expect(parseMLmodel('flavors: {}\n').model_uuid).toBeNull();
    // MLflow writes model_uuid even when None (it is a plain attribute).
    expect(serializeMLmodel(parseMLmodel('flavors: {}\n'))).toBe('flavors: {}\nmodel_uuid: null\n');
  });

  it('A4: unknown top-level keys survive load -> save', () => {
    const text = "databricks_runtime: 8.3.x\nflavors: {}\nmodel_uuid: x\ntime_created: '2018-01-01'\n";
    const model = parseMLmodel(text);
    expect(model.databricks_runtime).toBe('8.3.x');
    expect(serializeMLmodel(model)).toBe(text);
  });

  it('drops undefined values and keeps other nulls', () => {
    const text = serializeMLmodel({
      flavors: { onnx: { code: null, extra: undefined } },
      model_uuid: 'u',
      run_id: undefined,
      metadata: null,
    });
    expect(text).toBe('flavors:\n  onnx:\n    code: null\nmetadata: null\nmodel_uuid: u\n');
  });

  it('reads YAML 1.1 scalars as PyYAML does', () => {
    expect(
      loadYaml(
        "a: yes\nb: 'yes'\nc: 0x1F\nd: 0777\ne: 1e5\nf: 1.5e+3\ng: ~\nh: 2023-01-01 00:00:00\ni: '2023-01-01 00:00:00'\nj: 1_000\nk: 1:30\nl: .inf\nm: !!str 12\nn: 08\no: 12345678901234567890\n",
      ),
    ).toEqual({
      a: true,
      b: 'yes',
      c: 31,
      d: 511,
      e: '1e5',
      f: 1500,
      g: null,
      h: '2023-01-01 00:00:00',
      i: '2023-01-01 00:00:00',
      j: 1000,
      k: 90,
      l: Infinity,
      m: '12',
      n: '08',
      o: 12345678901234567890n,
    });
  });

  it('reads anchors, aliases and merge keys', () => {
    const data = loadYaml('base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: [*b]\n') as Record<string, unknown>;
    expect(data.other).toEqual({ x: 1, y: 3 });
    expect((data.list as unknown[])[0]).toBe(data.base);
  });

  it('rejects bad YAML with ERR_MLMODEL_INVALID naming the file and line', () => {
    const error = catchError(() => parseMLmodel('flavors:\n  a: [1\nb: c\n', '/models/m/MLmodel'));
    expect(error.code).toBe('ERR_MLMODEL_INVALID');
    expect(error.message).toContain('/models/m/MLmodel');
    expect(error.message).toMatch(/line \d+/);
    expect(error.details.source).toBe('/models/m/MLmodel');
    expect(typeof error.details.line).toBe('number');
  });

  it('rejects a non-mapping document, missing or invalid flavors, bad signature', () => {
    for (const text of ['', '- a\n- b\n', 'just text\n', 'model_uuid: x\n', 'flavors: [a]\n', 'flavors:\n  onnx: 1\n', 'flavors: {}\nsignature: [1]\n', 'flavors: {}\nsignature:\n  inputs: 3\n', 'a: 1\n---\nb: 2\n', 'flavors: !!python/object:os.system {}\n']) {
      const error = catchError(() => parseMLmodel(text, 'x/MLmodel'));
      expect(error.code, text).toBe('ERR_MLMODEL_INVALID');
      expect(error.message).toContain('x/MLmodel');
    }
  });

  it('formats utc_time_created like Python str(datetime)', () => {
    expect(formatUtcTimeCreated(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe('2024-01-02 03:04:05');
    expect(formatUtcTimeCreated(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 7)))).toBe('2024-01-02 03:04:05.007000');
    expect(formatUtcTimeCreated()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/);
  });
});
