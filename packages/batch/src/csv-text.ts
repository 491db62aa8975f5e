/**
 * CSV text in and out without a streaming parser object per chunk: a fast path for the common
 * case (no quotes), the same semantics as the `csv-parse` options batch scoring has always used
 * (header row, `cast: true`, empty lines skipped, a fixed column count), and `csv-parse` itself
 * for anything quoted. Writing produces exactly what `csv-stringify` produced before (RFC 4180
 * quoting of `,` `"` CR LF, booleans as `true`/`false`, null and undefined as empty cells).
 */
import { parse as parseCsvSync } from 'csv-parse/sync';
import { batchError } from './batch-error.js';
import { toJsonSafeValue, type Row } from './row.js';

/** Where a chunk of CSV text comes from, for error messages. */
export interface CsvTextOrigin {
  /** The input file. */
  file: string;
  /** Line number (1-based) in `file` of the first line of the chunk text. */
  firstLine: number;
}

/** csv-parse's `cast: true`: a field that reads as a number becomes one, anything else stays text. */
export function castCsvField(field: string): string | number {
  // Fast path: a decimal literal (not hex/binary/octal, not empty) that Number() reads as a
  // finite number is read the same by parseFloat, and csv-parse's test below then holds.
  const code = field.charCodeAt(0);
  if ((code >= 48 && code <= 57) || code === 45 || code === 46 || code === 43) {
    const number = +field;
    if (number - number === 0) {
      const second = field.charCodeAt(1) | 32;
      if (second !== 120 && second !== 98 && second !== 111) return number;
    }
  }
  const number = Number.parseFloat(field);
  return (field as unknown as number) - number + 1 >= 0 ? number : field;
}

/**
 * True when `field` is exactly the text `String(Number(field))` gives, judged from its
 * characters alone: `-?(0|[1-9]\d*)(\.\d*[1-9])?` with at most 15 significant digits (so the
 * double prints back as the same digits), not `-0`, and not below 1e-6 (printed with an exponent).
 */
export function isShortestNumberText(field: string): boolean {
  const length = field.length;
  let at = field.charCodeAt(0) === 45 ? 1 : 0;
  if (at >= length) return false;
  let significant = 0;
  let leadingZeros = 0;
  const first = field.charCodeAt(at);
  if (first === 48) {
    at += 1;
    if (at === length) return at === 1; // "0" yes, "-0" no
    if (field.charCodeAt(at) !== 46) return false;
  } else {
    if (first < 49 || first > 57) return false;
    while (at < length) {
      const code = field.charCodeAt(at);
      if (code < 48 || code > 57) break;
      significant += 1;
      at += 1;
    }
    if (at === length) return significant <= 15;
    if (field.charCodeAt(at) !== 46) return false;
  }
  // fraction
  at += 1;
  if (at === length) return false; // "1." prints as "1"
  const integerZero = significant === 0;
  let counting = !integerZero;
  while (at < length) {
    const code = field.charCodeAt(at);
    if (code < 48 || code > 57) return false;
    if (counting) significant += 1;
    else if (code === 48) leadingZeros += 1;
    else {
      counting = true;
      significant += 1;
    }
    at += 1;
  }
  if (field.charCodeAt(length - 1) === 48) return false; // trailing zero
  return significant <= 15 && (!integerZero || leadingZeros <= 5);
}

function hasLoneCarriageReturn(text: string): boolean {
  let at = text.indexOf('\r');
  while (at !== -1) {
    if (text.charCodeAt(at + 1) !== 10) return true;
    at = text.indexOf('\r', at + 1);
  }
  return false;
}

function parseError(origin: CsvTextOrigin, detail: string, details: Record<string, unknown>, cause?: unknown): Error {
  return batchError(
    'ERR_BATCH_INPUT_PARSE',
    `Expected CSV with a header row in "${origin.file}"; parsing failed: ${detail}. Fix the file or pass --format.`,
    { path: origin.file, ...details },
    cause,
  );
}

/** The column names of a CSV header record (without its line break). */
export function parseCsvHeader(header: string, origin: CsvTextOrigin): string[] {
  const line = header.endsWith('\r') ? header.slice(0, -1) : header;
  if (!line.includes('"') && !line.includes('\r')) return line.split(',');
  try {
    const [record] = parseCsvSync(line, { relax_column_count: false }) as string[][];
    return record ?? [];
  } catch (error) {
    throw parseError(origin, (error as Error).message, { line: 1 }, error);
  }
}

/** Rows of a CSV chunk, with their cells as the CSV writer prints them when that was cheap to know. */
export interface ParsedCsv {
  rows: Row[];
  /**
   * Per row, its cells as CSV output text (joined by `,`), in `columns` order, taken from the
   * input text where it already is what the writer would print. Present when `columns` is the
   * key order of the rows (no duplicate or integer-like names) and the chunk holds no quotes.
   */
  cells?: string[];
  /** The header's column names. */
  columns: string[];
}

const arrayIndex = /^(?:0|[1-9]\d*)$/;

/**
 * Parses the records of a CSV chunk (`text`, whole lines) given the file's header record: rows
 * keyed by the header, numbers cast, empty lines skipped, every record as wide as the header.
 * Throws `ERR_BATCH_INPUT_PARSE` naming the file line.
 */
