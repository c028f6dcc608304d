// Reads one compose file into a plain map with the `yaml` library, keeping where every node
// came from so that later stages can report `file:line:column` for a path such as
// `services.web.ports[1]`. It also refuses what would hurt a later stage: YAML bombs, nesting
// deep enough to overflow a recursive walk, and any YAML error, worded for a person.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import { LoadError } from '../errors.js';
import { scalarValue } from './file-mode.js';
import { formatPath, type Dict, type PathSegment } from './paths.js';
import { mergeKeys, setKey } from './tree.js';

/** `!reset` in an override file: drop the value inherited from earlier files. */
export class ResetTag {
  readonly tag = '!reset';
}
/** `!override` in an override file: replace the inherited value instead of merging. */
export class OverrideTag {
  readonly tag = '!override';
  constructor(readonly value: unknown) {}
}

export interface ParsedFile {
  file: string;
  data: Dict;
  positions: PositionIndex;
  /** Whether the file uses `!reset` or `!override` anywhere. */
  hasMergeTags: boolean;
}

/** Positions of the nodes of one file, keyed by formatted path. */
export class PositionIndex {
  constructor(
    readonly file: string,
    /** Offsets into the text: most are never asked for, so lines and columns are worked out on demand. */
    private readonly byPath: Map<string, number>,
    private readonly lines: LineCounter,
    /** Where each mapping key was written, for messages about the key itself (an unknown attribute). */
    private readonly keys: Map<string, number> = new Map(),
  ) {}

  /** The key that wrote the node at `path`; the node itself for a list item or the root. */
  locateKey(path: readonly PathSegment[]): { file: string; line: number; column: number } | undefined {
    const hit = this.keys.get(formatPath(path));
    return hit === undefined ? this.locate(path) : this.at(hit);
  }

  /** The node at `path`, or its nearest ancestor that has a recorded position. */
  locate(path: readonly PathSegment[]): { file: string; line: number; column: number } | undefined {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.byPath.get(formatPath(path.slice(0, n)));
      if (hit !== undefined) return this.at(hit);
    }
    return undefined;
  }

  /** As `locate`, for a path already formatted (`services.web.ports[1]`), as errors carry it. */
  locateFormatted(path: string): { file: string; line: number; column: number } | undefined {
    let p = path;
    for (;;) {
      const hit = this.byPath.get(p);
      if (hit !== undefined) return this.at(hit);
      if (p === '') return undefined;
      const parent = p.replace(/(?:\.[^.[\]]*|\[\d+\])$/, '');
      p = parent === p ? '' : parent;
    }
  }

  /** Whether this file itself wrote the node at `path` (not only an ancestor of it). */
  has(path: readonly PathSegment[]): boolean {
    return this.byPath.has(formatPath(path));
  }

  private at(offset: number): { file: string; line: number; column: number } {
    return { file: this.file, ...position(this.lines, offset) };
  }
}

/** Nodes a file may expand to through aliases, whatever it writes, and past that how many times what it writes. */
const MAX_EXPANDED_NODES = 100_000;
const EXPANSION_RATIO = 10;
/**
 * Text that aliases may repeat, in characters of keys and scalars. Aliases share their values
 * here, but `config` prints each copy and a later stage that changes a value copies it: a few
 * aliases of a megabyte-long anchor would pass what a JavaScript string can hold.
 */
const MAX_ALIASED_TEXT = 64 * 1024 * 1024;
/**
 * Nesting allowed per file. Real files stay under ten levels; every later stage walks the
 * tree recursively, so an unbounded depth would overflow the stack there instead.
 */
const MAX_DEPTH = 100;
const MERGE_TAGS = new Set(['!reset', '!override']);
const duplicateKey = (name: string, firstLine: number) =>
  `Map keys must be unique: each key may appear only once in a mapping (${JSON.stringify(name)} is also at line ${firstLine})`;
const TOO_DEEP = `the file nests deeper than ${MAX_DEPTH} levels`;

