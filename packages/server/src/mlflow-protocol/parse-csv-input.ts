import type { ModelDataV1 } from '@jsfunc/core';
import { serverError } from '../errors/server-error.js';
import { frameFromRows, frameToModelData } from './frame.js';
import type { SchemaView } from './signature-view.js';

/** Splits CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF) into rows of strings. */
export function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  while (i < text.length) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') endField();
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endField();
      rows.push(row);
      row = [];
    } else field += char;
    i += 1;
  }
  if (quoted) throw new Error('EOF inside string');
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|nan)$/i;

/** Infers column values like `pd.read_csv`: numbers, True/False booleans, empty cells as null, else strings. */
function inferColumn(cells: string[]): unknown[] {
  const present = cells.filter((c) => c !== '');
  if (present.length > 0 && present.every((c) => INTEGER.test(c) || FLOAT.test(c))) {
    return cells.map((c) => (c === '' ? null : Number(c.toLowerCase() === 'inf' ? Infinity : c)));
  }
  if (present.length > 0 && present.every((c) => /^(true|false)$/i.test(c))) {
    return cells.map((c) => (c === '' ? null : c.toLowerCase() === 'true'));
  }
  return cells.map((c) => (c === '' ? null : c));
}

/**
 * Parses a `text/csv` body (header row, then rows) into the model input, cast to the signature like
 * MLflow's `parse_csv_input`. Failures are ERR_SERVER_CSV_PARSE with a `stack_trace`.
 */
export function parseInvocationCsv(text: string, schema: SchemaView | undefined): ModelDataV1 {
  try {
    const rows = splitCsv(text);
    const header = rows[0];
    if (header === undefined) throw new Error('No columns to parse from file');
    const body = rows.slice(1);
    body.forEach((row, index) => {
      if (row.length !== header.length) {
        throw new Error(`Error tokenizing data. Expected ${header.length} fields in line ${index + 2}, saw ${row.length}`);
      }
    });
    const columns = header.map((_, c) => inferColumn(body.map((row) => row[c]!)));
    const typedRows = body.map((_, r) => columns.map((column) => column[r]));
    return frameToModelData(frameFromRows(typedRows, header), schema);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SERVER_SCHEMA_CAST') throw error;
    throw serverError(
      'ERR_SERVER_CSV_PARSE',
      `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${(error as Error).message}'`,
      { extra: { stack_trace: (error as Error).stack ?? String(error) } },
      error,
    );
  }
}
