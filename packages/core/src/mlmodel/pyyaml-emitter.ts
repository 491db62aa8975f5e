/**
 * A YAML writer that reproduces, byte for byte, what Python's
 * `yaml.safe_dump(value, default_flow_style=False)` (PyYAML 6: `sort_keys=True`, `width=80`,
 * `indent=2`, `allow_unicode=False`) writes for plain data. MLflow writes every `MLmodel` file that
 * way; writing the same bytes keeps files diff-clean when a model passes between MLflow and jsfunc.
 *
 * The writer follows PyYAML's emitter rules (scalar analysis, style choice, line folding at column
 * 80, anchors for shared objects); it is an independent implementation checked against golden
 * output produced by PyYAML itself (`__fixtures__/pyyaml-golden.json`).
 *
 * JavaScript to Python mapping:
 * - `string` -> `str`; `boolean` -> `bool`; `null` -> `None`; `bigint` -> `int`.
 * - `number`: an integer-valued finite number -> `int`; any other number -> `float` (Python `repr`
 *   rules: `0.1`, `1.0e-05`, `.inf`, `-.inf`, `.nan`). Wrap a number in {@link YamlFloat} to write
 *   an integer-valued float such as `1.0`.
 * - arrays -> `list`; plain objects and `Map`s with string keys -> `dict` (keys sorted by code
 *   point, like Python sorts `str`). An object reached twice is written once with an anchor
 *   (`&id001`) and then as an alias (`*id001`), as PyYAML does.
 * @module
 */
import { jsfuncError } from '../errors/jsfunc-error.js';

/**
 * A number that must be written as a Python `float` even when it is integer-valued (`1.0`, not
 * `1`). Plain JavaScript numbers that are integers are written as Python `int`s.
 */
