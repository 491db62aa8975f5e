import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { batchError } from './batch-error.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import type { Row, RowChunk } from './row.js';

/** Options of {@link readChunks}. */
export interface ReadChunksOptions {
  /** Rows per chunk (default 1000). */
  chunkSize?: number;
  /** Input format; detected from the extension when omitted. */
  format?: FileFormat;
  /** Index given to the first chunk (default 0); lets several files share one numbering. */
  firstIndex?: number;
  /** Called as bytes (CSV, JSONL) or rows (Parquet) are consumed: `(done, total)` in the same unit. */
  onProgress?: (done: number, total: number, unit: 'bytes' | 'rows') => void;
}

/**
 * Streams a CSV (header row, numbers cast), JSONL or Parquet file as chunks of `chunkSize` rows.
 * Only about one chunk (one row group for Parquet) is held in memory at a time, whatever the file
 * size. Chunk boundaries depend only on the file and `chunkSize`, so they are deterministic.
 */
export async function* readChunks(file: string, options: ReadChunksOptions = {}): AsyncGenerator<RowChunk> {
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw batchError('ERR_BATCH_OPTIONS_INVALID', `Expected chunkSize to be a positive integer; found ${chunkSize}.`, {
      chunkSize,
    });
  }
  const format = options.format ?? detectFileFormat(file);
  let index = options.firstIndex ?? 0;
  let rowStart = 0;
  let buffer: Row[] = [];
  const take = function* (rows: Iterable<Row>): Generator<RowChunk> {
    for (const row of rows) {
      buffer.push(row);
      if (buffer.length === chunkSize) {
        yield { index, file, rowStart, rows: buffer };
        index += 1;
        rowStart += buffer.length;
        buffer = [];
      }
    }
  };
  if (format === 'parquet') {
    const buffered = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffered).catch((error: unknown) => {
      throw batchError(
        'ERR_BATCH_INPUT_PARSE',
        `Expected a Parquet file at "${file}"; its footer could not be read (${String(error)}). Check the file is complete and really Parquet.`,
        { path: file },
        error,
      );
    });
    const total = Number(metadata.num_rows);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const rows = (await parquetReadObjects({
        file: buffered,
        metadata,
        rowStart: groupStart,
        rowEnd: groupEnd,
      })) as Row[];
      yield* take(rows);
      groupStart = groupEnd;
      options.onProgress?.(groupStart, total, 'rows');
    }
  } else {
    const { size } = await stat(file);
    const stream = createReadStream(file);
    const report = () => options.onProgress?.(stream.bytesRead, size, 'bytes');
    if (format === 'csv') {
      const parser = stream.pipe(
        parse({ columns: true, cast: true, skip_empty_lines: true, bom: true, relax_column_count: false }),
      );
      const pending: Row[] = [];
      try {
        for await (const record of parser as AsyncIterable<Row>) {
          pending.push(record);
          if (pending.length >= chunkSize) {
            yield* take(pending.splice(0));
            report();
          }
        }
      } catch (error) {
        stream.destroy();
        throw batchError(
          'ERR_BATCH_INPUT_PARSE',
          `Expected CSV with a header row in "${file}"; parsing failed: ${(error as Error).message}. Fix the file or pass --format.`,
          { path: file },
          error,
        );
      }
      yield* take(pending);
    } else {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      let lineNumber = 0;
      const pending: Row[] = [];
      for await (const line of lines) {
        lineNumber += 1;
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          stream.destroy();
          throw batchError(
            'ERR_BATCH_INPUT_PARSE',
            `Expected one JSON object per line in "${file}"; line ${lineNumber} is not valid JSON. Fix that line.`,
            { path: file, line: lineNumber },
            error,
          );
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          stream.destroy();
          throw batchError(
            'ERR_BATCH_INPUT_PARSE',
            `Expected one JSON object per line in "${file}"; line ${lineNumber} holds ${Array.isArray(value) ? 'an array' : typeof value}. Write each row as {"column": value, ...}.`,
            { path: file, line: lineNumber },
          );
        }
        pending.push(value as Row);
        if (pending.length >= chunkSize) {
          yield* take(pending.splice(0));
          report();
        }
      }
      yield* take(pending);
    }
    report();
  }
  if (buffer.length > 0) yield { index, file, rowStart, rows: buffer };
}

/** Streams several files as one chunk sequence with continuous chunk indexes. */
export async function* readChunksOfFiles(
  files: readonly string[],
  options: Omit<ReadChunksOptions, 'firstIndex'> & { formatOf?: (file: string) => FileFormat } = {},
): AsyncGenerator<RowChunk> {
  let next = 0;
  for (const file of files) {
    const format = options.formatOf?.(file) ?? options.format;
    for await (const chunk of readChunks(file, { ...options, ...(format ? { format } : {}), firstIndex: next })) {
      next = chunk.index + 1;
      yield chunk;
    }
  }
}
