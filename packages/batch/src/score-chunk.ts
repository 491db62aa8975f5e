/**
 * One chunk's whole trip through a worker: decode the input (CSV or JSONL text as read from the
 * file, or rows), score it, append the predictions and encode the output (CSV or JSONL lines
 * ready to append to the output file, full rows, or just the prediction rows). Running all of
 * this where the model runs keeps the driver thread nearly idle, so N workers use N cores.
 */
import { batchError } from './batch-error.js';
import { csvCell, parseCsvChunk, type ParsedCsv } from './csv-text.js';
import { appendPredictions } from './map-columns.js';
import { toJsonSafeValue, type Row } from './row.js';
import type { ScoreFunction } from './scorer-spec.js';

/** The input of one chunk: raw text of whole records of a CSV or JSONL file, or decoded rows. */
export type ChunkInput =
  | {
      kind: 'text';
      format: 'csv' | 'jsonl';
      /** The input file (for error messages). */
      file: string;
      /** Line number (1-based) of the first line of `text` in `file`. */
      firstLine: number;
      /** Records in `text` (empty lines are not records). */
      rows: number;
      /** CSV: the file's header record, without its line break. */
      header?: string;
      /** Whole lines of the file. */
      text: string;
    }
  | { kind: 'rows'; rows: Row[] };

/**
 * What a worker sends back: `csv` / `jsonl` encoded output lines, `rows` (input rows with the
 * predictions appended) or `predictions` (the prediction rows alone).
 */
export type ChunkOutput = 'csv' | 'jsonl' | 'rows' | 'predictions';

/** Output lines of one chunk, ready to append to a CSV or JSONL file. */
export interface EncodedRows {
  format: 'csv' | 'jsonl';
  /** Columns of the lines (CSV: the cell order; the first chunk's become the header). */
  columns: string[];
  /** The lines, each ending in `\n`. */
  text: string;
  /** Number of rows (lines). */
  rows: number;
}

/** A worker's answer for one chunk. */
export type ChunkResult = { kind: 'encoded'; encoded: EncodedRows } | { kind: 'rows'; rows: Row[] };

/** Number of rows of a chunk input. */
export function chunkInputRows(input: ChunkInput): number {
  return input.kind === 'rows' ? input.rows.length : input.rows;
}

const blankLine = /^[ \t\r\v\f]*$/;

/** Parses JSONL lines (one object each; blank lines skipped); errors name the file line. */
export function parseJsonlText(text: string, file: string, firstLine: number): Row[] {
  const rows: Row[] = [];
  let start = 0;
  let lineNumber = firstLine;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (!blankLine.test(line)) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw batchError('ERR_BATCH_INPUT_PARSE', `Expected one JSON object per line in "${file}"; line ${lineNumber} is not valid JSON. Fix that line.`, { path: file, line: lineNumber }, error);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw batchError(
          'ERR_BATCH_INPUT_PARSE',
          `Expected one JSON object per line in "${file}"; line ${lineNumber} holds ${Array.isArray(value) ? 'an array' : typeof value}. Write each row as {"column": value, ...}.`,
          { path: file, line: lineNumber },
        );
      }
      rows.push(value as Row);
    }
    start = end + 1;
    lineNumber += 1;
  }
  return rows;
}

/** Decodes a chunk input into rows (CSV: with the rows' output cells when cheap, see {@link ParsedCsv}). */
function decodeChunk(input: ChunkInput): { rows: Row[]; csv?: ParsedCsv } {
  if (input.kind === 'rows') return { rows: input.rows };
  const csv = input.format === 'csv' ? parseCsvChunk(input.header ?? '', input.text, { file: input.file, firstLine: input.firstLine }) : undefined;
  const rows = csv?.rows ?? parseJsonlText(input.text, input.file, input.firstLine);
  if (rows.length !== input.rows) {
    throw batchError('ERR_BATCH_INPUT_PARSE', `Expected ${input.rows} records from line ${input.firstLine} of "${input.file}"; parsing found ${rows.length}. Check the file's quoting and line breaks.`, { path: input.file, line: input.firstLine });
  }
  return csv === undefined ? { rows } : { rows, csv };
}

/** Decodes a chunk input into rows. */
export function decodeChunkInput(input: ChunkInput): Row[] {
  return decodeChunk(input).rows;
}

/** Columns of rows as a writer fixes them: every key, in order of first appearance. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

const arrayIndex = /^(?:0|[1-9]\d*)$/;

function countKeys(row: Row): number {
  let count = 0;
  for (const key in row) if (Object.hasOwn(row, key)) count += 1;
  return count;
}

function hasKeys(row: Row, keys: readonly string[]): boolean {
  if (countKeys(row) !== keys.length) return false;
  for (const key of keys) if (!Object.hasOwn(row, key)) return false;
  return true;
}

/**
 * When every row has the keys of the first row and every prediction those of the first
 * prediction, and appending renames nothing onto an existing column, the output columns are the
 * input's followed by the (renamed) prediction columns: cells can be read from the two rows
 * without building the appended row. Undefined otherwise (the general path handles it).
 */
function uniformLayout(rows: readonly Row[], predictions: readonly Row[]): { input: string[]; predicted: string[]; names: string[] } | undefined {
  const first = rows[0];
  const firstPrediction = predictions[0];
  if (first === undefined || firstPrediction === undefined || rows.length !== predictions.length) return undefined;
  const input = Object.keys(first);
  const predicted = Object.keys(firstPrediction);
  const names = predicted.map((name) => (name in first ? `${name}_prediction` : name));
  const all = new Set([...input, ...names]);
  if (all.size !== input.length + names.length || names.some((name) => arrayIndex.test(name))) return undefined;
  for (let index = 1; index < rows.length; index += 1) {
    if (!hasKeys(rows[index]!, input) || !hasKeys(predictions[index]!, predicted)) return undefined;
  }
  return { input, predicted, names };
}

