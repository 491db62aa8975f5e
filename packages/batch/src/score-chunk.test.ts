import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { JsfuncError } from '@jsfunc/core';
import { castCsvField, csvLines, isShortestNumberText } from './csv-text.js';
import { appendPredictions } from './map-columns.js';
import { readChunks } from './read-chunks.js';
import { toJsonSafeValue, type Row } from './row.js';
import { decodeChunkInput, scoreChunk, type ChunkInput } from './score-chunk.js';
import { readTextChunks } from './split-chunks.js';
import { createRowWriter } from './write-rows.js';

const directory = await mkdtemp(join(tmpdir(), 'jsfunc-batch-chunk-'));
let fileNumber = 0;
async function fileWith(text: string | Buffer, extension = 'csv'): Promise<string> {
  const path = join(directory, `in-${(fileNumber += 1)}.${extension}`);
  await writeFile(path, text);
  return path;
}

/** What the CSV writer wrote before it encoded cells itself (csv-stringify, same options). */
function csvStringifyText(rows: Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => {
    const safe = toJsonSafeValue(value);
    return typeof safe === 'object' && safe !== null ? JSON.stringify(safe) : safe;
  };
  return stringify(
    rows.map((row) => columns.map((name) => cell(row[name]))),
    { header: true, columns, cast: { boolean: (value) => (value ? 'true' : 'false') } },
  );
}

const trickyCsv = [
  '\uFEFFid,name,score,note\r\n',
  '\r\n',
  '1,plain,0.500,\r\n',
  '2,"with, comma",1e3,"quoted ""inside"""\r\n',
  '\r\n',
  '3,"two\r\nlines", 7 ,-0\r\n',
  '4,0x10,Infinity,007\r\n',
  '5,,-1.25,"a"\r\n',
  '6,x,12345678901234567,0.0000001\r\n',
  '7,y,.5,last', // no line break at the end
].join('');

const plainCsv = `a,b,c\n${Array.from({ length: 23 }, (_unused, index) => `${index},${index / 8},v${index}${index % 5 === 0 ? '\n' : ''}`).join('\n')}\n\n`;

async function readAllText(path: string, chunkSize: number) {
  const chunks = [];
  for await (const chunk of readTextChunks(path, { chunkSize, format: path.endsWith('.csv') ? 'csv' : 'jsonl' })) chunks.push(chunk);
  return chunks;
}

async function readAllParsed(path: string, chunkSize: number) {
  const chunks = [];
  for await (const chunk of readChunks(path, { chunkSize })) chunks.push(chunk);
  return chunks;
}

describe('raw chunks decoded by workers read as csv-parse / readline read them', () => {
  for (const [name, text] of [
    ['quoted, CRLF, BOM, empty lines, no final line break', trickyCsv],
    ['plain numbers with empty lines', plainCsv],
  ] as const) {
    for (const chunkSize of [1, 2, 3, 1000]) {
      it(`CSV ${name}, chunks of ${chunkSize}`, async () => {
        const path = await fileWith(text);
        const raw = await readAllText(path, chunkSize);
        const parsed = await readAllParsed(path, chunkSize);
        expect(raw.map((chunk) => [chunk.index, chunk.rowStart, chunk.rows])).toEqual(parsed.map((chunk) => [chunk.index, chunk.rowStart, chunk.rows.length]));
        expect(raw.map((chunk) => decodeChunkInput(chunk.input))).toEqual(parsed.map((chunk) => chunk.rows));
      });
    }
  }

  it('JSONL with blank and whitespace lines, chunk boundaries as readChunks gives them', async () => {
    const lines = Array.from({ length: 17 }, (_unused, index) => (index % 4 === 1 ? '  \t' : JSON.stringify({ id: index, text: `r${index}` })));
    const path = await fileWith(`${lines.join('\n')}\r\n\n`, 'jsonl');
    for (const chunkSize of [1, 4, 100]) {
      const raw = await readAllText(path, chunkSize);
      const parsed = await readAllParsed(path, chunkSize);
      expect(raw.map((chunk) => [chunk.rowStart, chunk.rows])).toEqual(parsed.map((chunk) => [chunk.rowStart, chunk.rows.length]));
      expect(raw.map((chunk) => decodeChunkInput(chunk.input))).toEqual(parsed.map((chunk) => chunk.rows));
    }
  });

  it('names the file line of a record with the wrong number of fields', async () => {
    const path = await fileWith('a,b\n1,2\n3,4\n\n5\n6,7\n');
    const chunks = await readAllText(path, 2);
    expect(() => decodeChunkInput(chunks[0]!.input)).not.toThrow();
    const error = (() => {
      try {
        decodeChunkInput(chunks[1]!.input);
      } catch (caught) {
        return caught;
      }
    })();
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_INPUT_PARSE')).toBe(true);
    expect((error as Error).message).toMatch(/line 5\b/);
  });

  it('fails at once on a misplaced quote instead of reading the rest of the file as one field', async () => {
    const path = await fileWith('a,b\n1,2\n3,x"y\n4,5\n');
    const error = await readAllText(path, 1).catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_INPUT_PARSE')).toBe(true);
    expect((error as Error).message).toMatch(/line 3\b/);
  });
});

