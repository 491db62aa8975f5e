import type { ModelDataV1, TableV1 } from '@jsfunc/core';
import { jsonScalar, nestedFromTensor } from '../data/tensor-data.js';

function cell(value: unknown): unknown {
  if (typeof value === 'bigint') return jsonScalar(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** A table as a list of row objects (pandas `orient="records"`). */
export function tableToRecords(table: TableV1): Record<string, unknown>[] {
  const rows = new Array<Record<string, unknown>>(table.rowCount);
  for (let r = 0; r < table.rowCount; r += 1) {
    const row: Record<string, unknown> = {};
    for (const column of table.columns) row[column] = cell(table.data[column]?.[r]);
    rows[r] = row;
  }
  return rows;
}

/**
 * The JSON value MLflow answers for a prediction: a tensor as nested lists, named tensors as
 * `{name: nested list}`, a table as a list of records, anything else as is.
 */
export function toJsonable(data: ModelDataV1): unknown {
  switch (data.kind) {
    case 'tensor':
      return nestedFromTensor(data.tensor);
    case 'tensors': {
      const out: Record<string, unknown> = {};
      for (const [name, tensor] of Object.entries(data.tensors)) out[name] = nestedFromTensor(tensor);
      return out;
    }
    case 'table':
      return tableToRecords(data.table);
    default:
      return data.value;
  }
}

/** The `/invocations` success body: `{"predictions": ...}`, or the raw prediction for chat payloads. */
export function serializePredictions(data: ModelDataV1, unwrapped: boolean): unknown {
  const jsonable = toJsonable(data);
  return unwrapped ? jsonable : { predictions: jsonable };
}
