/**
 * Formatting helpers that write values the way Python does, so signature JSON and error messages
 * match MLflow's byte for byte: `json.dumps` (default separators, `ensure_ascii`), `repr`, `str`
 * and Python type names.
 * @module
 */
import { YamlFloat, pythonFloatRepr } from '../mlmodel/pyyaml-emitter.js';

function jsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const ch = text[index] as string;
    const code = text.charCodeAt(index);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function jsonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return pythonFloatRepr(value);
}

/**
 * Python's `json.dumps(value)` with default settings: separators `", "` and `": "`, non-ASCII
 * escaped as `\uXXXX`, keys in insertion order. Integer-valued numbers are written as ints; wrap a
 * number in `YamlFloat` to write it as a Python float (`1.0`). `Date`s are not JSON; convert them
 * first. `undefined` object values are skipped.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : jsonFloat(value);
  if (value instanceof YamlFloat) return jsonFloat(value.value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      parts.push(`${jsonString(key)}: ${pythonJsonDumps(item)}`);
    }
    return `{${parts.join(', ')}}`;
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`);
}

/** Python's `repr` of a JSON-like JavaScript value (`'a'`, `True`, `None`, `[1, 2]`, `{'k': 1}`). */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value
      .replaceAll('\\', '\\\\')
      .replaceAll('\n', '\\n')
      .replaceAll('\t', '\\t')
      .replaceAll('\r', '\\r');
    return quote === "'" ? `'${escaped.replaceAll("'", "\\'")}'` : `"${escaped}"`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `array([${Array.from(value as unknown as ArrayLike<unknown>, pythonRepr).join(', ')}])`;
  }
  if (value instanceof Uint8Array) return `b'...'`;
  if (value instanceof Set) return `{${[...value].map(pythonRepr).join(', ')}}`;
  if (value instanceof Date) return `datetime.datetime(${formatPythonDatetime(value)})`;
  if (value instanceof YamlFloat) return pythonFloatRepr(value.value);
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return pythonStr(value);
}

/** Python's `str` of a JSON-like JavaScript value (`a`, `True`, `None`, `1.5`, `['a']`). */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return formatPythonDatetime(value);
  return pythonRepr(value);
}

/** Python's `str(datetime)` of the UTC time of `date`: `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
function formatPythonDatetime(date: Date): string {
  return isoFormat(date).replace('T', ' ');
}

/** Python's `datetime.isoformat()` of the UTC time of a date: `YYYY-MM-DDTHH:MM:SS[.ffffff]`. */
export function isoFormat(date: Date): string {
  const text = date.toISOString(); // 2023-06-26T00:00:00.000Z
  const milliseconds = date.getUTCMilliseconds();
  const base = text.slice(0, 19);
  return milliseconds === 0 ? base : `${base}.${String(milliseconds * 1000).padStart(6, '0')}`;
}

/** Python's tuple syntax for a shape: `(-1,)`, `(2, 3)`, `()`. */
export function pythonTuple(values: readonly number[] | null | undefined): string {
  if (values === null || values === undefined) return 'None';
  if (values.length === 1) return `(${values[0]},)`;
  return `(${values.join(', ')})`;
}

/**
 * The Python type name MLflow's messages would show for a JavaScript value: `str`, `int` (integer
 * numbers and bigints), `float`, `bool`, `NoneType`, `list`, `dict`, `bytes` (Uint8Array),
 * `ndarray` (other typed arrays), `datetime`, `set`.
 */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Uint8Array) return 'bytes';
  if (ArrayBuffer.isView(value)) return 'ndarray';
  if (value instanceof Date) return 'datetime';
  if (value instanceof Set) return 'set';
  if (value instanceof Map) return 'dict';
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype === Object.prototype || prototype === null) return 'dict';
    return (value as object).constructor?.name ?? 'object';
  }
  return typeof value;
}
