// Checks one compose file against schemas/compose-spec.json and turns the failure into one line
// a person can act on: where, what was expected, what was found.
import type { ErrorObject } from 'ajv';
import { LoadError, LoadErrors } from '../errors.js';
import { isSensitiveName } from '../model/redact.js';
import type { Locate } from './locate.js';
import { formatPath, type PathSegment } from './paths.js';
import { setKey } from './tree.js';
import validateSchema from './schema-validator.generated.js';

/**
 * Throws a `schema` LoadError naming the first node of `data` that the Compose format rejects.
 * `earlier` is the model of the files `data` overrides: Compose validates the merged model, so
 * a required attribute they set may be left out here (`depends_on: {db: {required: false}}`).
 */
export function validateComposeFile(data: Record<string, unknown>, locate: Locate, earlier: unknown = {}): void {
  let candidate: Record<string, unknown> | undefined = data;
  const found: LoadError[] = [];
  while (candidate && found.length < MAX_REPORTED && !validateSchema(candidate)) {
    const errors = validateSchema.errors ?? [];
    const completed = inheritRequired(errors, candidate, earlier);
    if (completed) {
      candidate = completed;
      continue;
    }
    const keyword = (errors.find((e) => e.keyword === 'propertyNames') ?? errors[0])?.keyword ?? '';
    // A missing attribute after a removal may be the removed one: the first errors are the sure ones.
    if (found.length && keyword === 'required') break;
    const report = describeFailure(errors, candidate);
    const position = locate(report.at, { key: report.key });
    found.push(new LoadError('schema', report.detail, { position, path: formatPath(report.path) }));
    // The rest of the file is checked without the node at fault, so that one run shows every error.
    candidate = REMOVABLE.has(keyword) ? withoutNode(candidate, report.at) : undefined;
  }
  // In file order, as the user reads the file.
  const line = (e: LoadError) => [e.position?.line ?? 0, e.position?.column ?? 0];
  found.sort((a, b) => line(a)[0] - line(b)[0] || line(a)[1] - line(b)[1]);
  if (found.length > 1) throw new LoadErrors(found);
  if (found.length) throw found[0];
}

/** Errors shown for one file at most: past ten, the next run shows the rest. */
const MAX_REPORTED = 10;

/** Failures whose node can be left out to look for the next error; a missing attribute cannot. */
const REMOVABLE = new Set(['additionalProperties', 'propertyNames', 'type', 'pattern', 'enum', 'minimum', 'maximum']);

/**
 * `data` without the mapping entry at `path` (copied along the path only); undefined when the
 * node is a list item or the root, whose removal would shift what later errors point at.
 */
function withoutNode(data: Record<string, unknown>, path: PathSegment[]): Record<string, unknown> | undefined {
  const strip = (node: unknown, depth: number): unknown => {
    const segment = path[depth];
    if (typeof segment !== 'string' || Array.isArray(node) || node === null || typeof node !== 'object')
      return undefined;
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (k !== segment) setKey(copy, k, v);
    if (depth === path.length - 1) return copy;
    const child = strip((node as Record<string, unknown>)[segment], depth + 1);
    if (child === undefined) return undefined;
    setKey(copy, segment, child);
    return copy;
  };
  return path.length ? (strip(data, 0) as Record<string, unknown> | undefined) : undefined;
}

/** `data` with the missing required attribute of `errors` taken from `earlier`, if that has it. */
function inheritRequired(
  errors: ErrorObject[],
  data: Record<string, unknown>,
  earlier: unknown,
): Record<string, unknown> | undefined {
  const error = errors[0];
  if (error?.keyword !== 'required') return undefined;
  const path = [...toSegments(error.instancePath, data), String(error.params.missingProperty)];
  const inherited = path.reduce<unknown>(ownChild, earlier);
  if (inherited === undefined) return undefined;
  const withValue = (node: unknown, depth: number): unknown => {
    if (depth === path.length) return inherited;
    const child = withValue(ownChild(node, path[depth]), depth + 1);
    if (Array.isArray(node)) return node.map((item, i) => (i === path[depth] ? child : item));
    const copy = { ...asRecord(node) };
    setKey(copy, String(path[depth]), child);
    return copy;
  };
  return withValue(data, 0) as Record<string, unknown>;
}

/** A child by key or index, never one inherited from Object. */
function ownChild(node: unknown, segment: PathSegment): unknown {
  const record = asRecord(node);
  return Object.hasOwn(record, segment) ? record[segment] : undefined;
}

interface Report {
  /** The node the message is about. */
  path: PathSegment[];
  /** The node to point the user at: the offending key of a mapping, the duplicate of a list. */
  at: PathSegment[];
  detail: string;
  /** The message is about the key at `at` (unknown, misspelt), not its value. */
  key?: boolean;
}