export class YamlFloat {
  /** The float value. */
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const LINE_BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE_OR_END = '\0 \t\r\n\x85\u2028\u2029';

type Node =
  | { kind: 'scalar'; value: string; isString: boolean }
  | { kind: 'seq'; items: Node[]; anchor: string | undefined; source: object }
  | { kind: 'map'; entries: Array<[Node, Node]>; anchor: string | undefined; source: object };

// ---------------------------------------------------------------------------------------------
// Implicit resolution: what a plain scalar would be read back as (PyYAML's Resolver).

/** The tag PyYAML's resolver gives a plain scalar (short names of `tag:yaml.org,2002:*`). */
export type PlainScalarTag =
  | 'str'
  | 'bool'
  | 'int'
  | 'float'
  | 'null'
  | 'timestamp'
  | 'merge'
  | 'value'
  | 'yaml';

const IMPLICIT_RESOLVERS: Array<{ tag: PlainScalarTag; first: string; pattern: RegExp }> = [
  {
    tag: 'bool',
    first: 'yYnNtTfFoO',
    pattern: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  },
  {
    tag: 'float',
    first: '-+0123456789.',
    pattern:
      /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  },
  {
    tag: 'int',
    first: '-+0123456789',
    pattern:
      /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  },
  { tag: 'merge', first: '<', pattern: /^(?:<<)$/ },
  { tag: 'null', first: '~nN', pattern: /^(?:~|null|Null|NULL|)$/ },
  {
    tag: 'timestamp',
    first: '0123456789',
    pattern:
      /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  },
  { tag: 'value', first: '=', pattern: /^(?:=)$/ },
  // documentation-only in PyYAML, but registered, so it affects quoting
  { tag: 'yaml', first: '!&*', pattern: /^(?:!|&|\*)$/ },
];

/**
 * True when PyYAML would read `text`, written as a plain (unquoted) scalar, back as a string. When
 * false the text would turn into a bool, number, null, timestamp, ... and must be quoted.
 * Python's `$` also matches before one final newline; multi-line text is never written plain, so
 * that difference does not matter here.
 */
export function resolvesToPlainString(text: string): boolean {
  return resolvePlainScalar(text) === 'str';
}

/**
 * The tag PyYAML (YAML 1.1 rules) gives `text` written as a plain scalar: `'yes'` -> `bool`,
 * `'0x1F'` -> `int`, `'1.0e-05'` -> `float`, `'~'` -> `null`, `'2023-01-01'` -> `timestamp`,
 * `'1e5'` -> `str` (PyYAML floats need a dot).
 */
export function resolvePlainScalar(text: string): PlainScalarTag {
  if (text === '') return 'null';
  const first = text[0] as string;
  for (const resolver of IMPLICIT_RESOLVERS) {
    if (resolver.first.includes(first) && resolver.pattern.test(text)) return resolver.tag;
  }
  return 'str';
}

// ---------------------------------------------------------------------------------------------
// Scalar representation (PyYAML's SafeRepresenter).

function representFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  let text = pythonFloatRepr(value).toLowerCase();
  if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e');
  return text;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form when exp < -4 or >= 16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const negative = value < 0;
  const exponential = Math.abs(value).toExponential(); // shortest round-trip digits
  const match = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (!match) throw new Error(`unexpected exponential form ${exponential}`);
  const digits = (match[1] as string) + (match[2] ?? '');
  const exponent = Number(match[3]);
  const decimalPoint = exponent + 1; // position of the decimal point relative to the digits
  let body: string;
  if (decimalPoint > 16 || decimalPoint < -3) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : (digits[0] as string);
    const sign = exponent < 0 ? '-' : '+';
    body = `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  } else if (decimalPoint <= 0) {
    body = `0.${'0'.repeat(-decimalPoint)}${digits}`;
  } else if (decimalPoint >= digits.length) {
    body = `${digits}${'0'.repeat(decimalPoint - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  return negative ? `-${body}` : body;
}

/** Python's ordering of `str` values: by code point (JavaScript's default sort uses UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const x = (left[index] as string).codePointAt(0) as number;
    const y = (right[index] as string).codePointAt(0) as number;
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function unsupported(value: unknown, path: string): never {
  const found =
    value === undefined
      ? 'undefined'
      : typeof value === 'object'
        ? ((value as object).constructor?.name ?? 'object')
        : typeof value;
  throw jsfuncError(
    'ERR_YAML_UNSUPPORTED_VALUE',
    `Cannot write ${found} at ${path || '(root)'} as YAML: expected a string, number, bigint, boolean, null, array, plain object or Map with string keys. Convert the value to plain data (or drop the key) before writing.`,
    { path: path || '(root)', found },
  );
}

/** Builds the node graph, PyYAML-style: one node per object, anchors for objects seen twice. */
function represent(root: unknown): Node {
  const nodes = new Map<object, Node>();
  const build = (value: unknown, path: string): Node => {
    if (value === null) return { kind: 'scalar', value: 'null', isString: false };
    switch (typeof value) {
      case 'string':
        return { kind: 'scalar', value, isString: true };
      case 'boolean':
        return { kind: 'scalar', value: value ? 'true' : 'false', isString: false };
      case 'bigint':
        return { kind: 'scalar', value: value.toString(), isString: false };
      case 'number':
        if (Number.isInteger(value)) {
          return { kind: 'scalar', value: BigInt(value).toString(), isString: false };
        }
        return { kind: 'scalar', value: representFloat(value), isString: false };
      case 'object':
        break;
      default:
        return unsupported(value, path);
    }
    if (value instanceof YamlFloat) {
      return { kind: 'scalar', value: representFloat(value.value), isString: false };
    }
    const existing = nodes.get(value);
    if (existing) return existing;
    if (Array.isArray(value)) {
      const node: Node = { kind: 'seq', items: [], anchor: undefined, source: value };
      nodes.set(value, node);
      value.forEach((item, index) => node.items.push(build(item, `${path}[${index}]`)));
      return node;
    }
    let pairs: Array<[string, unknown]>;
    if (value instanceof Map) {
      pairs = [];
      for (const [key, item] of value) {
        if (typeof key !== 'string') unsupported(key, `${path}<map key>`);
        pairs.push([key, item]);
      }
    } else if (isPlainObject(value)) {
      pairs = Object.entries(value);
    } else {
      return unsupported(value, path);
    }
    pairs.sort((a, b) => compareCodePoints(a[0], b[0]));
    const node: Node = { kind: 'map', entries: [], anchor: undefined, source: value };
    nodes.set(value, node);
    for (const [key, item] of pairs) {
      node.entries.push([
        { kind: 'scalar', value: key, isString: true },
        build(item, path ? `${path}.${key}` : key),
      ]);
    }
    return node;
  };
  const tree = build(root, '');
  assignAnchors(tree);
  return tree;
}

/** PyYAML's Serializer.anchor_node: anchors are numbered in the order second visits happen. */
function assignAnchors(root: Node): void {
  const seen = new Map<Node, boolean>(); // value: has an anchor
  let lastId = 0;
  const visit = (node: Node): void => {
    if (node.kind !== 'seq' && node.kind !== 'map') return;
    if (seen.has(node)) {
      if (!seen.get(node)) {
        lastId += 1;
        node.anchor = `id${String(lastId).padStart(3, '0')}`;
        seen.set(node, true);
      }
      return;
    }
    seen.set(node, false);
    if (node.kind === 'seq') node.items.forEach(visit);
    else
      for (const [key, item] of node.entries) {
        visit(key);
        visit(item);
      }
  };
  visit(root);
}

// ---------------------------------------------------------------------------------------------
// Scalar analysis (PyYAML's Emitter.analyze_scalar with allow_unicode=False).

interface ScalarAnalysis {
  chars: string[]; // code points
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyzeScalar(text: string): ScalarAnalysis {
  const chars = Array.from(text);
  if (chars.length === 0) {
    return {
      chars,
      empty: true,
      multiline: false,
      allowFlowPlain: false,
      allowBlockPlain: true,
      allowSingleQuoted: true,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE_OR_END.includes(chars[1] as string);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < chars.length; ) {
    const ch = chars[index] as string;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    const isBreak = LINE_BREAKS.includes(ch);
    if (isBreak) lineBreaks = true;
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7e'))) specialCharacters = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    index += 1;
    precededByWhitespace = WHITESPACE_OR_END.includes(ch);
    followedByWhitespace =
      index + 1 >= chars.length || WHITESPACE_OR_END.includes(chars[index + 1] as string);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    allowFlowPlain = allowBlockPlain = false;
  }
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || specialCharacters) {
    allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  }
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return {
    chars,
    empty: false,
    multiline: lineBreaks,
    allowFlowPlain,
    allowBlockPlain,
    allowSingleQuoted,
  };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0a': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\x0d': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

// ---------------------------------------------------------------------------------------------
// The emitter: the subset of PyYAML's state machine reachable from safe_dump of plain data.

class Emitter {
  private readonly out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent: number | null = null;
  private readonly indents: Array<number | null> = [];
  private flowLevel = 0;
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;
  private readonly emittedAnchors = new Set<string>();

  emitDocument(root: Node): string {
    this.expectNode(root, { root: true });
    // Document end: a line break; then the stream end marker for an open-ended plain root scalar.
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out.join('');
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  private expectNode(
    node: Node,
    context: { root?: boolean; sequence?: boolean; mapping?: boolean; simpleKey?: boolean },
    analysis?: ScalarAnalysis,
  ): void {
    this.rootContext = context.root ?? false;
    this.mappingContext = context.mapping ?? false;
    this.simpleKeyContext = context.simpleKey ?? false;
    if (node.kind !== 'scalar' && node.anchor !== undefined) {
      if (this.emittedAnchors.has(node.anchor)) {
        this.writeIndicator(`*${node.anchor}`, true);
        return;
      }
      this.emittedAnchors.add(node.anchor);
      this.writeIndicator(`&${node.anchor}`, true);
    }
    if (node.kind === 'scalar') {
      this.increaseIndent(true);
      this.processScalar(node, analysis ?? analyzeScalar(node.value));
      this.popIndent();
    } else if (node.kind === 'seq') {
      const items = node.items;
      if (this.flowLevel > 0 || items.length === 0) this.flowSequence(items);
      else this.blockSequence(items);
    } else {
      const entries = node.entries;
      if (this.flowLevel > 0 || entries.length === 0) this.flowMapping(entries);
      else this.blockMapping(entries);
    }
  }

  private flowSequence(items: Node[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel += 1;
    this.increaseIndent(true);
    items.forEach((item, index) => {
      if (index > 0) this.writeIndicator(',', false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      this.expectNode(item, { sequence: true });
    });
    this.popIndent();
    this.flowLevel -= 1;
    this.writeIndicator(']', false);
  }

  private flowMapping(entries: Array<[Node, Node]>): void {
    this.writeIndicator('{', true, true);
    this.flowLevel += 1;
    this.increaseIndent(true);
    entries.forEach(([key, value], index) => {
      if (index > 0) this.writeIndicator(',', false);
      if (this.column > BEST_WIDTH) this.writeIndent();
      const keyAnalysis = this.simpleKeyAnalysis(key);
      if (keyAnalysis) {
        this.expectNode(key, { mapping: true, simpleKey: true }, keyAnalysis);
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.expectNode(key, { mapping: true });
        if (this.column > BEST_WIDTH) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.expectNode(value, { mapping: true });
    });
    this.popIndent();
    this.flowLevel -= 1;
    this.writeIndicator('}', false);
  }

  private blockSequence(items: Node[]): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.expectNode(item, { sequence: true });
    }
    this.popIndent();
  }

  private blockMapping(entries: Array<[Node, Node]>): void {
    this.increaseIndent(false);
    for (const [key, value] of entries) {
      this.writeIndent();
      const keyAnalysis = this.simpleKeyAnalysis(key);
      if (keyAnalysis) {
        this.expectNode(key, { mapping: true, simpleKey: true }, keyAnalysis);
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.expectNode(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.expectNode(value, { mapping: true });
    }
    this.popIndent();
  }

  /**
   * PyYAML's check_simple_key for a string key: shorter than 128 characters counting the `!!str`
   * tag PyYAML prepares for it, not empty, not multi-line. Returns the analysis when simple.
   */
  private simpleKeyAnalysis(key: Node): ScalarAnalysis | undefined {
    if (key.kind !== 'scalar') return undefined;
    const analysis = analyzeScalar(key.value);
    const tagLength = key.isString ? '!!str'.length : 0;
    const length = tagLength + analysis.chars.length;
    return length < 128 && !analysis.empty && !analysis.multiline ? analysis : undefined;
  }

  private chooseStyle(node: Extract<Node, { kind: 'scalar' }>, analysis: ScalarAnalysis): string {
    const implicit = node.isString ? resolvesToPlainString(node.value) : true;
    if (implicit) {
      if (
        !(this.simpleKeyContext && (analysis.empty || analysis.multiline)) &&
        ((this.flowLevel > 0 && analysis.allowFlowPlain) ||
          (this.flowLevel === 0 && analysis.allowBlockPlain))
      ) {
        return '';
      }
    }
    if (analysis.allowSingleQuoted && !(this.simpleKeyContext && analysis.multiline)) return "'";
    return '"';
  }

  private processScalar(node: Extract<Node, { kind: 'scalar' }>, analysis: ScalarAnalysis): void {
    const style = this.chooseStyle(node, analysis);
    if (!node.isString && style !== '') {
      // PyYAML would add a `!!int`/`!!float` tag here; plain data never needs it.
      throw new Error(`internal: non-string scalar ${node.value} cannot be written plain`);
    }
    const split = !this.simpleKeyContext;
    if (style === '"') this.writeDoubleQuoted(analysis.chars, split);
    else if (style === "'") this.writeSingleQuoted(analysis.chars, split);
    else this.writePlain(analysis.chars, split);
  }

  // -- low-level writers -------------------------------------------------------------------

  private write(data: string, length: number): void {
    this.out.push(data);
    this.column += length;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    whitespace = false,
    indention = false,
  ): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data, data.length);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.writeLineBreak();
    }
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column), indent - this.column);
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out.push(data);
    this.column = 0;
  }

  private writeBreaks(chars: string[], start: number, end: number): void {
    if (chars[start] === '\n') this.writeLineBreak();
    for (let index = start; index < end; index++) {
      const br = chars[index] as string;
      this.writeLineBreak(br);
    }
    this.writeIndent();
  }

  private writeSingleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? (chars[end] as string) : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (
            start + 1 === end &&
            this.column > BEST_WIDTH &&
            split &&
            start !== 0 &&
            end !== chars.length
          ) {
            this.writeIndent();
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !LINE_BREAKS.includes(ch)) {
          this.writeBreaks(chars, start, end);
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''", 2);
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(chars: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? (chars[end] as string) : undefined;
      if (
        ch === undefined ||
        '"\\\x85\u2028\u2029\ufeff'.includes(ch) ||
        !(ch >= '\x20' && ch <= '\x7e')
      ) {
        if (start < end) {
          this.write(chars.slice(start, end).join(''), end - start);
          start = end;
        }
        if (ch !== undefined) {
          const code = ch.codePointAt(0) as number;
          const escape = ESCAPES[ch];
          let data: string;
          if (escape !== undefined) data = `\\${escape}`;
          else if (code <= 0xff) data = `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
          else if (code <= 0xffff) data = `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
          else data = `\\U${code.toString(16).toUpperCase().padStart(8, '0')}`;
          this.write(data, data.length);
          start = end + 1;
        }
      }
      if (
        end > 0 &&
        end < chars.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        const data = `${chars.slice(start, end).join('')}\\`;
        if (start < end) start = end;
        this.write(data, data.length);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (chars[start] === ' ') this.write('\\', 1);
      }
    }
    this.writeIndicator('"', false);
  }

  private writePlain(chars: string[], split: boolean): void {
    if (this.rootContext) this.openEnded = true;
    if (chars.length === 0) return;
    if (!this.whitespace) this.write(' ', 1);
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= chars.length; end++) {
      const ch = end < chars.length ? (chars[end] as string) : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.write(chars.slice(start, end).join(''), end - start);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !LINE_BREAKS.includes(ch)) {
          this.writeBreaks(chars, start, end);
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(chars.slice(start, end).join(''), end - start);
        start = end;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = LINE_BREAKS.includes(ch);
      }
    }
  }
}

/**
 * Writes `value` as YAML exactly as Python's `yaml.safe_dump(value, default_flow_style=False)`
 * does (PyYAML 6 defaults: keys sorted, width 80, indent 2, non-ASCII escaped in double quotes).
 * @param value Plain data: strings, numbers, bigints, booleans, null, arrays, plain objects, `Map`s
 *   with string keys, {@link YamlFloat}.
 * @returns The YAML text, ending with a newline.
 * @throws JsfuncError `ERR_YAML_UNSUPPORTED_VALUE` for anything else (undefined, functions, class
 *   instances such as `Date`).
 */
export function dumpYaml(value: unknown): string {
  const root = represent(value);
  const emitter = new Emitter();
  return emitter.emitDocument(root);
}
