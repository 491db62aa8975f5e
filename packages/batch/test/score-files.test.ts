import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { createWorkerPool, scoreFiles } from '../dist/index.js';
import { expectedPrediction, readAllRows, sumScorerPath, temporaryDirectory, writeNumbersCsv } from './helpers.js';

const onnxModel = fileURLToPath(new URL('../../../../shared/fixtures/mlflow-onnx-model-2.8.1', import.meta.url));
const features = Array.from({ length: 10 }, (_unused, index) => `f${index}`);

describe('scoreFiles on the local worker pool', () => {
  it('scores a CSV into Parquet with 2 workers, in input order, predictions appended', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    await writeNumbersCsv(input, 2500);
    const summary = await scoreFiles({
      input,
      output: join(directory, 'out.parquet'),
      scorer: { module: sumScorerPath },
      workers: 2,
      chunkSize: 100,
      progress: false,
    });
    expect(summary).toMatchObject({ rows: 2500, chunks: 25 });
    const rows = await readAllRows(join(directory, 'out.parquet'));
    expect(rows).toHaveLength(2500);
    rows.forEach((row, index) => {
      expect(row).toMatchObject({ id: index, x0: index, x2: 1 });
      expect(row.prediction).toBeCloseTo(expectedPrediction(index), 6);
    });
  });

  it('scores several JSONL files matched by a glob as one table', async () => {
    const directory = await temporaryDirectory();
    for (const part of [0, 1, 2]) {
      const lines = Array.from({ length: 30 }, (_unused, row) => JSON.stringify({ id: part * 30 + row, x0: 1 })).join('\n');
      await writeFile(join(directory, `part-${part}.jsonl`), `${lines}\n`);
    }
    const summary = await scoreFiles({ input: join(directory, 'part-*.jsonl'), output: join(directory, 'out.csv'), scorer: { module: sumScorerPath }, chunkSize: 7, progress: false });
    expect(summary.files).toHaveLength(3);
    const rows = await readAllRows(join(directory, 'out.csv'));
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 90 }, (_unused, index) => index));
    expect(rows.every((row) => row.prediction === 2)).toBe(true);
  });

  it('scores with a real ONNX model (MLflow 2.8.1 sklearn export) mapping named columns to its tensor input', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    const lines = [features.join(',')];
    for (const value of [0, 1, 0.1]) lines.push(features.map(() => String(value)).join(','));
    await writeFile(input, `${lines.join('\n')}\n`);
    await scoreFiles({
      input,
      output: join(directory, 'out.jsonl'),
      scorer: { model: onnxModel, flavorPackages: ['@jsfunc/onnx'], columns: features, cwd: fileURLToPath(new URL('..', import.meta.url)) },
      workers: 2,
      progress: false,
    });
    const rows = await readAllRows(join(directory, 'out.jsonl'));
    expect(rows.map((row) => row.variable ?? row.prediction)).toEqual([
      expect.closeTo(150.434, 2),
      expect.closeTo(1373.035, 2),
      expect.closeTo(272.6941, 2),
    ]);
  });

  it('fails with ERR_BATCH_COLUMN_MISSING naming the column when the input lacks one, leaving no output', async () => {
    const directory = await temporaryDirectory();
    const input = join(directory, 'in.csv');
    await writeFile(input, 'f0,f1\n1,2\n');
    const error = await scoreFiles({
      input,
      output: join(directory, 'out.csv'),
      scorer: { model: onnxModel, flavorPackages: ['@jsfunc/onnx'], columns: features, cwd: fileURLToPath(new URL('..', import.meta.url)) },
      progress: false,
    }).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_COLUMN_MISSING')).toBe(true);
    expect((error as Error).message).toMatch(/f2/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(directory, 'out.csv'))).toBe(false);
  });

  it('loads the model once per worker and reuses it for many chunks', async () => {
    const pool = createWorkerPool({ scorer: { module: sumScorerPath }, size: 2 });
    try {
      await pool.ready();
      const results = await Promise.all(Array.from({ length: 20 }, (_unused, index) => pool.score([{ x0: index }])));
      expect(results.map((rows) => rows[0]!.prediction)).toEqual(Array.from({ length: 20 }, (_unused, index) => 2 * index));
    } finally {
      await pool.close();
    }
  });

  it('reports a scorer that cannot load with ERR_BATCH_SCORER_LOAD', async () => {
    const pool = createWorkerPool({ scorer: { module: '/nonexistent/scorer.mjs' } });
    try {
      const error = await pool.ready().catch((caught: unknown) => caught);
      expect(JsfuncError.isInstance(error, 'ERR_BATCH_SCORER_LOAD')).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

describe('scoreFiles maps columns by the model signature', () => {
  it('selects and orders the signature columns of a custom model, ignoring extra ones', async () => {
    const { saveCustomModel, silentLogger } = await import('@jsfunc/core');
    const directory = await temporaryDirectory();
    const model = join(directory, 'model');
    await saveCustomModel({
      path: model,
      code: fileURLToPath(new URL('./fixtures/weighted-sum-model.mjs', import.meta.url)),
      inputExample: [{ a: 1, b: 2 }],
      logger: silentLogger,
    });
    const input = join(directory, 'in.csv');
    await writeFile(input, 'note,b,a\nx,1,2\ny,3,4\nz,5,0\n');
    await scoreFiles({ input, output: join(directory, 'out.jsonl'), scorer: { model, flavorPackages: [] }, workers: 1, progress: false });
    const rows = await readAllRows(join(directory, 'out.jsonl'));
    expect(rows.map((row) => row.prediction)).toEqual([21, 43, 5]);
    expect(rows.map((row) => row.note)).toEqual(['x', 'y', 'z']);
  });
});
