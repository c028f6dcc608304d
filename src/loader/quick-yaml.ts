// A fast reader for the plain block YAML that nearly every compose file is written in: block
// mappings and lists, one-line scalars, literal and folded block scalars, flow collections,
// anchors, aliases and `<<` merge keys. It gives up at the first thing outside
// that (tags, anything malformed, and a few rarer forms), and the `yaml`
// library then reads the file and reports its errors, so a file reads the same either way; a
// differential test holds the two to it. Why: composing the library's document costs ~0.1 s
// cold on 200 services, the larger part of `berth config`.
import type { Dict } from './paths.js';
import { mergeKeys, setKey } from './tree.js';

export interface QuickParsed {
  data: Dict;
  /** Offset of every node, keyed by formatted path, as the library's nodes give them. */
  byPath: Map<string, number>;
}

/** Thrown inside the reader to give the file to the library. */
const GIVE_UP = Symbol('give up');
/** Below the library's own limits (nesting, and what aliases expand to): it words those errors. */
const MAX_DEPTH = 64;
const MAX_EXPANDED = 50_000;
const EXPANSION_RATIO = 5;
/** The library's limit on an implicit key's length. */
const MAX_KEY = 1024;
/** Control characters, C1, Unicode line separators and a byte-order mark: left to the library. */
const UNUSUAL_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

const SPACE = 32;
const NEWLINE = 10;
const HASH = 35;
const COLON = 58;
const COMMA = 44;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const BACKSLASH = 92;
const OPEN_SEQ = 91;
const CLOSE_SEQ = 93;
const OPEN_MAP = 123;
const CLOSE_MAP = 125;
const DASH = 45;
const AMPERSAND = 38;
const PIPE = 124;
const GREATER = 62;
const ASTERISK = 42;

