/**
 * JSON.stringify that also writes bigints (as JSON numbers, digits exact), typed arrays (as lists),
 * `Uint8Array` cells of binary columns (base64 strings, like MLflow) and non-finite numbers (as null).
 */
export function stringifyJson(value: unknown): string {
  let hasBigInt = false;
  const text = JSON.stringify(value, function replacer(this: unknown, _key: string, current: unknown) {
    if (typeof current === 'bigint') {
      hasBigInt = true;
      return `\u0000${current.toString()}\u0000`;
    }
    if (current instanceof Uint8Array) return Buffer.from(current.buffer, current.byteOffset, current.byteLength).toString('base64');
    if (ArrayBuffer.isView(current) && !(current instanceof DataView)) {
      return Array.from(current as unknown as ArrayLike<unknown>, (v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
    }
    if (current instanceof Date) return current.toISOString();
    return current;
  });
  if (text === undefined) return 'null';
  return hasBigInt ? text.replace(/"\\u0000(-?\d+)\\u0000"/g, '$1') : text;
}