/**
 * The schema has no oneOf/anyOf (scripts/compile-schema.mjs enforces it), so ajv stops at a
 * single error. Only a bad mapping key comes as two: the key's own failure, then `propertyNames`.
 */
function describeFailure(errors: ErrorObject[], data: unknown): Report {
  const names = errors.find((e) => e.keyword === 'propertyNames');
  const error = names ?? errors[0];
  if (!error) return { path: [], at: [], detail: 'does not match the Compose file format' };
  const path = toSegments(error.instancePath, data);
  const parent = schemaOf(error);

  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(path, String(error.params.additionalProperty), Object.keys(parent.properties ?? {}));
    case 'required': {
      const missing = String(error.params.missingProperty);
      // A misspelt required key is reported as the typo it is, not as a missing attribute.
      const known = new Set(Object.keys(parent.properties ?? {}));
      const typo = Object.keys(asRecord(error.data)).find(
        (key) => !known.has(key) && !key.startsWith('x-') && closest(key, [missing]) !== undefined,
      );
      if (typo !== undefined) return unknownKey(path, typo, [missing]);
      return { path, at: path, detail: `missing required attribute "${missing}"` };
    }
    case 'propertyNames': {
      const name = String(error.params.propertyName);
      const rule = schemaOf(errors[errors.indexOf(error) - 1]);
      return { path, at: [...path, name], detail: `invalid name "${name}": expected ${expectation(rule)}` };
    }
    case 'uniqueItems': {
      // ajv's two duplicate finders (strings, other values) name the pair in opposite orders.
      const { i, j } = error.params as { i: number; j: number };
      const [first, repeat] = [Math.min(i, j), Math.max(i, j)];
      return { path, at: [...path, repeat], detail: `[${repeat}] repeats [${first}]; each entry may appear only once` };
    }
    case 'type':
    case 'pattern':
    case 'enum':
      return {
        path,
        at: path,
        detail: `expected ${expectation(parent)}, got ${describe(error.data, isSensitive(path))}`,
      };
    case 'minimum':
    case 'maximum': {
      const found = isSensitive(path) ? 'a number' : String(error.data);
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return {
        path,
        at: path,
        detail: `expected ${parent.expected ?? `a number ${bound} ${error.params.limit}`}, got ${found}`,
      };
    }
    default:
      return { path, at: path, detail: `does not match the Compose file format (${error.message ?? error.keyword})` };
  }
}

/** The parts of a schema node the messages use; `expected` is berth's own annotation keyword. */
interface SchemaNode {
  expected?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, unknown>;
}

/** The schema node that failed; verbose errors carry it as written in compose-spec.json. */
function schemaOf(error: ErrorObject | undefined): SchemaNode {
  return (error?.parentSchema ?? {}) as SchemaNode;
}

function unknownKey(path: PathSegment[], key: string, allowed: string[]): Report {
  const what = path.length === 0 ? 'unknown top-level element' : 'unknown attribute';
  const suggestion = closest(key, allowed);
  const hint = suggestion === undefined ? '' : `, did you mean "${suggestion}"?`;
  return { path, at: [...path, key], detail: `${what} "${key}"${hint}`, key: true };
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'a mapping',
  array: 'a list',
  null: 'nothing',
};

function expectation(node: SchemaNode): string {
  if (node.expected) return node.expected;
  if (node.enum) return `one of ${joinOr(node.enum.map((v) => JSON.stringify(v)))}`;
  const types = node.type === undefined ? [] : [node.type].flat();
  return joinOr(types.map((t) => TYPE_NAMES[t] ?? t));
}

function joinOr(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? 'something else')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const MAX_SHOWN_LENGTH = 60;

/** A string as messages quote what was found: JSON-quoted, a long one cut short. */
export function quoteFound(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN_LENGTH ? `${text.slice(0, MAX_SHOWN_LENGTH)}…` : text);
}

/** What was found, for the message: strings are quoted unless they may hold a secret. */
function describe(value: unknown, sensitive: boolean): string {
  if (typeof value === 'string') return sensitive ? 'a string' : quoteFound(value);
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // YAML reads a number too large for a double (1e400) as infinity.
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to hold';
  return typeof value;
}

/** Keys whose values are commonly secrets; matched anywhere along the path. */
const SENSITIVE_KEYS = new Set(['environment', 'args', 'content']);

function isSensitive(path: PathSegment[]): boolean {
  return path.some((seg) => typeof seg === 'string' && (SENSITIVE_KEYS.has(seg) || isSensitiveName(seg)));
}

/** A JSON pointer into `root` as path segments; list indices become numbers. */
function toSegments(pointer: string, root: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    segments.push(segment);
    node = asRecord(node)[segment];
  }
  return segments;
}

function asRecord(value: unknown): Record<string | number, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>) : {};
}

const MAX_SUGGESTION_DISTANCE = 2;

/** The candidate nearest to `word` (ignoring case) within a small edit distance, if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}
