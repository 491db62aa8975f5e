/**
 * Cuts input files into chunks of `chunkSize` records without parsing them: CSV and JSONL files
 * are cut at record boundaries into raw text (the workers parse it), Parquet files are decoded
 * here a row group at a time (as {@link readChunks} does). The chunk boundaries are the ones
 * {@link readChunks} gives, so shard numbering and row ranges do not depend on the reader.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { batchError } from './batch-error.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import { readChunks, type ReadChunksOptions } from './read-chunks.js';
import type { ChunkInput } from './score-chunk.js';

/** A chunk of input records, not yet parsed (CSV, JSONL) or decoded (Parquet). */
export interface InputChunk {
  /** Position of the chunk in the whole input (0-based, across all files). */
  index: number;
  /** The input file. */
  file: string;
  /** Index of the first record of the chunk inside `file`. */
  rowStart: number;
  /** Number of records. */
  rows: number;
  /** The records, for a worker to decode. */
  input: ChunkInput;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const QUOTE = 34;
const COMMA = 44;

function countNewlines(buffer: Buffer, from: number, to: number): number {
  let count = 0;
  let at = buffer.indexOf(NEWLINE, from);
  while (at !== -1 && at < to) {
    count += 1;
    at = buffer.indexOf(NEWLINE, at + 1);
  }
  return count;
}

function isBlank(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === CARRIAGE_RETURN || byte === 11 || byte === 12;
}

/**
 * Streams a CSV or JSONL file as chunks of raw text holding `chunkSize` records each. CSV: the
 * header record is handed along with every chunk, a UTF-8 BOM is dropped, empty lines are not
 * records, line breaks inside quoted fields do not end a record, and a misplaced quote fails at
 * once with `ERR_BATCH_INPUT_PARSE`. JSONL: lines holding only whitespace are not records.
 */
export async function* readTextChunks(
  file: string,
  options: { chunkSize?: number; format: 'csv' | 'jsonl'; firstIndex?: number; onProgress?: ReadChunksOptions['onProgress'] },
): AsyncGenerator<InputChunk> {
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw batchError('ERR_BATCH_OPTIONS_INVALID', `Expected chunkSize to be a positive integer; found ${chunkSize}.`, { chunkSize });
  }
  const csv = options.format === 'csv';
  const { size } = await stat(file);
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let index = options.firstIndex ?? 0;
  let rowStart = 0;
  let consumed = 0;
  // the chunk being gathered: pieces of raw text holding `records` records, from line `chunkFirstLine`
  let pieces: Buffer[] = [];
  let records = 0;
  let chunkFirstLine = 1;
  // CSV: the header record (gathered in headerPieces until its line break)
  let header: string | undefined;
  let headerPieces: Buffer[] = [];
  // scanner state
  let line = 1; // line number of the current byte
  let recordBytes = 0; // CSV: bytes of the current record so far (line breaks excluded)
  let lastByte = -1; // CSV: last byte of the current record so far
  let content = false; // JSONL: the current line holds a non-blank byte
  let inQuotes = false;
  let quotePending = false; // a quoted field's quote ended the previous buffer: closing, or the first of ""?
  let first = true;