export function parseCsvText(header: string, text: string, origin: CsvTextOrigin): Row[] {
  return parseCsvChunk(header, text, origin).rows;
}

/** {@link parseCsvText}, also giving the output text of each row's cells when cheap (see {@link ParsedCsv}). */
export function parseCsvChunk(header: string, text: string, origin: CsvTextOrigin): ParsedCsv {
  const columns = parseCsvHeader(header, origin);
  if (text.includes('"') || hasLoneCarriageReturn(text) || header.includes('"')) return { rows: parseQuotedCsvText(header, text, origin), columns };
  const width = columns.length;
  const keepCells = new Set(columns).size === width && !columns.some((name) => arrayIndex.test(name));
  const cells: string[] = [];
  const rows: Row[] = [];
  const length = text.length;
  let start = 0;
  let line = origin.firstLine;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    const lineEnd = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (lineEnd > start) {
      const row: Row = {};
      let fieldStart = start;
      let column = 0;
      // the row's output cells: the input line itself unless a number prints differently
      let rewritten: string | undefined;
      let copiedTo = start;
      for (;;) {
        let comma = text.indexOf(',', fieldStart);
        if (comma === -1 || comma > lineEnd) comma = lineEnd;
        if (column < width) {
          const field = text.slice(fieldStart, comma);
          const value = castCsvField(field);
          row[columns[column]!] = value;
          if (keepCells && typeof value === 'number' && !isShortestNumberText(field)) {
            rewritten = `${rewritten ?? ''}${text.slice(copiedTo, fieldStart)}${value}`;
            copiedTo = comma;
          }
        }
        column += 1;
        if (comma === lineEnd) break;
        fieldStart = comma + 1;
      }
      if (column !== width) {
        throw parseError(origin, `Invalid Record Length: columns length is ${width}, got ${column} on line ${line}`, { line });
      }
      rows.push(row);
      if (keepCells) cells.push(rewritten === undefined ? text.slice(start, lineEnd) : `${rewritten}${text.slice(copiedTo, lineEnd)}`);
    }
    start = end + 1;
    line += 1;
  }
  return keepCells ? { rows, cells, columns } : { rows, columns };
}

function parseQuotedCsvText(header: string, text: string, origin: CsvTextOrigin): Row[] {
  try {
    // the header's line break as the text's, so csv-parse detects the same record delimiter
    const newline = text.indexOf('\n');
    const lineBreak = newline > 0 && text.charCodeAt(newline - 1) === 13 ? '\r\n' : '\n';
    return parseCsvSync(`${header}${lineBreak}${text}`, {
      columns: true,
      cast: true,
      skip_empty_lines: true,
      relax_column_count: false,
    }) as Row[];
  } catch (error) {
    // csv-parse counts lines from the header we put in front; name the file's lines instead.
    const message = (error as Error).message.replace(/line (\d+)/g, (_match, number: string) => `line ${Number(number) - 2 + origin.firstLine}`);
    throw parseError(origin, message, {}, error);
  }
}

/** Quotes a CSV cell when it holds a delimiter, quote or line break (quotes doubled). */
export function quoteCsvText(text: string): string {
  if (text.includes('"')) return `"${text.replaceAll('"', '""')}"`;
  if (text.includes(',') || text.includes('\n') || text.includes('\r')) return `"${text}"`;
  return text;
}

/**
 * One value as CSV cell text: numbers and bigints as `String(value)`, booleans as `true`/`false`,
 * null and undefined empty, dates as ISO text, arrays, typed arrays and objects as JSON.
 */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return `${value}`;
  if (typeof value === 'string') return quoteCsvText(value);
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const safe = toJsonSafeValue(value);
  if (typeof safe === 'number') return `${safe}`;
  if (typeof safe === 'string') return quoteCsvText(safe);
  if (typeof safe === 'object' && safe !== null) return quoteCsvText(JSON.stringify(safe));
  return quoteCsvText(String(safe));
}

/** The CSV header line (with its line break) of `columns`. */
export function csvHeaderLine(columns: readonly string[]): string {
  return `${columns.map((name) => quoteCsvText(name)).join(',')}\n`;
}

/** CSV lines (each ending in a line break) of `rows`, cells in `columns` order. */
export function csvLines(rows: readonly Row[], columns: readonly string[]): string {
  let text = '';
  const width = columns.length;
  for (const row of rows) {
    let line = '';
    for (let column = 0; column < width; column += 1) {
      if (column > 0) line += ',';
      line += csvCell(row[columns[column]!]);
    }
    text += `${line}\n`;
  }
  return text;
}

/**
 * Re-lays CSV lines written for `from` columns out for `to` columns: cells of columns `to` lacks
 * are dropped, columns `from` lacks are empty. Cell text is kept as written, so the result is
 * what writing the rows with `to` columns would have given.
 */
export function relayoutCsvLines(text: string, from: readonly string[], to: readonly string[]): string {
  const records = parseCsvSync(text, { relax_column_count: true }) as string[][];
  const positions = to.map((name) => from.indexOf(name));
  let out = '';
  for (const record of records) {
    out += `${positions.map((position) => (position === -1 ? '' : quoteCsvText(record[position] ?? ''))).join(',')}\n`;
  }
  return out;
}
