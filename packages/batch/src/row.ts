/** One table row: column name to value. */
export type Row = Record<string, unknown>;

/** A slice of consecutive rows of one input file. */
export interface RowChunk {
  /** Position of the chunk in the whole input (0-based, across all files). */
  index: number;
  /** The input file the rows come from. */
  file: string;
  /** Index of the first row of the chunk inside `file` (0-based). */
  rowStart: number;
  /** The rows. */
  rows: Row[];
}

/** Turns values JSON cannot carry (bigint, Date, typed arrays) into ones it can. */
export function toJsonSafeValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (item) => toJsonSafeValue(item));
  }
  if (Array.isArray(value)) return value.map((item) => toJsonSafeValue(item));
  return value;
}

/** {@link toJsonSafeValue} over every value of every row. */
export function toJsonSafeRows(rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) out[key] = toJsonSafeValue(value);
    return out;
  });
}
