import { jsfuncError, type ModelDataV1, type TableV1, type TensorV1 } from '@jsfunc/core';

/** Rows for the forest, and whether the caller sent a table (so the answer is a table too). */
export interface ForestRows {
  rows: number[][];
  table: boolean;
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw jsfuncError('ERR_RANDOM_FOREST_INPUT_INVALID', message, details);
}

function rowsFromTensor(tensor: TensorV1, featureCount: number): number[][] {
  if (tensor.dtype === 'string' || tensor.dtype === 'bool') {
    invalid(`ml_random_forest expects a numeric tensor, found dtype ${tensor.dtype}. Send numbers (float64 is best).`, { dtype: tensor.dtype });
  }
  const shape = tensor.shape;
  if (shape.length !== 2 || shape[1] !== featureCount) {
    invalid(
      `ml_random_forest expects a tensor of shape [N, ${featureCount}] (one row of ${featureCount} features per sample), found [${shape.join(', ')}]. Reshape the input.`,
      { expectedFeatures: featureCount, shape: [...shape] },
    );
  }
  const count = shape[0]!;
  const data = tensor.data as ArrayLike<number | bigint>;
  const rows: number[][] = new Array(count);
  for (let row = 0; row < count; row++) {
    const values: number[] = new Array(featureCount);
    for (let column = 0; column < featureCount; column++) {
      const value = Number(data[row * featureCount + column]);
      // The trees would route NaN down an arbitrary branch and answer confidently: refuse it.
      if (Number.isNaN(value)) {
        invalid(`Feature ${column} of row ${row} is NaN (a missing or non-numeric value); ml_random_forest needs a number in every cell. Fill or drop missing values first.`, {
          row,
          column,
        });
      }
      values[column] = value;
    }
    rows[row] = values;
  }
  return rows;
}

function rowsFromTable(table: TableV1, featureCount: number, featureNames: readonly string[] | undefined): number[][] {
  const columns = featureNames ?? table.columns;
  if (columns.length !== featureCount) {
    invalid(
      `ml_random_forest expects ${featureCount} feature columns, found ${columns.length} (${columns.join(', ')}). Send one column per feature.`,
      { expectedFeatures: featureCount, columns: [...columns] },
    );
  }
  const missing = columns.filter((name) => table.data[name] === undefined);
  if (missing.length > 0) {
    invalid(`ml_random_forest is missing feature column(s) ${missing.join(', ')}; it needs ${columns.join(', ')}. Add them to the input.`, { missing });
  }
  const sources = columns.map((name) => table.data[name]!);
  const rows: number[][] = new Array(table.rowCount);
  for (let row = 0; row < table.rowCount; row++) {
    const values: number[] = new Array(featureCount);
    for (let column = 0; column < featureCount; column++) {
      const cell = sources[column]![row];
      const value = typeof cell === 'bigint' ? Number(cell) : cell;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        invalid(
          `Feature "${columns[column]}" of row ${row} is ${JSON.stringify(value) ?? String(value)}; ml_random_forest needs a number in every cell. Fill or drop missing values first.`,
          { column: columns[column], row },
        );
      }
      values[column] = value;
    }
    rows[row] = values;
  }
  return rows;
}

/**
 * Turns canonical input into the `number[][]` rows ml-random-forest takes: a `[N, F]` tensor row by
 * row, or a table whose columns are the features (in `featureNames` order when known, else in the
 * table's own column order).
 * @throws JsfuncError `ERR_RANDOM_FOREST_INPUT_INVALID` for any other shape or kind of input.
 */
export function toForestRows(input: ModelDataV1, featureCount: number, featureNames: readonly string[] | undefined): ForestRows {
  switch (input.kind) {
    case 'tensor':
      return { rows: rowsFromTensor(input.tensor, featureCount), table: false };
    case 'table':
      return { rows: rowsFromTable(input.table, featureCount, featureNames), table: true };
    case 'tensors': {
      const names = Object.keys(input.tensors);
      if (names.length === 1) return { rows: rowsFromTensor(input.tensors[names[0]!]!, featureCount), table: false };
      return invalid(`ml_random_forest takes one [N, ${featureCount}] tensor, found ${names.length} named tensors (${names.join(', ')}). Send a single tensor.`, {
        names,
      });
    }
    case 'value':
      return invalid(`ml_random_forest takes a [N, ${featureCount}] tensor or a table of ${featureCount} feature columns, found ${typeof input.value}.`);
  }
}
