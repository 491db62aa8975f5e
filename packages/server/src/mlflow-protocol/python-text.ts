import type { ModelDataV1, TableV1, TensorV1 } from '@jsfunc/core';
import { flatValues } from '../data/tensor-data.js';
import type { SchemaView } from './signature-view.js';

/**
 * Python renderings used in MLflow's `/invocations` error messages, so jsfunc's messages read like
 * the ones `mlflow models serve` writes: `repr` of a string, `<class 'str'>`, list and set reprs,
 * an approximation of numpy's and pandas' printing of the request data, and a schema's `repr`.
 * @module
 */

/** Python's `repr` of a string: `'x'`, or `"it's"` when the text holds a single quote only. */
export function pythonStringRepr(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (text.includes("'") && !text.includes('"')) return `"${escaped}"`;
  return `'${escaped.replaceAll("'", "\\'")}'`;
}

/**
 * The name of the Python type `json.loads` gives for a parsed JSON value: `str`, `int`, `float`,
 * `bool`, `NoneType`, `list`, `dict`. A number is `int` when it is integral (JSON text such as
 * `1.0`, a Python float, cannot be told apart once parsed; pass `source` to decide from the text).
 */
export function pythonTypeOf(value: unknown, source?: string): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') {
    if (source !== undefined) return /^\s*-?\d+\s*$/.test(source) ? 'int' : 'float';
    return Number.isInteger(value) ? 'int' : 'float';
  }
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** Python's `type(value)` as printed: `<class 'str'>`. */
export function pythonClassOf(value: unknown, source?: string): string {
  return `<class '${pythonTypeOf(value, source)}'>`;
}

/** Python's `repr` of a list of strings: `['a', 'b']`. */
export function pythonStringList(items: readonly string[]): string {
  return `[${items.map(pythonStringRepr).join(', ')}]`;
}

/**
 * Python's `repr` of a set of strings: `{'a', 'b'}` (`set()` when empty). Python prints a set in
 * hash order, which changes with every interpreter start (string hashing is salted per process),
 * so no order matches MLflow's every time; jsfunc prints the items sorted, which is stable.
 */
export function pythonStringSet(items: Iterable<string>): string {
  const sorted = [...new Set(items)].sort();
  return sorted.length === 0 ? 'set()' : `{${sorted.map(pythonStringRepr).join(', ')}}`;
}

function shortestFloat(value: number, dtype: string): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (dtype === 'float64') return String(value);
  for (let digits = 1; digits <= 9; digits += 1) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(value);
}

/** numpy's `str` of the elements of one array, padded to a common width as numpy aligns them. */
function numpyElements(tensor: TensorV1): string[] {
  const values = flatValues(tensor);
  const { dtype } = tensor;
  if (dtype === 'string') return values.map((v) => pythonStringRepr(String(v)));
  if (dtype === 'bool') {
    const texts = values.map((v) => (v ? 'True' : 'False'));
    return texts.map((t) => t.padStart(values.length > 1 && texts.some((x) => x === 'False') ? 5 : t.length));
  }
  if (dtype.startsWith('float')) {
    const texts = values.map((v) => (v === null ? 'nan' : shortestFloat(v as number, dtype)));
    const parts = texts.map((t) => {
      if (/^-?\d+$/.test(t)) return [t, '.'] as const;
      const dot = t.indexOf('.');
      return dot < 0 ? ([t, ''] as const) : ([t.slice(0, dot), t.slice(dot)] as const);
    });
    const intWidth = Math.max(0, ...parts.map(([whole]) => whole.length));
    const fracWidth = Math.max(0, ...parts.map(([, frac]) => frac.length));
    return parts.map(([whole, frac]) => whole.padStart(intWidth) + frac.padEnd(fracWidth));
  }
  const texts = values.map((v) => String(v));
  const width = Math.max(0, ...texts.map((t) => t.length));
  return texts.map((t) => t.padStart(width));
}

/**
 * An approximation of numpy's `str(array)`: nested brackets, elements aligned, rows on new lines
 * (`[[1. 2. 3.]]`). Long arrays are summarised with `...` like numpy; numpy's 75-column line
 * wrapping is not reproduced.
 */