/** The file as the library would read it, or undefined when it has to read it. */
export function quickParse(text: string): QuickParsed | undefined {
  if (UNUSUAL_CHARS.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

/** A plain scalar's value under YAML 1.2's core schema, as the library resolves it. */
function plainValue(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Only a digit, a sign or a dot can start a number.
  if (!((c >= 48 && c <= 57) || c === 43 || c === DASH || c === 46)) return s;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s.charCodeAt(0) === DASH ? -Infinity : Infinity;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** A mapping key as the plain map has it: a null key is "", others their string form. */
function keyName(value: unknown): string {
  return value === null ? '' : String(value);
}

/** YAML's one-character escapes in double-quoted scalars. */
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** An anchored node's value, and its node count and depth once its own aliases are expanded. */
interface Anchor {
  value: unknown;
  size: number;
  depth: number;
}

class Reader {
  private readonly byPath = new Map<string, number>();
  /**
   * By name, the anchor begun last before the reading point (as the library resolves an alias),
   * filled in once its node is read.
   */
  private readonly anchors = new Map<string, { anchor?: Anchor }>();
  /** Nodes written, nodes once aliases are expanded, and the deepest level reached. */
  private written = 0;
  private expanded = 0;
  private deepest = 0;
  /** Offset of the next content character (or the end), once a line is done. */
  private pos = 0;
  /** Indentation of the line `pos` is on; -1 at the end of the text. */
  private indent = 0;

  constructor(private readonly text: string) {}

  document(): QuickParsed {
    this.nextLine(0);
    // A document start marker, alone on its line.
    if (this.indent === 0 && this.text.startsWith('---', this.pos) && (this.code(this.pos + 3) === SPACE || this.code(this.pos + 3) === NEWLINE)) {
      this.finishLine(this.pos + 3);
    }
    if (this.indent !== 0) giveUp();
    const data = this.blockMap(0, '', 1);
    if (this.expanded > MAX_EXPANDED && this.expanded > EXPANSION_RATIO * this.written) giveUp();
    return { data, byPath: this.byPath };
  }

  private code(p: number): number {
    return p < this.text.length ? this.text.charCodeAt(p) : NEWLINE;
  }

  /** Notes a node: its position, and how much and how deep the file has grown. */
  private record(path: string, offset: number, depth: number, size = 1): void {
    this.byPath.set(path, offset);
    this.written++;
    this.expanded += size;
    if (depth > this.deepest) {
      this.deepest = depth;
      if (depth > MAX_DEPTH) giveUp();
    }
  }

  /** Moves to the first content character at or after line start `p`, past blank and comment lines. */
  private nextLine(p: number): void {
    const { text } = this;
    for (; p < text.length; p = this.lineEnd(p) + 1) {
      const q = this.skipSpaces(p);
      const c = this.code(q);
      if (q < text.length && c !== NEWLINE && c !== HASH) {
        this.pos = q;
        this.indent = q - p;
        return;
      }
    }
    this.pos = text.length;
    this.indent = -1;
  }

  /** After a value ending at `p`: only spaces and a comment may follow on its line. */
  private finishLine(p: number): void {
    let q = p;
    while (this.code(q) === SPACE) q++;
    if (this.code(q) === HASH) {
      if (this.code(q - 1) !== SPACE) giveUp();
      q = this.lineEnd(q);
    }
    if (this.code(q) !== NEWLINE) giveUp();
    this.nextLine(q + 1);
  }

  private isDash(p: number): boolean {
    if (this.code(p) !== DASH) return false;
    const next = this.code(p + 1);
    return next === SPACE || next === NEWLINE;
  }

  /** Whether a plain scalar cannot start at `p` (an indicator the library reads otherwise). */
  private isIndicator(p: number): boolean {
    const c = this.code(p);
    if (c === DASH || c === COLON || c === 63 /* ? */) {
      const next = this.code(p + 1);
      return next === SPACE || next === NEWLINE || next === COMMA || next === OPEN_SEQ || next === CLOSE_SEQ || next === OPEN_MAP || next === CLOSE_MAP;
    }
    return ',[]{}#&*!|>\'"%@`\n '.includes(String.fromCharCode(c));
  }

  /**
   * The node that starts a line at `pos`, below its key or dash at column `col`: a list when it
   * starts with a dash, a flow collection, else a mapping.
   */
  private block(col: number, path: string, depth: number): unknown {
    if (this.code(this.pos) === AMPERSAND) {
      // An anchor on a line of its own names the node below it.
      return this.anchored(this.pos, depth, (p) => {
        if (!this.endsLine(p)) return this.lineValue(p, col, path, depth);
        this.finishLine(p);
        if (this.indent <= col || this.code(this.pos) === AMPERSAND) giveUp();
        return this.block(col, path, depth);
      });
    }
    if (this.isDash(this.pos)) return this.blockSeq(this.indent, path, depth);
    const c = this.code(this.pos);
    if (c === OPEN_SEQ || c === OPEN_MAP) return this.lineValue(this.pos, col, path, depth);
    return this.blockMap(this.indent, path, depth);
  }

  /** A block mapping whose keys sit at column `col`; its first key is at `pos`. */
  private blockMap(col: number, path: string, depth: number): Dict {
    this.record(path, this.pos, depth);
    const out: Dict = {};
    // Keys the mapping writes itself, kept only once a `<<` merge has added others.
    let own: Set<string> | undefined;
    for (;;) {
      const key = this.key(this.pos) ?? giveUp();
      this.pos = key.end;
      if (key.merge) {
        own ??= new Set(Object.keys(out));
        const direct = this.code(this.skipSpaces(this.pos)) === ASTERISK;
        const merged = this.mapValue(col, `${path}.<<`, depth);
        // Mappings, aliases of mappings, or a list of those written in place; else the library says what is wrong.
        const sources = Array.isArray(merged) && !direct ? merged : [merged];
        for (const source of sources) mergeKeys(out, isMapping(source) ? source : giveUp());
      } else {
        if (own ? own.has(key.name) : Object.hasOwn(out, key.name)) giveUp();
        own?.add(key.name);
        setKey(out, key.name, this.mapValue(col, path ? `${path}.${key.name}` : key.name, depth));
      }
      if (this.indent < col) return out;
      if (this.indent > col) giveUp();
    }
  }

  /** The value after a key's colon (at `pos`) in a mapping at column `col`. */
  private mapValue(col: number, path: string, depth: number): unknown {
    return this.anchored(this.skipSpaces(this.pos), depth, (p) => {
      if (this.endsLine(p)) {
        this.finishLine(p);
        if (this.indent > col) return this.block(col, path, depth + 1);
        if (this.indent === col && this.isDash(this.pos)) return this.blockSeq(col, path, depth + 1);
        this.record(path, p, depth);
        return null;
      }
      return this.lineValue(p, col, path, depth);
    });
  }

  /**
   * A value that starts on this line (a block scalar goes on below it), in a block at column
   * `col`; `pos` moves to the next content, which must not be indented past `col`.
   */
  private lineValue(p: number, col: number, path: string, depth: number): unknown {
    const c = this.code(p);
    let value: unknown;
    if (c === PIPE || c === GREATER) value = this.blockScalar(p, col, path, depth);
    else {
      value = this.inlineValue(p, col, path, depth);
      this.finishLine(this.pos);
    }
    if (this.indent > col) giveUp();
    return value;
  }

  /**
   * A literal (`|`) or folded (`>`) block scalar whose header is at `p`, its content indented
   * past column `col`. Kept (`+`) chomping, indentation indicators, and spaces in empty lines
   * or more-indented lines of a folded scalar are left to the library.
   */
  private blockScalar(p: number, col: number, path: string, depth: number): string {
    this.record(path, p, depth);
    const { text } = this;
    const literal = this.code(p) === PIPE;
    let q = p + 1;
    const strip = this.code(q) === DASH;
    if (strip) q++;
    const afterHeader = q;
    q = this.skipSpaces(q);
    if (this.code(q) === HASH && q > afterHeader) q = this.lineEnd(q);
    if (this.code(q) !== NEWLINE) giveUp();
    const lines: string[] = [];
    let indent = -1;
    let lineStart = q + 1;
    while (lineStart < text.length) {
      const lineEnd = this.lineEnd(lineStart);
      const spaces = this.skipSpaces(lineStart) - lineStart;
      if (lineStart + spaces === lineEnd) {
        // Spaces past the indentation are content; before it is known, they may set it.
        if (spaces > 0 && (indent < 0 || spaces > indent)) giveUp();
        lines.push('');
      } else {
        if (indent < 0) {
          if (spaces <= col) break;
          indent = spaces;
        }
        if (spaces < indent) break;
        if (spaces > indent && !literal) giveUp();
        lines.push(text.slice(lineStart + indent, lineEnd));
      }
      lineStart = lineEnd + 1;
    }
    this.nextLine(Math.min(lineStart, text.length));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (!lines.length) return '';
    const body = literal ? lines.join('\n') : fold(lines);
    return strip ? body : `${body}\n`;
  }

  /** Whether nothing but a comment follows `p` on its line. */
  private endsLine(p: number): boolean {
    const c = this.code(p);
    return c === NEWLINE || (c === HASH && this.code(p - 1) === SPACE);
  }

  /**
   * `read` at `p`, or past an anchor there, which then names what `read` returns. The anchor's
   * size and depth are measured so that an alias adds them where it is used.
   */
  private anchored(p: number, depth: number, read: (p: number) => unknown): unknown {
    if (this.code(p) !== AMPERSAND) return read(p);
    let end = p + 1;
    while (this.code(end) !== SPACE && this.code(end) !== NEWLINE) end++;
    const name = this.text.slice(p + 1, end);
    const start = this.skipSpaces(end);
    // An anchor on a key, on an alias, or on a list begun on its line: left to the library.
    if (!name || /[,[\]{}]/.test(name) || this.code(start) === ASTERISK || this.isDash(start) || this.key(start)) giveUp();
    const slot: { anchor?: Anchor } = {};
    this.anchors.set(name, slot);
    const outer = { expanded: this.expanded, deepest: this.deepest };
    this.deepest = depth;
    const value = read(start);
    slot.anchor = { value, size: this.expanded - outer.expanded, depth: this.deepest - depth };
    this.deepest = Math.max(this.deepest, outer.deepest);
    return value;
  }

  /** An alias at `p`: its anchor's value, shared; `end` is past its name. */
  private alias(p: number, path: string, depth: number): { value: unknown; end: number } {
    let end = p + 1;
    for (let c = this.code(end); c !== SPACE && c !== NEWLINE && c !== COMMA && c !== CLOSE_SEQ && c !== CLOSE_MAP; c = this.code(end)) end++;
    // An alias inside its own anchor is left to the library.
    const anchor = this.anchors.get(this.text.slice(p + 1, end))?.anchor ?? giveUp();
    this.record(path, p, depth + anchor.depth, anchor.size);
    return { value: anchor.value, end };
  }

  /** A block list whose dashes sit at column `col`; the first is at `pos`. */
  private blockSeq(col: number, path: string, depth: number): unknown[] {
    this.record(path, this.pos, depth);
    const out: unknown[] = [];
    for (;;) {
      const item = `${path}[${out.length}]`;
      const dash = this.pos;
      out.push(this.anchored(this.skipSpaces(dash + 1), depth, (p) => this.seqItem(p, dash, col, item, depth)));
      if (this.indent === col && this.isDash(this.pos)) continue;
      if (this.indent <= col) return out;
      giveUp();
    }
  }

  /** The item after a dash at `dash` (column `col`), starting at `p`. */
  private seqItem(p: number, dash: number, col: number, item: string, depth: number): unknown {
    if (this.endsLine(p)) {
      this.finishLine(p);
      if (this.indent > col) return this.block(col, item, depth + 1);
      this.record(item, p, depth);
      return null;
    }
    const itemCol = col + (p - dash);
    this.pos = p;
    if (this.isDash(p)) return this.blockSeq(itemCol, item, depth + 1);
    if (this.key(p)) return this.blockMap(itemCol, item, depth + 1);
    return this.lineValue(p, col, item, depth);
  }

  /** A key at `p` and the offset past its colon (`merge` for `<<`); undefined when `p` starts no key. */
  private key(p: number): { name: string; end: number; merge?: boolean } | undefined {
    const c = this.code(p);
    let name: string;
    let colon: number;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quoted = this.quoted(p);
      colon = quoted.end;
      if (this.code(colon) !== COLON) return undefined;
      name = quoted.value;
    } else {
      if (this.isIndicator(p)) return undefined;
      colon = p;
      for (;;) {
        const ch = this.code(colon);
        if (ch === NEWLINE) return undefined;
        if (ch === COLON) {
          const next = this.code(colon + 1);
          if (next === SPACE || next === NEWLINE) break;
        } else if (ch === HASH && this.code(colon - 1) === SPACE) return undefined;
        colon++;
      }
      // A key with spaces before its colon: left to the library.
      if (this.code(colon - 1) === SPACE) return undefined;
      const raw = this.text.slice(p, colon);
      if (raw === '<<') return { name: raw, end: colon + 1, merge: true };
      name = keyName(plainValue(raw));
    }
    const next = this.code(colon + 1);
    if (next !== SPACE && next !== NEWLINE) return undefined;
    if (colon - p > MAX_KEY) return undefined;
    return { name, end: colon + 1 };
  }

  /** A value at `p` in a block at column `col`: quoted, a flow collection, or plain to the line's end or comment. */
  private inlineValue(p: number, col: number, path: string, depth: number): unknown {
    const c = this.code(p);
    if (c === ASTERISK) {
      const alias = this.alias(p, path, depth);
      this.pos = alias.end;
      return alias.value;
    }
    this.record(path, p, depth);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quoted = this.quoted(p, col);
      this.pos = quoted.end;
      return quoted.value;
    }
    if (c === OPEN_SEQ || c === OPEN_MAP) {
      const flow = this.flow(p, col, true, path, depth + 1);
      this.pos = flow.end;
      return flow.value;
    }
    if (this.isIndicator(p)) giveUp();
    const { text } = this;
    let value = '';
    for (let start = p; ; ) {
      const line = this.plainLine(start);
      value += text.slice(start, line.end);
      this.pos = line.end;
      if (line.comment) break;
      // Lines indented past the block go on with the scalar, folded: a line break becomes a
      // space, or the line breaks of the empty lines after it.
      const { next, indent, breaks } = this.nextContent(this.skipSpaces(line.end));
      if (next >= text.length || indent <= col || this.code(next) === HASH) break;
      // A quote there is text; other indicators are left to the library.
      const first = this.code(next);
      if (first !== DOUBLE_QUOTE && first !== SINGLE_QUOTE && this.isIndicator(next)) giveUp();
      value += breaks ? '\n'.repeat(breaks) : ' ';
      start = next;
    }
    return plainValue(value);
  }

  /** One line of a plain scalar from `p`: where its text ends, and whether a comment follows. */
  private plainLine(p: number): { end: number; comment: boolean } {
    let end = p;
    for (let q = p; ; q++) {
      const ch = this.code(q);
      if (ch === NEWLINE) return { end, comment: false };
      if (ch === HASH && this.code(q - 1) === SPACE) return { end, comment: true };
      // `a: b: c` is an error the library words.
      if (ch === COLON && (this.code(q + 1) === SPACE || this.code(q + 1) === NEWLINE)) giveUp();
      if (ch !== SPACE) end = q + 1;
    }
  }

  /** A quoted scalar; over several lines only when given the column `col` of the block it is in. */
  private quoted(p: number, col?: number): { value: string; end: number } {
    const { text } = this;
    const quote = this.code(p);
    let value = '';
    let from = p + 1;
    for (let q = from; ; q++) {
      const ch = this.code(q);
      if (ch === NEWLINE) {
        // A line break folds into a space, or into the line breaks of the empty lines after it.
        if (col === undefined || q >= text.length) giveUp();
        value += text.slice(from, q).replace(/ +$/, '');
        const { next, indent, breaks } = this.nextContent(q);
        // Unclosed, or a continuation line not indented past the block the scalar is in.
        if (next >= text.length || indent <= col) giveUp();
        value += breaks ? '\n'.repeat(breaks) : ' ';
        from = next;
        q = next - 1;
        continue;
      }
      if (ch === BACKSLASH && quote === DOUBLE_QUOTE) {
        const escape = this.escape(q);
        value += text.slice(from, q) + escape.value;
        from = escape.end;
        q = escape.end - 1;
        continue;
      }
      if (ch !== quote) continue;
      // '' is a quote inside a single-quoted scalar.
      if (quote === SINGLE_QUOTE && this.code(q + 1) === SINGLE_QUOTE) {
        value += text.slice(from, q + 1);
        from = ++q + 1;
        continue;
      }
      return { value: value + text.slice(from, q), end: q + 1 };
    }
  }

  /** The character a double-quoted scalar's escape at `p` stands for; a line-ending or unknown escape is left to the library. */
  private escape(p: number): { value: string; end: number } {
    const c = this.text[p + 1] ?? '';
    const simple = ESCAPES[c];
    if (simple !== undefined) return { value: simple, end: p + 2 };
    const digits = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    const hex = this.text.slice(p + 2, p + 2 + digits);
    if (!digits || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) giveUp();
    const code = parseInt(hex, 16);
    // Surrogates and code points past Unicode: left to the library.
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) giveUp();
    return { value: String.fromCodePoint(code), end: p + 2 + digits };
  }

  private skipSpaces(p: number): number {
    while (this.code(p) === SPACE) p++;
    return p;
  }

  /** The offset of the line break that ends the line `p` is on, or the text's end. */
  private lineEnd(p: number): number {
    const end = this.text.indexOf('\n', p);
    return end < 0 ? this.text.length : end;
  }

  /**
   * From the line break at `p`, past empty lines: the first content after them (or the text's
   * end), its indentation, and how many empty lines there were.
   */
  private nextContent(p: number): { next: number; indent: number; breaks: number } {
    for (let breaks = 0; ; breaks++) {
      const lineStart = p + 1;
      const next = this.skipSpaces(lineStart);
      if (next >= this.text.length || this.code(next) !== NEWLINE) return { next, indent: next - lineStart, breaks };
      p = next;
    }
  }

  /**
   * A flow collection whose bracket is at `p`, in a block at column `col`; `outermost` when it is
   * not inside another. Its lines after the first must be indented past `col`, but for the
   * outermost closing bracket, which may stand at `col`.
   */
  private flow(p: number, col: number, outermost: boolean, path: string, depth: number): { value: unknown; end: number } {
    const isSeq = this.code(p) === OPEN_SEQ;
    const close = isSeq ? CLOSE_SEQ : CLOSE_MAP;
    const space = (q: number) => this.flowSpace(q, col, outermost ? close : undefined);
    const seq: unknown[] = [];
    const map: Dict = {};
    let q = space(p + 1);
    if (this.code(q) === close) return { value: isSeq ? seq : map, end: q + 1 };
    for (;;) {
      if (isSeq) {
        const item = this.flowItem(q, col, `${path}[${seq.length}]`, depth);
        seq.push(item.value);
        q = item.end;
      } else {
        const key = this.flowKey(q);
        if (Object.hasOwn(map, key.name)) giveUp();
        const entry = this.flowItem(space(key.end), col, path ? `${path}.${key.name}` : key.name, depth);
        setKey(map, key.name, entry.value);
        q = entry.end;
      }
      q = space(q);
      const ch = this.code(q);
      if (ch === close) return { value: isSeq ? seq : map, end: q + 1 };
      if (ch !== COMMA) giveUp();
      q = space(q + 1);
      // A trailing comma ends the collection too.
      if (this.code(q) === close) return { value: isSeq ? seq : map, end: q + 1 };
    }
  }

  /**
   * Past spaces, comments and line breaks inside a flow collection in a block at column `col`:
   * a line that goes on, or holds a comment, must be indented past `col`, or start with
   * `closer` at `col`.
   */
  private flowSpace(p: number, col: number, closer: number | undefined): number {
    const { text } = this;
    for (;;) {
      p = this.skipSpaces(p);
      const c = this.code(p);
      if (c === HASH && (this.code(p - 1) === SPACE || this.code(p - 1) === NEWLINE)) {
        p = this.lineEnd(p);
      } else if (c !== NEWLINE) {
        return p;
      }
      // An unclosed collection: the library words it.
      if (p >= text.length) giveUp();
      const lineStart = p + 1;
      p = this.skipSpaces(lineStart);
      const d = this.code(p);
      const indent = p - lineStart;
      // Comment lines too: the library refuses one less indented.
      if (p < text.length && d !== NEWLINE && indent <= col && !(indent === col && d === closer)) giveUp();
    }
  }

  /** A flow mapping's key and the offset past its `: `. */
  private flowKey(p: number): { name: string; end: number } {
    const c = this.code(p);
    let name: string;
    let colon: number;
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quoted = this.quoted(p);
      name = quoted.value;
      colon = quoted.end;
    } else {
      const plain = this.flowPlain(p);
      // A merge key in a flow mapping: left to the library.
      if (plain.raw === '<<') giveUp();
      name = keyName(plainValue(plain.raw));
      colon = plain.end;
    }
    if (this.code(colon) !== COLON || this.code(colon + 1) !== SPACE) giveUp();
    return { name, end: colon + 1 };
  }

  /** A scalar or nested collection inside a flow collection. */
  private flowItem(p: number, col: number, path: string, depth: number): { value: unknown; end: number } {
    const c = this.code(p);
    if (c === ASTERISK) {
      const alias = this.alias(p, path, depth);
      if (this.code(alias.end) === COLON) giveUp();
      return alias;
    }
    this.record(path, p, depth);
    if (c === OPEN_SEQ || c === OPEN_MAP) return this.flow(p, col, false, path, depth + 1);
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const quoted = this.quoted(p, col);
      // `["a": b]` is a one-pair mapping inside a list: left to the library.
      if (this.code(quoted.end) === COLON) giveUp();
      return quoted;
    }
    const plain = this.flowPlain(p);
    // Keys without a value, and `a: b` pairs inside a list, are left to the library.
    if (plain.raw === '' || this.code(plain.end) === COLON) giveUp();
    return { value: plainValue(plain.raw), end: plain.end };
  }

  /** A plain scalar inside a flow collection: up to a comma, a closing bracket, a `: `, a comment or the line's end. */
  private flowPlain(p: number): { raw: string; end: number } {
    if (this.isIndicator(p)) giveUp();
    let q = p;
    let end = p;
    for (;;) {
      const ch = this.code(q);
      if (ch === COMMA || ch === CLOSE_SEQ || ch === CLOSE_MAP) break;
      // `8080:80` is one scalar; a colon before a space or a bracket ends a key.
      if (ch === COLON && this.isIndicator(q)) break;
      if (ch === NEWLINE || (ch === HASH && this.code(q - 1) === SPACE)) break;
      if (ch === OPEN_SEQ || ch === OPEN_MAP) giveUp();
      q++;
      if (ch !== SPACE) end = q;
    }
    return { raw: this.text.slice(p, end), end };
  }
}

function isMapping(value: unknown): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Folded lines: a single line break becomes a space, and each empty line a line break. */
function fold(lines: string[]): string {
  let out = '';
  let breaks = 0;
  for (const line of lines) {
    if (line === '') {
      breaks++;
      continue;
    }
    out += out === '' && breaks === 0 ? '' : breaks ? '\n'.repeat(breaks) : ' ';
    out += line;
    breaks = 0;
  }
  return out;
}
