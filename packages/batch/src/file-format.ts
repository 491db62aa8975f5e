import { extname } from 'node:path';
import { batchError } from './batch-error.js';

/** The file formats batch scoring reads and writes. */
export type FileFormat = 'csv' | 'jsonl' | 'parquet';

const byExtension: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/**
 * The format of `path`: `explicit` when given, otherwise from the extension
 * (`.csv`, `.jsonl`/`.ndjson`, `.parquet`/`.pq`). Throws `ERR_BATCH_FORMAT_UNKNOWN` otherwise.
 */
export function detectFileFormat(path: string, explicit?: string): FileFormat {
  if (explicit !== undefined) {
    if (explicit === 'csv' || explicit === 'jsonl' || explicit === 'parquet') return explicit;
    throw batchError(
      'ERR_BATCH_FORMAT_UNKNOWN',
      `Expected a format of csv, jsonl or parquet; found "${explicit}". Pass --format csv|jsonl|parquet.`,
      { path, format: explicit },
    );
  }
  const format = byExtension[extname(path).toLowerCase()];
  if (format === undefined) {
    throw batchError(
      'ERR_BATCH_FORMAT_UNKNOWN',
      `Expected a file ending in .csv, .jsonl, .ndjson or .parquet; found "${path}". Rename the file or pass the format explicitly (--format / --output-format).`,
      { path },
    );
  }
  return format;
}
