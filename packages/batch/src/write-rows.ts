import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { batchError } from './batch-error.js';
import { csvHeaderLine, csvLines, relayoutCsvLines } from './csv-text.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import { toJsonSafeValue, type Row } from './row.js';
import { jsonlLine, type EncodedRows } from './score-chunk.js';

/** Writes rows to one output file, chunk by chunk. */
export interface RowWriter {
  /** The columns, fixed by the first chunk written (CSV and Parquet need one schema). */
  readonly columns: readonly string[] | undefined;
  /** Appends rows; resolves when they are handed to the file (back-pressure respected). */
  write(rows: readonly Row[]): Promise<void>;
  /**
   * Appends lines already encoded for this writer's format (CSV or JSONL, as a scoring worker
   * returns them). CSV lines written for other columns than the file's are laid out again.
   * Parquet writers take rows only.
   */
  writeEncoded(encoded: EncodedRows): Promise<void>;
  /** Finishes the file and moves it into place atomically. */
  close(): Promise<void>;
  /** Deletes the partial file. */
  abort(): Promise<void>;
}

/** Options of {@link createRowWriter}. */
export interface CreateRowWriterOptions {
  /** Output format; detected from the extension when omitted. */
  format?: FileFormat;
  /** Where the file is written before the final rename (default: a unique name beside `path`). */
  temporaryPath?: string;
}

type ParquetBasicType = 'DOUBLE' | 'INT64' | 'BOOLEAN' | 'STRING' | 'JSON';

function parquetType(values: readonly unknown[]): ParquetBasicType {
  const sample = values.find((value) => value !== null && value !== undefined);
  if (typeof sample === 'number') return 'DOUBLE';
  if (typeof sample === 'bigint') return 'INT64';
  if (typeof sample === 'boolean') return 'BOOLEAN';
  if (typeof sample === 'string' || sample === undefined) return 'STRING';
  return 'JSON';
}

function cellForText(value: unknown): unknown {
  const safe = toJsonSafeValue(value);
  return typeof safe === 'object' && safe !== null ? JSON.stringify(safe) : safe;
}

function formatMismatch(format: FileFormat, encoded: EncodedRows): Error {
  return batchError('ERR_BATCH_OPTIONS_INVALID', `Expected rows encoded as ${format} for this ${format} writer; found ${encoded.format} lines. Write rows with write() instead.`, { format, found: encoded.format });
}

async function writeToStream(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Creates a streaming writer for CSV (header from the first chunk), JSONL or Parquet (one row group
 * per chunk). The file is written next to `path` under a temporary name and renamed on `close()`,
 * so a reader never sees half a file.
 */
export async function createRowWriter(path: string, options: CreateRowWriterOptions = {}): Promise<RowWriter> {
  const format = options.format ?? detectFileFormat(path);
  await mkdir(dirname(path), { recursive: true });
  const temporary = options.temporaryPath ?? `${path}.partial-${process.pid}-${Date.now()}`;
  let columns: string[] | undefined;
  const fixColumns = (rows: readonly Row[]) => {
    if (columns !== undefined || rows.length === 0) return;
    const seen = new Set<string>();
    for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
    columns = [...seen];
  };

  if (format === 'parquet') {
    let writer: ParquetWriter | undefined;
    let types: ParquetBasicType[] = [];
    const columnData = (rows: readonly Row[]) =>
      columns!.map((name, position) => ({
        name,
        type: types[position]!,
        data: rows.map((row) => {
          const value = row[name];
          if (value === undefined || value === null) return null;
          const type = types[position];
          if (type === 'DOUBLE') return typeof value === 'number' ? value : Number(value);
          if (type === 'INT64') return typeof value === 'bigint' ? value : BigInt(value as number);
          if (type === 'STRING') return typeof value === 'string' ? value : String(cellForText(value));
          return toJsonSafeValue(value);
        }),
      }));
    return {
      get columns() {
        return columns;
      },
      async write(rows) {
        if (rows.length === 0) return;
        fixColumns(rows);
        if (writer === undefined) {
          types = columns!.map((name) => parquetType(rows.map((row) => row[name])));
          const { schemaFromColumnData } = await import('hyparquet-writer');
          const schema = schemaFromColumnData({ columnData: columnData(rows) as never });
          writer = new ParquetWriter({ writer: fileWriter(temporary), schema, createdBy: '@jsfunc/batch' });
        }
        await writer.write({ columnData: columnData(rows) as never, rowGroupSize: Math.max(rows.length, 1) });
      },
      writeEncoded(encoded) {
        return Promise.reject(formatMismatch('parquet', encoded));
      },
      async close() {
        if (writer === undefined) {
          // No rows: still produce a valid (empty) Parquet file with no columns.
          const { parquetWriteFile } = await import('hyparquet-writer');
          parquetWriteFile({ filename: temporary, columnData: [] });
        } else writer.finish();
        await rename(temporary, path);
      },
      async abort() {
        await rm(temporary, { force: true });
      },
    };
  }

  const stream = createWriteStream(temporary);
  await once(stream, 'open');
  if (format === 'jsonl') {
    return {
      get columns() {
        return columns;
      },
      async write(rows) {
        fixColumns(rows);
        let text = '';
        for (const row of rows) text += `${jsonlLine(row)}\n`;
        await writeToStream(stream, text);
      },
      async writeEncoded(encoded) {
        if (encoded.format !== 'jsonl') throw formatMismatch('jsonl', encoded);
        if (columns === undefined && encoded.rows > 0) columns = [...encoded.columns];
        await writeToStream(stream, encoded.text);
      },
      async close() {
        stream.end();
        await once(stream, 'close');
        await rename(temporary, path);
      },
      async abort() {
        stream.destroy();
        await rm(temporary, { force: true });
      },
    };
  }

  // CSV: the header comes from the first rows written; cells are quoted as RFC 4180 wants.
  const fixCsvColumns = (fixed: readonly string[]) => {
    columns = [...fixed];
    return csvHeaderLine(columns);
  };
  return {
    get columns() {
      return columns;
    },
    async write(rows) {
      if (rows.length === 0) return;
      let text = '';
      if (columns === undefined) {
        fixColumns(rows);
        text += fixCsvColumns(columns!);
      }
      text += csvLines(rows, columns!);
      await writeToStream(stream, text);
    },
    async writeEncoded(encoded) {
      if (encoded.format !== 'csv') throw formatMismatch('csv', encoded);
      if (encoded.rows === 0) return;
      if (columns === undefined) {
        await writeToStream(stream, fixCsvColumns(encoded.columns) + encoded.text);
        return;
      }
      const same = encoded.columns.length === columns.length && encoded.columns.every((name, position) => name === columns![position]);
      await writeToStream(stream, same ? encoded.text : relayoutCsvLines(encoded.text, encoded.columns, columns));
    },
    async close() {
      stream.end();
      await once(stream, 'close');
      await rename(temporary, path);
    },
    async abort() {
      stream.destroy();
      await rm(temporary, { force: true });
    },
  };
}
