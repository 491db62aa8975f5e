/**
 * A fast reader for the block-style YAML that PyYAML's `safe_dump` (and so MLflow) writes: block
 * mappings and sequences, plain scalars, single- and double-quoted scalars (folded over several
 * lines), `{}` and `[]`. It gives exactly what {@link loadYaml} gives for that subset and answers
 * {@link NOT_SIMPLE} for anything else (comments, anchors, tags, flow collections, block scalars,
 * multi-line plain scalars, several documents, tabs, ...), which the full loader then reads. It
 * exists because reading MLmodel is on every model load: the full YAML library takes ~1 ms for an
 * MLmodel, this reader a few microseconds. The golden set and the fixture files check both agree.
 * @module
 */
import { resolvePlainScalar } from './pyyaml-emitter.js';
import { constructScalar, keyText, setKey } from './pyyaml-scalars.js';

/** The answer for text outside the subset: use the full loader. */
export const NOT_SIMPLE: unique symbol = Symbol('not-simple-yaml');

class NotSimple extends Error {}
const notSimple = (): never => {
  throw new NotSimple();
};

interface Line {
  /** Column of the first non-space character. */
  indent: number;
  /** Offset of that character in the text. */
  start: number;
  /** Offset of the end of the line (its `\n`, or the text's end). */
  end: number;
}

/** Characters that cannot start a plain scalar (or that this reader leaves to the full loader). */
const INDICATORS = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f\x85\ufeff\u2028\u2029]/;