export function parseComposeText(text: string, file: string): ParsedFile {
  if (text.includes('\u0000')) {
    throw new LoadError('yaml', 'the file holds binary content (a NUL byte), not YAML text', {
      position: { file },
    });
  }
  const tooDeep = () => new LoadError('yaml', TOO_DEEP, { position: { file } });
  // The parser records where lines start as it reads: positions cost nothing until asked for.
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    // Duplicate keys are found by the walk below: the library's own check is quadratic.
    doc = parseDocument(text, {
      merge: true,
      prettyErrors: false,
      uniqueKeys: false,
      strict: true,
      lineCounter: lines,
    });
  } catch (err) {
    // The parser recurses once per level of block nesting.
    if (err instanceof RangeError) throw tooDeep();
    throw err;
  }
  const at = (offset: number) => position(lines, offset);

  const firstError = doc.errors[0];
  if (firstError) {
    const offset = firstError.code === 'MISSING_CHAR' ? openingQuote(doc, firstError.pos[0]) : firstError.pos[0];
    // The composer catches its own stack overflow on deep flow collections and reports it as is.
    const message = /call stack/i.test(firstError.message)
      ? TOO_DEEP
      : yamlMessage(firstError.message, firstError.code);
    throw new LoadError('yaml', message, {
      position: { file, ...at(offset) },
    });
  }
  for (const warning of doc.warnings) {
    const isMergeTag =
      warning.code === 'TAG_RESOLVE_FAILED' && [...MERGE_TAGS].some((t) => warning.message.includes(t));
    if (!isMergeTag) {
      throw new LoadError('yaml', yamlMessage(warning.message, warning.code), {
        position: { file, ...at(warning.pos[0]) },
      });
    }
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new LoadError('yaml', 'the top level must be a mapping (services:, networks:, ...)', {
      position: { file, ...at(doc.contents.range?.[0] ?? 0) },
    });
  }

  const byPath = new Map<string, number>();
  const keyAt = new Map<string, number>();
  const tagged: { path: PathSegment[]; tag: string }[] = [];
  // `path` is one array pushed and popped along the walk, `key` its formatted form: the walk
  // visits every node of files that may be megabytes long, so it allocates little per node.
  const path: PathSegment[] = [];
  // Anchors as the walk meets them, in document order: an alias refers to the last anchor of
  // its name before it. The library's own toJS looks each alias up by walking the document
  // again, which is quadratic in the number of aliases; this walk builds the value itself.
  const anchors = new Map<string, Node>();
  const built = new Map<Node, Built>();
  let written = 0;
  // The tree once aliases are expanded: its nodes, its text, and the deepest level it reaches.
  let expanded = 0;
  let expandedText = 0;
  let deepest = 0;
  // What aliases repeat, the alias that goes past the limit on it, and the alias that repeats
  // the most nodes: where a bomb is best shown.
  let aliasedText = 0;
  let pastTextLimit: Node | undefined;
  let heaviest: { node: Node; size: number } | undefined;
  const fail = (detail: string, node: unknown): never => {
    throw new LoadError('yaml', detail, { position: { file, ...at((node as Node | null)?.range?.[0] ?? 0) } });
  };
  const reach = (depth: number, node: Node) => {
    if (depth > deepest) deepest = depth;
    // Aliases nest their anchors' content: the expanded tree may be deeper than the text.
    if (deepest > MAX_DEPTH + 1) fail(TOO_DEEP, node);
  };
  /** Source characters of a scalar node: what it adds to the text of the expanded tree. */
  const span = (node: Node) => (node.range ? node.range[1] - node.range[0] : 0);

  /** Records positions, checks the node and builds its plain value (an alias shares its anchor's). */
  const walk = (node: unknown, key: string): unknown => {
    if (!node || typeof node !== 'object') return null;
    const n = node as Node;
    written++;
    if (n.range) byPath.set(key, n.range[0]);
    if (isAlias(n)) {
      // Positions under an alias are those of its anchor; never expand.
      const target = anchors.get(n.source);
      if (!target) return fail(`alias *${n.source} refers to no anchor &${n.source} defined before it`, n);
      const anchored = built.get(target) ?? fail(`alias *${n.source} is used inside its own anchor`, n);
      expanded += anchored.size;
      expandedText += anchored.text;
      aliasedText += anchored.text;
      if (aliasedText > MAX_ALIASED_TEXT) pastTextLimit ??= n;
      if (!heaviest || anchored.size > heaviest.size) heaviest = { node: n, size: anchored.size };
      reach(path.length + anchored.depth, n);
      return anchored.value;
    }
    if (path.length > MAX_DEPTH) fail(TOO_DEEP, n);
    if (n.anchor) anchors.set(n.anchor, n);
    if (n.tag && MERGE_TAGS.has(n.tag)) tagged.push({ path: [...path], tag: n.tag });
    expanded++;
    // An anchored node measures its own subtree, for the aliases that repeat it.
    const outer = { expanded, expandedText, deepest };
    if (n.anchor) deepest = 0;
    reach(path.length + 1, n);
    let value: unknown;
    if (isMap(n)) value = walkMap(n, key);
    else if (isSeq(n)) {
      value = n.items.map((item, i) => {
        path.push(i);
        const itemValue = walk(item, `${key}[${i}]`);
        path.pop();
        return itemValue;
      });
    } else if (isScalar(n)) {
      value = scalarValue(n, path);
      expandedText += span(n);
    } else value = null;
    if (n.anchor) {
      built.set(n, {
        value,
        size: expanded - outer.expanded + 1,
        text: expandedText - outer.expandedText,
        depth: deepest - path.length,
      });
      deepest = Math.max(deepest, outer.deepest);
    }
    return value;
  };
  const walkMap = (n: YAMLMap, key: string): Dict => {
    const out: Dict = {};
    // Keys the mapping writes itself, kept only once a `<<` merge has added others.
    let own: Set<string> | undefined;
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      // The library reads a `<<` merge key as a symbol: the entries of its mappings land in
      // this one, unless this one sets them itself or an earlier source did.
      if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
        own ??= new Set(Object.keys(out));
        const merged = walk(pair.value, `${key}.<<`);
        checkMergeSource(pair.value);
        for (const source of Array.isArray(merged) ? merged : [merged]) mergeKeys(out, source as Dict);
        continue;
      }
      const name = keyName(pair.key);
      if (name === undefined) return fail('a mapping key must be a plain value, not a list or a mapping', pair.key);
      if (own ? own.has(name) : Object.hasOwn(out, name)) {
        const first = n.items.find((p) => isPair(p) && keyName(p.key) === name)?.key as Node | undefined;
        fail(duplicateKey(name, at(first?.range?.[0] ?? 0).line), pair.key ?? n);
      }
      own?.add(name);
      expandedText += name.length;
      const child = key ? `${key}.${name}` : name;
      const keyRange = (pair.key as Node | null)?.range;
      if (keyRange && isScalar(pair.key)) {
        byPath.set(child, keyRange[0]);
        keyAt.set(child, keyRange[0]);
      }
      path.push(name);
      setKey(out, name, walk(pair.value, child));
      path.pop();
      const valueRange = (pair.value as Node | null)?.range;
      // Prefer the value's own position for scalars: it is what the user has to fix.
      if (valueRange && isScalar(pair.value)) byPath.set(child, valueRange[0]);
    }
    return out;
  };
  /** A key as the plain map will have it (a null key is ""); undefined for a list or mapping. */
  const keyName = (key: unknown): string | undefined => {
    if (isScalar(key) && key.anchor) {
      anchors.set(key.anchor, key);
      built.set(key, { value: key.value, size: 1, text: span(key), depth: 1 });
    }
    const node = isAlias(key) ? anchors.get(key.source) : key;
    if (isAlias(key) && !node) fail(`alias *${key.source} refers to no anchor &${key.source} defined before it`, key);
    if (node === null || node === undefined) return '';
    if (!isScalar(node)) return undefined;
    return node.value === null ? '' : String(node.value);
  };
  /** `<<: *base` merges mappings only: say so here, where the position is still known. */
  const checkMergeSource = (value: unknown) => {
    const sources = isSeq(value) ? value.items : [value];
    for (const source of sources) {
      const target = isAlias(source) ? anchors.get(source.source) : source;
      if (!isMap(target))
        fail('the value of "<<" must be a mapping, an alias of one, or a list of them', source ?? value);
    }
  };
  const data = walk(doc.contents, '');
  // A YAML bomb: a few lines that expand into millions of nodes. Real files reuse anchors,
  // but expand to a few times what they write at most.
  const limit = Math.max(MAX_EXPANDED_NODES, EXPANSION_RATIO * written);
  if (expanded > limit) {
    const detail =
      `aliases expand the file to ${expanded} nodes from ${written} written: is this a YAML bomb? The limit is ${limit} ` +
      `(${EXPANSION_RATIO} times what the file writes, at least ${MAX_EXPANDED_NODES}); this alias repeats the most`;
    fail(detail, heaviest?.node);
  }
  if (pastTextLimit) {
    const detail = `aliases repeat more than ${MAX_ALIASED_TEXT} characters of keys and values (the limit), past it at this alias: is this a YAML bomb?`;
    fail(detail, pastTextLimit);
  }
  const root = (data ?? {}) as Dict;
  for (const { path, tag } of tagged) applyTag(root, path, tag);
  return {
    file,
    data: root,
    positions: new PositionIndex(file, byPath, lines, keyAt),
    hasMergeTags: tagged.length > 0,
  };
}

/** One-based line and column of an offset, from the line starts the parser recorded. */
function position(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function applyTag(root: Dict, path: PathSegment[], tag: string): void {
  if (path.length === 0) return;
  let parent: unknown = root;
  for (const seg of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown> | undefined)?.[seg];
  }
  if (!parent || typeof parent !== 'object') return;
  const last = path[path.length - 1];
  const holder = parent as Record<string | number, unknown>;
  holder[last] = tag === '!reset' ? new ResetTag() : new OverrideTag(holder[last]);
}

/** An unclosed quote is reported at the end of the file; point at where it was opened instead. */
function openingQuote(doc: Document.Parsed, offset: number): number {
  let start = offset;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[0] < offset && offset <= node.range[2]) start = node.range[0];
    },
  });
  return start;
}

/** An anchored node's plain value, and its size, text and depth once its aliases are expanded. */
interface Built {
  value: unknown;
  size: number;
  text: number;
  depth: number;
}

function yamlMessage(message: string, code: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') return `${first}: each key may appear only once in a mapping`;
  return first;
}
