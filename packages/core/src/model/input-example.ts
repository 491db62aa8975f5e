import type { ModelDataV1, ParamsV1 } from '../spec/v1/tensor.js';
import { tableToRecords, toModelData } from '../input/model-data.js';
import { tensorToNestedArray } from '../input/tensor.js';

/** The files MLflow writes for an input example. */
export const INPUT_EXAMPLE_FILE = 'input_example.json';
export const SERVING_INPUT_EXAMPLE_FILE = 'serving_input_example.json';

/** The two example files and the `saved_input_example_info` block, as MLflow writes them. */
export interface SavedInputExample {
  inputExample: string;
  servingInputExample: string;
  info: Record<string, unknown>;
}

function exampleBody(data: ModelDataV1): { body: unknown; type: string; serving: Record<string, unknown> } {
  switch (data.kind) {
    case 'table': {
      const rows = tableToRecords(data.table).map((record) => data.table.columns.map((column) => record[column] ?? null));
      const split = { columns: [...data.table.columns], data: rows };
      return { body: split, type: 'dataframe', serving: { dataframe_split: split } };
    }
    case 'tensor': {
      const nested = tensorToNestedArray(data.tensor);
      return { body: nested, type: 'ndarray', serving: { inputs: nested } };
    }
    case 'tensors': {
      const named = Object.fromEntries(Object.entries(data.tensors).map(([name, tensor]) => [name, tensorToNestedArray(tensor)]));
      return { body: named, type: 'ndarray', serving: { inputs: named } };
    }
    case 'value': {
      const value = data.value;
      const chat =
        typeof value === 'object' && value !== null && !Array.isArray(value) && ['messages', 'prompt', 'input'].some((key) => key in value);
      return { body: value, type: 'json_object', serving: chat ? { ...(value as Record<string, unknown>) } : { inputs: value } };
    }
  }
}

/** Serialises an input example (any form `predict` accepts) into MLflow's example files. */
export function serializeInputExample(example: unknown, params?: ParamsV1): SavedInputExample {
  const { data } = toModelData(example);
  const { body, type, serving } = exampleBody(data);
  const info: Record<string, unknown> = { artifact_path: INPUT_EXAMPLE_FILE, type, serving_input_path: SERVING_INPUT_EXAMPLE_FILE };
  if (type === 'dataframe') info.pandas_orient = 'split';
  const servingBody: Record<string, unknown> = { ...serving };
  let fileBody: unknown = body;
  if (params !== undefined && Object.keys(params).length > 0) {
    fileBody = { inputs: body, params };
    servingBody.params = params;
    info.params = 'true';
  }
  return {
    inputExample: JSON.stringify(fileBody, bigintReplacer),
    servingInputExample: JSON.stringify(servingBody, bigintReplacer, 2),
    info,
  };
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