/**
 * CSV lines from the input rows' cell text (see {@link ParsedCsv}) and the predictions, when
 * every prediction has the first one's keys and appending renames nothing onto a column.
 */
function encodeCsvFromCells(parsed: ParsedCsv, predictions: readonly Row[]): EncodedRows | undefined {
  const { cells, columns } = parsed;
  const firstPrediction = predictions[0];
  if (cells === undefined || firstPrediction === undefined || cells.length !== predictions.length) return undefined;
  const taken = new Set(columns);
  // appendPredictions renames a prediction column that `name in row` finds (own or inherited)
  const predicted = Object.keys(firstPrediction);
  const names = predicted.map((name) => (taken.has(name) || name in Object.prototype ? `${name}_prediction` : name));
  const all = new Set([...columns, ...names]);
  if (all.size !== columns.length + names.length || names.some((name) => arrayIndex.test(name))) return undefined;
  for (let index = 1; index < predictions.length; index += 1) if (!hasKeys(predictions[index]!, predicted)) return undefined;
  const lines: string[] = [];
  for (let index = 0; index < cells.length; index += 1) {
    const prediction = predictions[index]!;
    let line = cells[index]!;
    for (const name of predicted) line += `,${csvCell(prediction[name])}`;
    lines.push(line);
  }
  return { format: 'csv', columns: [...columns, ...names], text: lines.length > 0 ? `${lines.join('\n')}\n` : '', rows: lines.length };
}

/** CSV output lines of `rows` with `predictions` appended (as {@link appendPredictions} + a CSV writer). */
export function encodeCsv(rows: readonly Row[], predictions: readonly Row[]): EncodedRows {
  const layout = uniformLayout(rows, predictions);
  if (layout === undefined) {
    const merged = appendPredictions(rows, predictions);
    const columns = columnsOf(merged);
    let text = '';
    for (const row of merged) text += `${columns.map((name) => csvCell(row[name])).join(',')}\n`;
    return { format: 'csv', columns, text, rows: merged.length };
  }
  const { input, predicted, names } = layout;
  const chunks: string[] = [];
  for (let index = 0; index < rows.length; index += 1) {
    const row = rows[index]!;
    const prediction = predictions[index]!;
    let line = '';
    for (let column = 0; column < input.length; column += 1) {
      if (column > 0) line += ',';
      line += csvCell(row[input[column]!]);
    }
    for (const name of predicted) line += `,${csvCell(prediction[name])}`;
    chunks.push(line);
  }
  return { format: 'csv', columns: [...input, ...names], text: chunks.length > 0 ? `${chunks.join('\n')}\n` : '', rows: rows.length };
}

function isFlat(row: Row): boolean {
  for (const key in row) {
    const value = row[key];
    const type = typeof value;
    if (type !== 'number' && type !== 'string' && type !== 'boolean' && value !== null && value !== undefined) return false;
  }
  return true;
}

const jsonSafe = (_key: string, value: unknown) => toJsonSafeValue(value);

/** JSON text of one output row (bigints, dates and typed arrays made JSON-safe). */
export function jsonlLine(row: Row): string {
  return isFlat(row) ? JSON.stringify(row) : JSON.stringify(row, jsonSafe);
}

/** JSONL output lines of `rows` with `predictions` appended. */
export function encodeJsonl(rows: readonly Row[], predictions: readonly Row[]): EncodedRows {
  const merged = appendPredictions(rows, predictions);
  let text = '';
  for (const row of merged) text += `${jsonlLine(row)}\n`;
  return { format: 'jsonl', columns: columnsOf(merged), text, rows: merged.length };
}

/** Options of {@link scoreChunk}. */
export interface ScoreChunkOptions {
  /**
   * The scorer never changes the row objects it is given (it reads them into a tensor or new
   * records). Otherwise it scores copies, so the output holds the input values as read.
   */
  rowsIntact?: boolean;
}

/**
 * Decodes, scores and encodes one chunk with `score` (the worker's loaded scorer). Throws
 * `ERR_BATCH_INPUT_PARSE` for unreadable input and `ERR_BATCH_PREDICTION_SHAPE` when the scorer
 * does not return one prediction per row.
 */
export async function scoreChunk(score: ScoreFunction, input: ChunkInput, output: ChunkOutput, options: ScoreChunkOptions = {}): Promise<ChunkResult> {
  const { rows, csv } = decodeChunk(input);
  const fromCells = output === 'csv' && csv?.cells !== undefined;
  const copy = output !== 'predictions' && !fromCells && options.rowsIntact !== true;
  const predictions = await score(copy ? rows.map((row) => ({ ...row })) : rows);
  if (!Array.isArray(predictions) || predictions.length !== rows.length) {
    throw batchError(
      'ERR_BATCH_PREDICTION_SHAPE',
      `Expected the model to return one prediction per input row (${rows.length}); found ${Array.isArray(predictions) ? `${predictions.length} prediction rows` : typeof predictions}. Score with a model whose output's first dimension is the batch.`,
      { expected: rows.length },
    );
  }
  if (output === 'predictions') return { kind: 'rows', rows: predictions };
  if (output === 'rows') return { kind: 'rows', rows: appendPredictions(rows, predictions) };
  if (output === 'jsonl') return { kind: 'encoded', encoded: encodeJsonl(rows, predictions) };
  // (rows the scorer may have changed are read again from the input text)
  const encoded = (fromCells ? encodeCsvFromCells(csv!, predictions) : undefined) ?? encodeCsv(fromCells && options.rowsIntact !== true ? decodeChunk(input).rows : rows, predictions);
  return { kind: 'encoded', encoded };
}
