/**
 * Scalars and keys as Python's `yaml.safe_load` constructs them (shared by the full and the fast
 * YAML readers).
 * @module
 */
import type { PlainScalarTag } from './pyyaml-emitter.js';

function constructInt(text: string): number | bigint {
  let value = text.replaceAll('_', '');
  let sign = 1n;
  if (value.startsWith('-')) sign = -1n;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  let result: bigint;
  if (value === '0') result = 0n;
  else if (value.startsWith('0b')) result = BigInt(`0b${value.slice(2)}`);
  else if (value.startsWith('0x')) result = BigInt(`0x${value.slice(2)}`);
  else if (value.startsWith('0')) result = BigInt(`0o${value.slice(1)}`);
  else if (value.includes(':')) {
    result = 0n;
    for (const part of value.split(':')) result = result * 60n + BigInt(part);
  } else result = BigInt(value);
  result *= sign;
  return result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(result)
    : result;
}

function constructFloat(text: string): number {
  let value = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (value.startsWith('-')) sign = -1;
  if (value.startsWith('-') || value.startsWith('+')) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return Number.NaN;
  if (value.includes(':')) {
    let result = 0;
    for (const part of value.split(':')) result = result * 60 + Number(part);
    return sign * result;
  }
  return sign * Number(value.endsWith('.') ? value.slice(0, -1) : value);
}

export function constructScalar(tag: PlainScalarTag, text: string): unknown {
  switch (tag) {
    case 'null':
      return null;
    case 'bool':
      return ['yes', 'true', 'on'].includes(text.toLowerCase());
    case 'int':
      return constructInt(text);
    case 'float':
      return constructFloat(text);
    default:
      return text; // str, timestamp (kept as text), merge/value/yaml outside a key position
  }
}

export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function keyText(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}
