/**
 * MLflow's column type system: the primitive `DataType` names and the composite `Array`, `Object`,
 * `Map` and `Any` types, as plain data, with their JSON form (`{"type": "array", "items": ...}`).
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';
import { compareCodePoints } from '../mlmodel/pyyaml-emitter.js';

/** The primitive MLflow data types (`mlflow.types.DataType`). */
export type DataTypeName =
  | 'string'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'datetime';

/** Every primitive data type name, in MLflow's enum order. */
export const DATA_TYPE_NAMES: readonly DataTypeName[] = [
  'boolean',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'datetime',
];

/** True when `value` is one of the primitive MLflow data type names. */
export function isDataTypeName(value: unknown): value is DataTypeName {
  return typeof value === 'string' && (DATA_TYPE_NAMES as readonly string[]).includes(value);
}

/** A list whose items all have one type (MLflow `Array`). */
export interface ArrayType {
  readonly type: 'array';
  readonly items: ColumnType;
}

/** One named property of an {@link ObjectType}. */
export interface PropertyType {
  readonly name: string;
  readonly dtype: ColumnType;
  readonly required: boolean;
}

/** A JSON object with known properties, kept sorted by name (MLflow `Object`). */
export interface ObjectType {
  readonly type: 'object';
  readonly properties: readonly PropertyType[];
}

/** A JSON object with string keys and values of one type (MLflow `Map`). */
export interface MapType {
  readonly type: 'map';
  readonly values: ColumnType;
}

/** Anything, including null; not validated (MLflow `AnyType`). */
export interface AnyType {
  readonly type: 'any';
}

/** A Spark ML vector (MLflow `SparkMLVector`); kept for round-tripping, not enforced. */
export interface SparkMLVectorType {
  readonly type: 'sparkml_vector';
}

/** The type of a column or property: a primitive name or a composite type. */
export type ColumnType = DataTypeName | ArrayType | ObjectType | MapType | AnyType | SparkMLVectorType;

function schemaInvalid(message: string, details: Record<string, unknown> = {}): never {
  throw jsfuncError('ERR_SCHEMA_INVALID', message, details);
}

/** Builds an {@link ArrayType}. */
export function arrayType(items: ColumnType): ArrayType {
  return { type: 'array', items };
}

/** Builds a {@link MapType}. */
export function mapType(values: ColumnType): MapType {
  return { type: 'map', values };
}

/** Builds an {@link AnyType}. */
export function anyType(): AnyType {
  return { type: 'any' };
}

/**
 * Builds an {@link ObjectType}, sorting the properties by name.
 * @throws JsfuncError `ERR_SCHEMA_INVALID` for no properties or duplicate names.
 */
export function objectType(properties: readonly PropertyType[]): ObjectType {
  if (properties.length === 0) schemaInvalid('Creating Object with empty properties is not allowed.');
  const names = properties.map((property) => property.name);
  const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (duplicates.length > 0) {
    schemaInvalid(`Found duplicated property names: ${duplicates.join(', ')}`, { duplicates });
  }
  return {
    type: 'object',
    properties: [...properties].sort((a, b) => compareCodePoints(a.name, b.name)),
  };
}

/** Builds a {@link PropertyType} (required unless said otherwise). */
export function property(name: string, dtype: ColumnType, required = true): PropertyType {
  return { name, dtype, required };
}

/**
 * The JSON dict MLflow writes for a type: `{"type": "long"}` for primitives, the composite dict
 * (`{"type": "array", "items": ...}`) otherwise. Key order matches MLflow's.
 */
export function columnTypeToDict(type: ColumnType): Record<string, unknown> {
  if (typeof type === 'string') return { type };
  switch (type.type) {
    case 'array':
      return { type: 'array', items: columnTypeToDict(type.items) };
    case 'map':
      return { type: 'map', values: columnTypeToDict(type.values) };
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const item of type.properties) {
        properties[item.name] = { ...columnTypeToDict(item.dtype), required: item.required };
      }
      return { type: 'object', properties };
    }
    default:
      return { type: type.type };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a type from its JSON dict (the inverse of {@link columnTypeToDict}).
 * @throws JsfuncError `ERR_SCHEMA_INVALID` for unknown types or missing keys.
 */
export function columnTypeFromDict(dict: unknown): ColumnType {
  if (!isRecord(dict) || typeof dict.type !== 'string') {
    schemaInvalid(`Expected a type dict with a "type" key, got ${JSON.stringify(dict)}.`);
  }
  switch (dict.type) {
    case 'array':
      if (!('items' in dict)) schemaInvalid('Missing keys in Array JSON. Expected to find keys `items` and `type`');
      return arrayType(columnTypeFromDict(dict.items));
    case 'map':
      if (!('values' in dict)) schemaInvalid('Missing keys in Map JSON. Expected to find keys `values` and `type`');
      return mapType(columnTypeFromDict(dict.values));
    case 'object': {
      if (!isRecord(dict.properties)) {
        schemaInvalid('Missing keys in Object JSON. Expected to find keys `properties` and `type`');
      }
      return objectType(
        Object.entries(dict.properties).map(([name, value]) => {
          if (!isRecord(value)) schemaInvalid('Expected properties to be a dictionary of Property JSON');
          const required = value.required === undefined ? true : Boolean(value.required);
          return property(name, columnTypeFromDict(value), required);
        }),
      );
    }
    case 'any':
      return anyType();
    case 'sparkml_vector':
      return { type: 'sparkml_vector' };
    default:
      if (isDataTypeName(dict.type)) return dict.type;
      return schemaInvalid(
        `Unsupported type '${dict.type}', expected one of ${DATA_TYPE_NAMES.join(', ')}, array, object, map or any.`,
        { type: dict.type },
      );
  }
}

/** MLflow's `repr` of a type: `long`, `Array(string)`, `{a: string (required)}`, `Map(str -> long)`, `Any`. */
export function formatColumnType(type: ColumnType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'array':
      return `Array(${formatColumnType(type.items)})`;
    case 'map':
      return `Map(str -> ${formatColumnType(type.values)})`;
    case 'object':
      return `{${type.properties
        .map((item) => `${item.name}: ${formatColumnType(item.dtype)} (${item.required ? 'required' : 'optional'})`)
        .join(', ')}}`;
    case 'any':
      return 'Any';
    default:
      return 'SparkML vector';
  }
}

/** True when two types are structurally equal. */
export function columnTypesEqual(a: ColumnType, b: ColumnType): boolean {
  return JSON.stringify(columnTypeToDict(a)) === JSON.stringify(columnTypeToDict(b));
}
