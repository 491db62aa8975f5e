import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { readChunks } from './read-chunks.js';
import { createRowWriter } from './write-rows.js';
import { createProgress } from './progress.js';

const rows = Array.from({ length: 23 }, (_unused, index) => ({ id: index, name: `row ${index}`, score: index / 4, ok: index % 2 === 0 }));

describe('streaming readers and writers', () => {
  for (const format of ['csv', 'jsonl', 'parquet'] as const) {
    it(`writes and reads back ${format} in chunks with the same values`, async () => {
      const directory = await mkdtemp(join(tmpdir(), 'jsfunc-batch-io-'));
      const path = join(directory, `data.${format}`);
      const writer = await createRowWriter(path);
      await writer.write(rows.slice(0, 10));
      await writer.write(rows.slice(10));
      await writer.close();
      const chunks = [];
      for await (const chunk of readChunks(path, { chunkSize: 5 })) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.rows.length)).toEqual([5, 5, 5, 5, 3]);
      expect(chunks.map((chunk) => chunk.rowStart)).toEqual([0, 5, 10, 15, 20]);
      const back = chunks.flatMap((chunk) => chunk.rows);
      expect(back).toEqual(format === 'csv' ? rows.map((row) => ({ ...row, ok: String(row.ok) })) : rows);
    });
  }

  it('names the bad line of a JSONL file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'jsfunc-batch-io-'));
    const path = join(directory, 'bad.jsonl');
    await writeFile(path, '{"a":1}\n{"a":\n');
    const error = await (async () => {
      for await (const _chunk of readChunks(path)) void _chunk;
    })().catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_INPUT_PARSE')).toBe(true);
    expect((error as Error).message).toMatch(/line 2/);
  });

  it('refuses an unknown extension with ERR_BATCH_FORMAT_UNKNOWN', async () => {
    const error = await createRowWriter('/tmp/out.xlsx').catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_FORMAT_UNKNOWN')).toBe(true);
  });

  it('draws rows/s and ETA on a TTY and nothing elsewhere', async () => {
    let tty = '';
    const ttyStream = Object.assign(new (await import('node:stream')).Writable({ write(chunk, _encoding, done) { tty += String(chunk); done(); } }), { isTTY: true });
    const progress = createProgress({ stream: ttyStream, intervalMs: 0 });
    progress.update(500, 0.5);
    progress.finish();
    expect(tty).toMatch(/500 rows .*rows\/s ETA/);
    expect(tty).toMatch(/100% 500 rows/);
    let piped = '';
    const pipe = new (await import('node:stream')).Writable({ write(chunk, _encoding, done) { piped += String(chunk); done(); } });
    const quiet = createProgress({ stream: pipe, intervalMs: 0 });
    quiet.update(500, 0.5);
    quiet.finish();
    expect(piped).toBe('');
    void readFile;
  });
});
