import type { ModelDataV1 } from '@jsfunc/core';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { serverError } from '../errors/server-error.js';
import { frameToModelData, type RawFrame } from './frame.js';
import type { SchemaView } from './signature-view.js';

/** Columns pandas writes for a non-default index (`pd.read_parquet` turns them back into the index). */
const PANDAS_INDEX_COLUMN = /^__index_level_\d+__$/;

/**
 * Parses an `application/vnd.apache.parquet` body (a whole Parquet file, as
 * `pandas.DataFrame.to_parquet()` writes it) into the model input, cast to the signature like a
 * `dataframe_split` body. Read with the pure-JS `hyparquet` (uncompressed and Snappy pages, pandas'
 * default). Failures are ERR_SERVER_PARQUET_PARSE (400) with MLflow's message and a `stack_trace`.
 */
export async function parseInvocationParquet(body: Uint8Array, schema: SchemaView | undefined): Promise<ModelDataV1> {
  let frame: RawFrame;
  try {
    const file = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    const columns = parquetSchema(metadata)
      .children.map((child) => child.element.name)
      .filter((name) => !PANDAS_INDEX_COLUMN.test(name));
    const rows = (await parquetReadObjects({ file, metadata, columns })) as Record<string, unknown>[];
    const data: Record<string, unknown[]> = {};
    for (const column of columns) data[column] = rows.map((row) => row[column] ?? null);
    frame = { columns, data, rowCount: rows.length };
  } catch (error) {
    throw serverError(
      'ERR_SERVER_PARQUET_PARSE',
      `Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid Parquet Pandas DataFrame produced using the \`pandas.DataFrame.to_parquet()\` method. Error: '${(error as Error).message}'`,
      { extra: { stack_trace: (error as Error).stack ?? String(error) } },
      error,
    );
  }
  return frameToModelData(frame, schema);
}