describe('CSV cells are written as csv-stringify wrote them', () => {
  it('casts fields exactly as csv-parse cast: true does', () => {
    const fields = ['0', '-0', '1', '+1', '007', '0.500', '.5', '-.5', '1e3', '1E-3', ' 7 ', '', ' ', '0x10', '0b1', '0o7', 'Infinity', '-Infinity', 'NaN', '1,5', '1abc', 'abc', '12345678901234567890', '1e400', '١'];
    for (const field of fields) {
      const number = Number.parseFloat(field);
      const expected = (field as unknown as number) - number + 1 >= 0 ? number : field;
      expect([field, castCsvField(field)]).toEqual([field, expected]);
    }
  });

  it('reuses input text only where String(Number(text)) gives it back', () => {
    const samples = ['0', '-0', '1', '10', '0.5', '0.50', '-0.25', '0.000001', '0.0000001', '123456789012345', '1234567890123456', '0.123456789012345', '0.1234567890123456', '1.', '01', '1e3', '9007199254740993', '0.000123', '100.001'];
    for (let index = 0; index < 2000; index += 1) {
      const digits = Math.floor(Math.random() * 17) + 1;
      samples.push((Math.random() * 10 ** Math.floor(Math.random() * 8 - 3)).toFixed(Math.min(digits, 12)));
    }
    for (const text of samples) expect([text, isShortestNumberText(text)]).toEqual([text, isShortestNumberText(text) && String(Number(text)) === text]);
    expect(isShortestNumberText('0.5')).toBe(true);
    expect(isShortestNumberText('0.50')).toBe(false);
  });

  it('encodes awkward values like csv-stringify with the writer options', () => {
    const rows: Row[] = [
      { a: 'plain', b: 1.5, c: true, d: null, e: undefined, f: 'with, comma', g: 'quote " inside', h: 'line\nbreak', i: 'cr\rhere', j: '', k: 10n, l: new Date(0), m: [1, 2], n: { x: 1 }, o: new Float32Array([0.5]), p: -0, q: Number.NaN },
    ];
    const columns = Object.keys(rows[0]!);
    expect(`${columns.join(',')}\n${csvLines(rows, columns)}`).toBe(csvStringifyText(rows));
  });
});

describe('scoreChunk', () => {
  const input = (text: string, header: string, rows: number): ChunkInput => ({ kind: 'text', format: 'csv', file: 'in.csv', firstLine: 2, rows, header, text });
  const sum = (rows: Row[]) => rows.map((row) => ({ prediction: Object.values(row).reduce<number>((total, value) => total + (typeof value === 'number' ? value : 0), 0) / 3 }));

  it('gives the CSV lines appendPredictions + the CSV writer gave, renaming a prediction column the input has', async () => {
    const text = '1,0.500,x,1e3\n2, 7 ,"y, z",0.25\n3,-0,,12345678901234567\n';
    const header = 'id,prediction,name,big';
    const result = await scoreChunk(sum, input(text, header, 3), 'csv');
    const rows = decodeChunkInput(input(text, header, 3));
    expect(result.kind).toBe('encoded');
    const encoded = (result as { kind: 'encoded'; encoded: { columns: string[]; text: string } }).encoded;
    expect(`${encoded.columns.join(',')}\n${encoded.text}`).toBe(csvStringifyText(appendPredictions(rows, sum(rows))));
    const plain = await scoreChunk(sum, input('1,0.500,x,1e3\n2,0.25,y,3\n', header, 2), 'csv');
    const plainRows = decodeChunkInput(input('1,0.500,x,1e3\n2,0.25,y,3\n', header, 2));
    const plainEncoded = (plain as { kind: 'encoded'; encoded: { columns: string[]; text: string } }).encoded;
    expect(`${plainEncoded.columns.join(',')}\n${plainEncoded.text}`).toBe(csvStringifyText(appendPredictions(plainRows, sum(plainRows))));
  });

  it('writes the input values as read even when the scorer changes its rows', async () => {
    const mutate = (rows: Row[]) =>
      rows.map((row) => {
        row.x = 999;
        return { prediction: 1 };
      });
    const text = '1,2\n3,4\n';
    for (const output of ['csv', 'jsonl'] as const) {
      const result = await scoreChunk(mutate, input(text, 'x,y', 2), output);
      expect((result as { kind: 'encoded'; encoded: { text: string } }).encoded.text).not.toMatch(/999/);
    }
    const rows = await scoreChunk(mutate, input(text, 'x,y', 2), 'rows');
    expect((rows as { kind: 'rows'; rows: Row[] }).rows.map((row) => row.x)).toEqual([1, 3]);
  });

  it('fails with ERR_BATCH_PREDICTION_SHAPE when the scorer returns too few rows', async () => {
    const error = await scoreChunk(() => [{ prediction: 1 }], input('1\n2\n', 'x', 2), 'csv').catch((caught: unknown) => caught);
    expect(JsfuncError.isInstance(error, 'ERR_BATCH_PREDICTION_SHAPE')).toBe(true);
  });
});

describe('writeEncoded', () => {
  it('lays CSV lines for other columns out under the header the file already has', async () => {
    const path = join(directory, 'relayout.csv');
    const writer = await createRowWriter(path);
    await writer.writeEncoded({ format: 'csv', columns: ['a', 'b', 'prediction'], text: '1,x,0.5\n', rows: 1 });
    await writer.writeEncoded({ format: 'csv', columns: ['b', 'c', 'prediction'], text: '"y, z",7,1.5\n', rows: 1 });
    await writer.close();
    expect(await readFile(path, 'utf8')).toBe('a,b,prediction\n1,x,0.5\n,"y, z",1.5\n');
  });
});