export function numpyArrayText(tensor: TensorV1): string {
  const elements = numpyElements(tensor);
  const { shape } = tensor;
  if (shape.length === 0) return elements[0] ?? '';
  const summarise = elements.length > 1000;
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const build = (axis: number, base: number): string => {
    const size = shape[axis]!;
    const indices =
      summarise && size > 6 ? [0, 1, 2, -1, size - 3, size - 2, size - 1] : Array.from({ length: size }, (_, i) => i);
    if (axis === shape.length - 1) {
      return `[${indices.map((i) => (i < 0 ? '...' : elements[base + i]!)).join(' ')}]`;
    }
    const separator = `${'\n'.repeat(shape.length - axis - 1)}${' '.repeat(axis + 1)}`;
    return `[${indices.map((i) => (i < 0 ? '...' : build(axis + 1, base + i * strides[axis]!))).join(separator)}]`;
  };
  return build(0, 0);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NaN';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? String(value);
}

/** An approximation of pandas' `str(DataFrame)`: an index column, then right-aligned columns. */
export function pandasFrameText(table: TableV1): string {
  const rows = Math.min(table.rowCount, 60);
  const index = Array.from({ length: rows }, (_, r) => String(r));
  const indexWidth = Math.max(0, ...index.map((i) => i.length));
  const columns = table.columns.map((name) => {
    const cells = Array.from({ length: rows }, (_, r) => cellText((table.data[name] as ArrayLike<unknown>)[r]));
    const width = Math.max(name.length, ...cells.map((c) => c.length));
    return { header: name.padStart(width), cells: cells.map((c) => c.padStart(width)) };
  });
  const lines = [[' '.repeat(indexWidth), ...columns.map((c) => c.header)].join('  ')];
  for (let r = 0; r < rows; r += 1) lines.push([index[r]!.padEnd(indexWidth), ...columns.map((c) => c.cells[r]!)].join('  '));
  return lines.join('\n');
}

/** How MLflow's message shows the request data it could not score (numpy / pandas printing, approximated). */
export function pythonDataText(data: ModelDataV1): string {
  switch (data.kind) {
    case 'tensor':
      return numpyArrayText(data.tensor);
    case 'tensors':
      return `{${Object.entries(data.tensors)
        .map(([name, tensor]) => `${pythonStringRepr(name)}: array(${numpyArrayText(tensor)}, dtype=${tensor.dtype === 'string' ? 'object' : tensor.dtype})`)
        .join(', ')}}`;
    case 'table':
      return pandasFrameText(data.table);
    default:
      return JSON.stringify((data as { value?: unknown }).value) ?? String(data);
  }
}

function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A schema's `repr` as MLflow prints it: `[Tensor('float32', (-1, 10))]`, `['a': double (required)]`. */
export function pythonSchemaText(schema: SchemaView): string {
  if (schema.kind === 'tensors') {
    return `[${schema.tensors
      .map((t) => {
        const info = `Tensor(${pythonStringRepr(t.dtype === 'string' ? 'object' : t.dtype)}, ${shapeTuple(t.shape)})`;
        return t.name === undefined ? info : `${pythonStringRepr(t.name)}: ${info}`;
      })
      .join(', ')}]`;
  }
  return `[${schema.columns
    .map((c) => {
      const type = typeof c.type === 'string' ? c.type : JSON.stringify(c.type);
      const text = `${type} (${c.required ? 'required' : 'optional'})`;
      return c.name === undefined ? text : `${pythonStringRepr(c.name)}: ${text}`;
    })
    .join(', ')}]`;
}

/**
 * The message numpy raises when `np.array([value], dtype=dtype)` cannot cast a JSON value (what
 * MLflow reports, after `Invalid input. `, for a tensor input it cannot cast):
 * `could not convert string to float: 'x'`, `invalid literal for int() with base 10: 'x'`, ...
 */
export function numpyCastMessage(value: unknown, dtype: string): string {
  if (dtype.startsWith('float')) {
    return typeof value === 'string'
      ? `could not convert string to float: ${pythonStringRepr(value)}`
      : `float() argument must be a string or a real number, not '${pythonTypeOf(value)}'`;
  }
  return typeof value === 'string'
    ? `invalid literal for int() with base 10: ${pythonStringRepr(value)}`
    : `int() argument must be a string, a bytes-like object or a real number, not '${pythonTypeOf(value)}'`;
}