  const fail = (detail: string): never => {
    throw batchError('ERR_BATCH_INPUT_PARSE', `Expected CSV with a header row in "${file}"; parsing failed: ${detail} on line ${line}. Fix the file or pass --format.`, { path: file, line });
  };
  const take = (): InputChunk => {
    const text = Buffer.concat(pieces).toString('utf8');
    const input: ChunkInput = csv
      ? { kind: 'text', format: 'csv', file, firstLine: chunkFirstLine, rows: records, header: header ?? '', text }
      : { kind: 'text', format: 'jsonl', file, firstLine: chunkFirstLine, rows: records, text };
    const chunk: InputChunk = { index, file, rowStart, rows: records, input };
    index += 1;
    rowStart += records;
    pieces = [];
    records = 0;
    return chunk;
  };
  const headerText = (tail: Buffer) => {
    const text = Buffer.concat([...headerPieces, tail]).toString('utf8');
    headerPieces = [];
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };

  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      let buffer = data;
      if (first) {
        first = false;
        if (csv && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
      }
      const length = buffer.length;
      let position = 0;
      let pieceStart = 0;
      const ready: InputChunk[] = [];
      // The record (or line) ending at the line break at `newline` is complete.
      const endRecord = (newline: number) => {
        const empty = csv ? recordBytes === 0 || (recordBytes === 1 && lastByte === CARRIAGE_RETURN) : !content;
        if (csv && header === undefined) {
          // empty lines before the header are skipped; the first record is the header
          if (!empty) header = headerText(buffer.subarray(pieceStart, newline));
          headerPieces = [];
          pieceStart = newline + 1;
          chunkFirstLine = line + 1;
        } else if (!empty) {
          records += 1;
          if (records === chunkSize) {
            pieces.push(buffer.subarray(pieceStart, newline + 1));
            pieceStart = newline + 1;
            ready.push(take());
            chunkFirstLine = line + 1;
          }
        }
        line += 1;
        recordBytes = 0;
        lastByte = -1;
        content = false;
      };

      if (!csv) {
        while (position < length) {
          const newline = buffer.indexOf(NEWLINE, position);
          const end = newline === -1 ? length : newline;
          if (!content) {
            for (let at = position; at < end; at += 1) {
              if (!isBlank(buffer[at]!)) {
                content = true;
                break;
              }
            }
          }
          if (newline === -1) break;
          endRecord(newline);
          position = newline + 1;
        }
      } else {
        if (quotePending) {
          quotePending = false;
          const next = buffer[0]!;
          if (next === QUOTE) {
            recordBytes += 1;
            position = 1;
          } else if (next === COMMA || next === NEWLINE || next === CARRIAGE_RETURN) inQuotes = false;
          else fail(`Invalid Closing Quote: got "${String.fromCharCode(next)}" after a closing quote instead of a delimiter or line break`);
        }
        let nextQuote = buffer.indexOf(QUOTE, position);
        while (position < length) {
          if (nextQuote !== -1 && nextQuote < position) nextQuote = buffer.indexOf(QUOTE, position);
          if (inQuotes) {
            const end = nextQuote === -1 ? length : nextQuote;
            line += countNewlines(buffer, position, end);
            recordBytes += end - position;
            if (nextQuote === -1) break;
            recordBytes += 1;
            lastByte = QUOTE;
            if (nextQuote + 1 === length) {
              quotePending = true;
              break;
            }
            const next = buffer[nextQuote + 1]!;
            if (next === QUOTE) {
              recordBytes += 1;
              position = nextQuote + 2;
            } else if (next === COMMA || next === NEWLINE || next === CARRIAGE_RETURN) {
              inQuotes = false;
              position = nextQuote + 1;
            } else fail(`Invalid Closing Quote: got "${String.fromCharCode(next)}" after a closing quote instead of a delimiter or line break`);
            continue;
          }
          const newline = buffer.indexOf(NEWLINE, position);
          const end = newline === -1 ? length : newline;
          if (nextQuote !== -1 && nextQuote < end) {
            const atRecordStart = recordBytes === 0 && nextQuote === position;
            const before = nextQuote > position ? buffer[nextQuote - 1] : lastByte;
            if (!atRecordStart && before !== COMMA) fail('Invalid Opening Quote: a quote is found inside a field');
            recordBytes += nextQuote - position + 1;
            lastByte = QUOTE;
            inQuotes = true;
            position = nextQuote + 1;
            continue;
          }
          if (end > position) {
            recordBytes += end - position;
            lastByte = buffer[end - 1]!;
          }
          if (newline === -1) break;
          endRecord(newline);
          position = newline + 1;
        }
      }
      // the rest of this buffer belongs to the header or chunk being gathered
      if (pieceStart < length) (csv && header === undefined ? headerPieces : pieces).push(buffer.subarray(pieceStart));
      consumed += data.length;
      for (const chunk of ready) {
        options.onProgress?.(consumed, size, 'bytes');
        yield chunk;
      }
    }
    if (quotePending) inQuotes = false;
    if (inQuotes) fail('Quote Not Closed: the file ends inside a quoted field');
    // a last record without a line break
    const lastEmpty = csv ? recordBytes === 0 || (recordBytes === 1 && lastByte === CARRIAGE_RETURN) : !content;
    if (!lastEmpty && !(csv && header === undefined)) records += 1;
    if (records > 0) {
      const chunk = take();
      options.onProgress?.(size, size, 'bytes');
      yield chunk;
    } else options.onProgress?.(size, size, 'bytes');
  } finally {
    stream.destroy();
  }
}

/**
 * Streams several files as one sequence of {@link InputChunk}s with continuous indexes: CSV and
 * JSONL as raw text, Parquet as decoded rows.
 */
export async function* readInputChunksOfFiles(
  files: readonly string[],
  options: { chunkSize?: number; formatOf?: (file: string) => FileFormat; onProgress?: ReadChunksOptions['onProgress'] } = {},
): AsyncGenerator<InputChunk> {
  let next = 0;
  for (const file of files) {
    const format = options.formatOf?.(file) ?? detectFileFormat(file);
    const common = { ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }), ...(options.onProgress ? { onProgress: options.onProgress } : {}), firstIndex: next };
    if (format === 'parquet') {
      for await (const chunk of readChunks(file, { ...common, format })) {
        next = chunk.index + 1;
        yield { index: chunk.index, file, rowStart: chunk.rowStart, rows: chunk.rows.length, input: { kind: 'rows', rows: chunk.rows } };
      }
    } else {
      for await (const chunk of readTextChunks(file, { ...common, format })) {
        next = chunk.index + 1;
        yield chunk;
      }
    }
  }
}