/** True when `head` starts a plain scalar here: not an indicator, or one of `-?:` before a non-space. */
function plainStart(text: string, at: number, end: number): boolean {
  const head = text[at]!;
  if (!INDICATORS.has(head)) return true;
  return (head === '-' || head === '?' || head === ':') && at + 1 < end && text[at + 1] !== ' ';
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '\\': '\\', '/': '/', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Parses `text` if it is in the PyYAML block subset whose root is a mapping; otherwise returns
 * {@link NOT_SIMPLE}. Never throws for bad YAML: that is also left to the full loader, which
 * reports it with its position.
 */
export function fastLoadYaml(text: string): unknown {
  try {
    return new Reader(text).document();
  } catch (error) {
    if (error instanceof NotSimple) return NOT_SIMPLE;
    throw error;
  }
}

class Reader {
  private readonly lines: Line[] = [];
  private index = 0;

  constructor(private readonly text: string) {
    // Tabs, CR, control characters, a BOM and YAML 1.1's other line breaks: full loader.
    if (UNUSUAL.test(text)) notSimple();
    let offset = 0;
    while (offset < text.length) {
      let end = text.indexOf('\n', offset);
      if (end === -1) end = text.length;
      let start = offset;
      while (start < end && text.charCodeAt(start) === 32) start++;
      if (start < end) this.lines.push({ indent: start - offset, start, end });
      offset = end + 1;
    }
  }

  document(): unknown {
    const first = this.lines[0];
    if (first === undefined || first.indent !== 0) return notSimple();
    for (const line of this.lines) {
      const head = this.text[line.start];
      if (head === '#' || (line.indent === 0 && (head === '%' || this.text.startsWith('---', line.start) || this.text.startsWith('...', line.start)))) notSimple();
    }
    if (this.isSequenceItem(first)) return notSimple();
    const value = this.mapping(0);
    if (this.index !== this.lines.length) notSimple();
    return value;
  }

  private isSequenceItem(line: Line): boolean {
    return this.text[line.start] === '-' && (line.start + 1 === line.end || this.text[line.start + 1] === ' ');
  }

  /** A node whose first line is `this.lines[this.index]`, at that line's indent. */
  private block(parentIndent: number): unknown {
    const line = this.lines[this.index];
    if (line === undefined || line.indent <= parentIndent) return null;
    if (this.isSequenceItem(line)) return this.sequence(line.indent);
    if (this.keyEnd(line) !== -1) return this.mapping(line.indent);
    // A scalar alone on its own line (a value written below its key): left to the full loader.
    return notSimple();
  }

  /** Offset of the `:` that ends the key on this line, or -1 when the line is not `key: ...`. */
  private keyEnd(line: Line): number {
    const { text } = this;
    const head = text[line.start]!;
    if (head === "'" || head === '"') {
      const close = this.quotedEnd(line.start, line.end);
      if (close === -1) return -1;
      return text[close] === ':' && (close + 1 === line.end || text[close + 1] === ' ') ? close : -1;
    }
    if (!plainStart(text, line.start, line.end)) return -1;
    for (let at = line.start; at < line.end; at++) {
      if (text[at] === ':' && (at + 1 === line.end || text[at + 1] === ' ')) return at;
      if (text[at] === '#' && text[at - 1] === ' ') return -1;
    }
    return -1;
  }

  /** Offset just past the closing quote of a one-line quoted scalar starting at `start`, or -1. */
  private quotedEnd(start: number, end: number): number {
    const { text } = this;
    const quote = text[start];
    for (let at = start + 1; at < end; at++) {
      const char = text[at];
      if (quote === '"' && char === '\\') at++;
      else if (char === quote) {
        if (quote === "'" && text[at + 1] === "'") at++;
        else return at + 1;
      }
    }
    return -1;
  }

  private mapping(indent: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const { text } = this;
    for (let line = this.lines[this.index]; line !== undefined && line.indent === indent; line = this.lines[this.index]) {
      if (this.isSequenceItem(line)) return notSimple();
      const colon = this.keyEnd(line);
      if (colon === -1) return notSimple();
      const head = text[line.start];
      let key: string;
      if (head === "'" || head === '"') key = this.quoted(line.start, indent - 1).value;
      else {
        const raw = text.slice(line.start, colon).trimEnd();
        if (raw === '<<') return notSimple();
        key = keyText(constructScalar(resolvePlainScalar(raw), raw));
      }
      let valueStart = colon + 1;
      while (valueStart < line.end && text.charCodeAt(valueStart) === 32) valueStart++;
      let value: unknown;
      if (valueStart < line.end) value = this.inlineScalar(line, valueStart, indent);
      else {
        this.index++;
        const next = this.lines[this.index];
        // PyYAML writes a sequence under a key at the key's own indent.
        if (next !== undefined && next.indent === indent && this.isSequenceItem(next)) value = this.sequence(indent);
        else value = this.block(indent);
      }
      setKey(result, key, value);
    }
    const after = this.lines[this.index];
    if (after !== undefined && after.indent > indent) notSimple();
    return result;
  }

  private sequence(indent: number): unknown[] {
    const result: unknown[] = [];
    const { text } = this;
    for (let line = this.lines[this.index]; line !== undefined && line.indent === indent && this.isSequenceItem(line); line = this.lines[this.index]) {
      let contentStart = line.start + 1;
      while (contentStart < line.end && text.charCodeAt(contentStart) === 32) contentStart++;
      if (contentStart === line.end) {
        this.index++;
        result.push(this.block(indent));
        continue;
      }
      // The item's content starts a node at its own column: read it as if it began a line there.
      const column = line.indent + (contentStart - line.start);
      const virtual: Line = { indent: column, start: contentStart, end: line.end };
      this.lines[this.index] = virtual;
      if (this.isSequenceItem(virtual)) return notSimple();
      if (this.keyEnd(virtual) !== -1) result.push(this.mapping(column));
      else result.push(this.inlineScalar(virtual, contentStart, indent));
    }
    const after = this.lines[this.index];
    if (after !== undefined && after.indent > indent) notSimple();
    return result;
  }

  /** A scalar that starts on a line after a key or `- `; consumes its line(s). */
  private inlineScalar(line: Line, start: number, parentIndent: number): unknown {
    const { text } = this;
    const head = text[start]!;
    if (head === "'" || head === '"') {
      const { value, end } = this.quoted(start, parentIndent);
      // Nothing may follow the closing quote on its line.
      const endLine = this.lineAt(end);
      for (let at = end; at < endLine.end; at++) if (text.charCodeAt(at) !== 32) notSimple();
      this.index = this.lines.indexOf(endLine) + 1;
      return value;
    }
    if (head === '{' || head === '[') {
      const flow = text.slice(start, line.end).trimEnd();
      if (flow !== '{}' && flow !== '[]') notSimple();
      this.index++;
      return flow === '{}' ? {} : [];
    }
    if (!plainStart(text, start, line.end)) notSimple();
    const raw = text.slice(start, line.end).trimEnd();
    if (raw.includes(': ') || raw.endsWith(':') || raw.includes(' #')) notSimple();
    this.index++;
    // A deeper line next is a plain scalar folded over several lines (or an error): full loader.
    const next = this.lines[this.index];
    if (next !== undefined && next.indent > parentIndent) notSimple();
    return constructScalar(resolvePlainScalar(raw), raw);
  }

  /** The line (of the original text) holding `offset`. */
  private lineAt(offset: number): Line {
    for (let index = this.index; index < this.lines.length; index++) {
      const line = this.lines[index]!;
      if (offset <= line.end) return line;
    }
    return notSimple();
  }

  /**
   * A quoted scalar starting at `start` (its quote), possibly folded over several lines, each of
   * which must be indented deeper than `parentIndent`. Returns its value and the offset after it.
   */
  private quoted(start: number, parentIndent: number): { value: string; end: number } {
    const { text } = this;
    const quote = text[start];
    let out = '';
    let spaces = '';
    let at = start + 1;
    while (at < text.length) {
      const char = text[at]!;
      if (char === quote) {
        if (quote === "'" && text[at + 1] === "'") {
          out += `${spaces}'`;
          spaces = '';
          at += 2;
          continue;
        }
        return { value: out + spaces, end: at + 1 };
      }
      if (char === '\\' && quote === '"') {
        const code = text[at + 1];
        if (code === '\n') {
          out += spaces;
          spaces = '';
          at = this.skipContinuation(at + 2, parentIndent);
          continue;
        }
        if (code === undefined) return notSimple();
        const simple = ESCAPES[code];
        if (simple !== undefined) {
          out += spaces + simple;
          at += 2;
        } else {
          const width = HEX_ESCAPES[code];
          const hex = width === undefined ? '' : text.slice(at + 2, at + 2 + width);
          if (width === undefined || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return notSimple();
          const point = Number.parseInt(hex, 16);
          if (point > 0x10ffff) return notSimple();
          out += spaces + String.fromCodePoint(point);
          at += 2 + width;
        }
        spaces = '';
        continue;
      }
      if (char === ' ') {
        spaces += char;
        at++;
        continue;
      }
      if (char === '\n') {
        // Folding: trailing spaces go; one break is a space, each further (empty) line a newline.
        spaces = '';
        let breaks = 0;
        while (text[at] === '\n') {
          breaks++;
          at = this.skipContinuation(at + 1, parentIndent, true);
        }
        out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
        continue;
      }
      out += spaces + char;
      spaces = '';
      at++;
    }
    return notSimple();
  }

  /**
   * Skips the indentation of a continuation line starting at `at`; it must be deeper than
   * `parentIndent` unless it is empty. Returns the offset of its first other character.
   */
  private skipContinuation(at: number, parentIndent: number, allowEmpty = false): number {
    const { text } = this;
    let column = 0;
    while (text.charCodeAt(at) === 32) {
      at++;
      column++;
    }
    const next = text[at];
    if (next === '\n' && allowEmpty) return at;
    if (next === undefined || next === '\n' || column <= parentIndent) return notSimple();
    if (column === 0 && (text.startsWith('---', at) || text.startsWith('...', at))) return notSimple();
    return at;
  }
}
