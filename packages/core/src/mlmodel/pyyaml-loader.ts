/**
 * A YAML reader that gives the values Python's `yaml.safe_load` (PyYAML 6, YAML 1.1 rules) gives,
 * so an `MLmodel` means the same thing to jsfunc as to MLflow. The `yaml` package parses the
 * text; scalars are then resolved with PyYAML's implicit rules (`yes`/`on` are booleans, `0x1F`
 * and `0777` are integers, `1e5` is a string, quoted text is always a string).
 *
 * Python to JavaScript mapping: `str` -> string, `int` -> number (bigint beyond 2^53), `float` ->
 * number, `bool` -> boolean, `None` -> null, list -> array, dict -> plain object (non-string keys
 * become their text). Differences from PyYAML, on purpose:
 * - an unquoted timestamp (`2023-01-01 10:00:00`) stays its text (PyYAML gives a `datetime`;
 *   MLflow always writes `utc_time_created` quoted, so MLmodel files never hit this);
 * - `!!binary` and Python-specific tags are rejected, as `safe_load` rejects the latter.
 * @module
 */
import {
  type Document,
  type Node as YamlNode,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { jsfuncError } from '../errors/jsfunc-error.js';
import { resolvePlainScalar } from './pyyaml-emitter.js';
import { NOT_SIMPLE, fastLoadYaml } from './pyyaml-fast-loader.js';
import { constructScalar, keyText, setKey } from './pyyaml-scalars.js';

const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';

/** Where in the text a YAML problem is (1-based), when known. */
export interface YamlErrorPosition {
  line?: number;
  column?: number;
}

function lineOf(error: YAMLError): YamlErrorPosition {
  const position = error.linePos?.[0];
  return position ? { line: position.line, column: position.col } : {};
}

function invalid(message: string, source: string, position: YamlErrorPosition, cause?: unknown): never {
  const where = position.line === undefined ? '' : ` (line ${position.line}, column ${position.column})`;
  throw jsfuncError(
    'ERR_YAML_INVALID',
    `Could not read YAML from ${source}${where}: ${message}`,
    { source, ...position },
    cause,
  );
}

/**
 * Parses one YAML document the way Python's `yaml.safe_load` reads it.
 * @param text The YAML text.
 * @param source Where the text came from (a path or URI), used in error messages.
 * @returns Plain data (see the module comment for the type mapping); `null` for an empty document.
 * @throws JsfuncError `ERR_YAML_INVALID` with `details.line`/`details.column` for malformed YAML,
 *   several documents, unsupported tags or unhashable keys.
 */
export function loadYaml(text: string, source = '<string>'): unknown {
  // PyYAML's own block style (every MLmodel MLflow or jsfunc writes) has a fast reader; anything
  // else, and every error, goes through the full parser.
  const fast = fastLoadYaml(text);
  return fast === NOT_SIMPLE ? loadYamlFull(text, source) : fast;
}

/** {@link loadYaml} without the fast reader (what the fast reader is tested against). */
export function loadYamlFull(text: string, source = '<string>'): unknown {
  let document: Document.Parsed;
  try {
    document = parseDocument(text, {
      schema: 'failsafe',
      version: '1.1',
      uniqueKeys: false,
      prettyErrors: true,
    });
  } catch (error) {
    return invalid(String(error), source, {}, error);
  }
  const firstError = document.errors[0];
  if (firstError) invalid(firstError.message, source, lineOf(firstError), firstError);

  const constructed = new Map<YamlNode, unknown>();
  const positionOf = (node: YamlNode): YamlErrorPosition => {
    const offset = node.range?.[0];
    if (offset === undefined) return {};
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  };

  const construct = (node: YamlNode | null | undefined): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (!target) invalid(`unknown alias *${node.source}`, source, positionOf(node));
      return construct(target as YamlNode);
    }
    if (constructed.has(node)) return constructed.get(node);
    const tag = node.tag;
    if (isScalar(node)) {
      const raw = String(node.value ?? '');
      if (tag === undefined || tag === '!') {
        return node.type === 'PLAIN' && tag === undefined ? constructScalar(resolvePlainScalar(raw), raw) : raw;
      }
      const short = tag.startsWith(CORE_TAG_PREFIX) ? tag.slice(CORE_TAG_PREFIX.length) : tag;
      if (short === 'str') return raw;
      if (short === 'null' || short === 'bool' || short === 'int' || short === 'float') {
        const resolved = resolvePlainScalar(raw);
        if (resolved !== short && !(short === 'float' && resolved === 'int')) {
          invalid(`the value ${JSON.stringify(raw)} is not a valid !!${short}`, source, positionOf(node));
        }
        return constructScalar(short, raw);
      }
      if (short === 'timestamp') return raw;
      return invalid(
        `the tag ${tag} is not supported (only plain data, as yaml.safe_load reads it)`,
        source,
        positionOf(node),
      );
    }
    if (isSeq(node)) {
      if (tag !== undefined && tag !== `${CORE_TAG_PREFIX}seq`) {
        invalid(`the tag ${tag} is not supported on a sequence`, source, positionOf(node));
      }
      const result: unknown[] = [];
      constructed.set(node, result);
      for (const item of node.items) result.push(construct(item as YamlNode | null));
      return result;
    }
    if (isMap(node)) {
      if (tag !== undefined && tag !== `${CORE_TAG_PREFIX}map`) {
        invalid(`the tag ${tag} is not supported on a mapping`, source, positionOf(node));
      }
      const result: Record<string, unknown> = {};
      constructed.set(node, result);
      const merged: Array<[string, unknown]> = [];
      const own: Array<[string, unknown]> = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const isMergeKey =
          keyNode !== null &&
          isScalar(keyNode) &&
          keyNode.type === 'PLAIN' &&
          keyNode.tag === undefined &&
          String(keyNode.value) === '<<';
        if (isMergeKey) {
          const value = construct(pair.value as YamlNode | null);
          const sources = Array.isArray(value) ? [...value].reverse() : [value];
          for (const item of sources) {
            if (typeof item !== 'object' || item === null || Array.isArray(item)) {
              invalid('a merge key (<<) expects a mapping or a list of mappings', source, positionOf(keyNode));
            }
            merged.push(...Object.entries(item as Record<string, unknown>));
          }
          continue;
        }
        const key = construct(keyNode);
        if (typeof key === 'object' && key !== null) {
          invalid('found an unhashable key (a list or mapping used as a key)', source, positionOf(keyNode as YamlNode));
        }
        own.push([keyText(key), construct(pair.value as YamlNode | null)]);
      }
      for (const [key, value] of [...merged, ...own]) setKey(result, key, value);
      return result;
    }
    return invalid('unexpected YAML node', source, positionOf(node));
  };

  return construct(document.contents as YamlNode | null);
}
