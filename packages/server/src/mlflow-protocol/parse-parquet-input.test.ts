import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parseInvocationParquet } from './parse-parquet-input.js';
import { parseSignatureView } from './signature-view.js';

const parquet = (columnData: Parameters<typeof parquetWriteBuffer>[0]['columnData']): Uint8Array => new Uint8Array(parquetWriteBuffer({ columnData }));

describe('parseInvocationParquet (application/vnd.apache.parquet bodies)', () => {
  it('reads a Parquet file into a table, column order and types kept', async () => {
    const body = parquet([
      { name: 'zip', data: ['95120', '95128'], type: 'STRING' },
      { name: 'cost', data: [10.45, 23], type: 'DOUBLE' },
      { name: 'score', data: [8, 0], type: 'INT32' },
    ]);
    const data = await parseInvocationParquet(body, undefined);
    expect(data.kind).toBe('table');
    if (data.kind !== 'table') return;
    expect(data.table.columns).toEqual(['zip', 'cost', 'score']);
    expect(data.table.rowCount).toBe(2);
    expect(Array.from(data.table.data.zip!)).toEqual(['95120', '95128']);
    expect(Array.from(data.table.data.cost!)).toEqual([10.45, 23]);
  });

  it('casts to a tensor signature like a dataframe_split body (rows of all columns)', async () => {
    const signature = parseSignatureView({ inputs: JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 2] } }]) });
    const body = parquet([
      { name: '0', data: [1, 3], type: 'DOUBLE' },
      { name: '1', data: [2n, 4n], type: 'INT64' },
    ]);
    expect(await parseInvocationParquet(body, signature?.inputs)).toEqual({
      kind: 'tensor',
      tensor: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    });
  });

  it("a body that is not Parquet is MLflow's 400 message, with a stack trace", async () => {
    const error = await parseInvocationParquet(new TextEncoder().encode('not parquet'), undefined).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('ERR_SERVER_PARQUET_PARSE');
    expect((error as Error).message).toMatch(
      /^Failed to parse input as a Pandas DataFrame\. Ensure that the input is a valid Parquet Pandas DataFrame produced using the `pandas\.DataFrame\.to_parquet\(\)` method\. Error: '.+'$/,
    );
    expect((error as { details: { extra: { stack_trace: string } } }).details.extra.stack_trace).toBeTypeOf('string');
  });
});
