import type { ModelDataV1, TableV1, TensorV1 } from '@jsfunc/core';

/** Rows (first dimension) of a batchable input, or undefined when the input cannot be batched. */
export function batchRows(data: ModelDataV1): number | undefined {
  switch (data.kind) {
    case 'tensor':
      return data.tensor.shape.length >= 1 ? data.tensor.shape[0] : undefined;
    case 'tensors': {
      const tensors = Object.values(data.tensors);
      if (tensors.length === 0) return undefined;
      const rows = tensors[0]!.shape[0];
      return rows !== undefined && tensors.every((t) => t.shape.length >= 1 && t.shape[0] === rows) ? rows : undefined;
    }
    case 'table':
      return data.table.rowCount;
    default:
      return undefined;
  }
}

function tensorKey(t: TensorV1): string {
  return `${t.dtype}[${t.shape.slice(1).join(',')}]`;
}

/** Two inputs can share a batch when they have the same kind, names, dtypes and inner dimensions. */
export function batchKey(data: ModelDataV1): string | undefined {
  switch (data.kind) {
    case 'tensor':
      return `t:${tensorKey(data.tensor)}`;
    case 'tensors':
      return `n:${Object.keys(data.tensors).sort().map((name) => `${name}=${tensorKey(data.tensors[name]!)}`).join(';')}`;
    case 'table':
      return `c:${data.table.columns
        .map((c) => {
          const column = data.table.data[c] as unknown as { constructor?: { name?: string } };
          return `${c}:${Array.isArray(column) ? 'array' : column?.constructor?.name}`;
        })
        .join(';')}`;
    default:
      return undefined;
  }
}

function concatStorage(parts: readonly ArrayLike<unknown>[]): ArrayLike<unknown> {
  const first = parts[0]!;
  if (Array.isArray(first)) return ([] as unknown[]).concat(...(parts as unknown[][]));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const Constructor = (first as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } }).constructor;
  const out = new Constructor(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out as unknown as ArrayLike<unknown>;
}

function sliceStorage(storage: ArrayLike<unknown>, start: number, end: number): ArrayLike<unknown> {
  return (storage as unknown as { slice(a: number, b: number): ArrayLike<unknown> }).slice(start, end);
}

function concatTensors(tensors: readonly TensorV1[]): TensorV1 {
  const rows = tensors.reduce((n, t) => n + t.shape[0]!, 0);
  return {
    dtype: tensors[0]!.dtype,
    shape: [rows, ...tensors[0]!.shape.slice(1)],
    data: concatStorage(tensors.map((t) => t.data as ArrayLike<unknown>)) as TensorV1['data'],
  };
}

/** Concatenates compatible inputs along the first dimension. */
export function concatBatch(items: readonly ModelDataV1[]): ModelDataV1 {
  const first = items[0]!;
  if (first.kind === 'tensor') return { kind: 'tensor', tensor: concatTensors(items.map((i) => (i as { tensor: TensorV1 }).tensor)) };
  if (first.kind === 'tensors') {
    const tensors: Record<string, TensorV1> = {};
    for (const name of Object.keys(first.tensors)) {
      tensors[name] = concatTensors(items.map((i) => (i as { tensors: Record<string, TensorV1> }).tensors[name]!));
    }
    return { kind: 'tensors', tensors };
  }
  const tables = items.map((i) => (i as { table: TableV1 }).table);
  const data: Record<string, ArrayLike<unknown>> = {};
  for (const column of tables[0]!.columns) data[column] = concatStorage(tables.map((t) => t.data[column]!));
  return { kind: 'table', table: { columns: tables[0]!.columns, data, rowCount: tables.reduce((n, t) => n + t.rowCount, 0) } };
}

function sliceTensor(tensor: TensorV1, start: number, end: number): TensorV1 {
  const inner = tensor.shape.slice(1).reduce((n, d) => n * d, 1);
  return {
    dtype: tensor.dtype,
    shape: [end - start, ...tensor.shape.slice(1)],
    data: sliceStorage(tensor.data as ArrayLike<unknown>, start * inner, end * inner) as TensorV1['data'],
  };
}

/**
 * Splits a batched output back into one output per request, by row counts. Returns undefined when
 * the output does not carry the batch as its first dimension (the caller then runs requests alone).
 */
export function splitBatch(output: ModelDataV1, rows: readonly number[]): ModelDataV1[] | undefined {
  const total = rows.reduce((n, r) => n + r, 0);
  if (batchRows(output) !== total) return undefined;
  const results: ModelDataV1[] = [];
  let start = 0;
  for (const count of rows) {
    const end = start + count;
    if (output.kind === 'tensor') results.push({ kind: 'tensor', tensor: sliceTensor(output.tensor, start, end) });
    else if (output.kind === 'tensors') {
      const tensors: Record<string, TensorV1> = {};
      for (const [name, tensor] of Object.entries(output.tensors)) tensors[name] = sliceTensor(tensor, start, end);
      results.push({ kind: 'tensors', tensors });
    } else if (output.kind === 'table') {
      const data: Record<string, ArrayLike<unknown>> = {};
      for (const column of output.table.columns) data[column] = sliceStorage(output.table.data[column]!, start, end);
      results.push({ kind: 'table', table: { columns: output.table.columns, data, rowCount: count } });
    }
    start = end;
  }
  return results;
}
