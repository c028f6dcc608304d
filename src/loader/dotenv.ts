// The env-file syntax Docker Compose reads (compose-go's dotenv): `KEY=value` statements,
// `export`, comments, three kinds of values, escapes in double quotes and `${VAR}` expansion.
import { LoadError } from '../errors.js';
import { interpolateString, InterpolationBudget, InterpolationError, type Lookup } from './interpolate.js';

export interface DotenvOptions {
  /**
   * Consulted before the file's own earlier keys when expanding: Docker Compose lets the shell
   * environment win there as it does everywhere else.
   */
  overrides?: Lookup;
  onWarning?: (message: string) => void;
  /** Shared with the project's other files; by default the limit holds for this file alone. */
  budget?: InterpolationBudget;
}

/** compose-go's "space": blanks that do not end a line. */
const BLANK = '[\\t\\v\\f\\r \\u0085\\u00a0]';
const BLANKS = new RegExp(`${BLANK}*`, 'y');
const HAS_BLANK = new RegExp(BLANK);
const TRAILING_BLANKS = new RegExp(`${BLANK}+$`);
const EXPORT = new RegExp(`export${BLANK}+`, 'y');
const KEY = new RegExp(`(?:[\\p{L}\\p{N}_.\\-\\[\\]]|${BLANK})*`, 'uy');
const STATEMENT_START = /\s*/y;
/** Escapes honoured in double-quoted values; `\0ooo` is octal. Others are kept as written. */
const ESCAPE = /\\(?:[abfnrtv$"\\]|0\d{0,3})/g;
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
  // Hand `$` to the interpolation as its own escape so that it stays literal.
  $: '$$',
};

/**
 * Variables of an env file, in file order. `lookup` serves expansions the file cannot (after
 * its own earlier keys) and bare `KEY` lines.
 */
export function parseDotenv(
  text: string,
  file: string,
  lookup?: Lookup,
  options: DotenvOptions = {},
): Record<string, string> {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const fail = (offset: number, detail: string, key?: string): never => {
    throw new LoadError('env-file', detail, { position: { file, ...lineColumn(src, offset) }, path: key });
  };
  const vars = new Map<string, string>();
  const resolveName: Lookup = (name) => options.overrides?.(name) ?? vars.get(name) ?? lookup?.(name);
  const budget = options.budget ?? new InterpolationBudget();

  let i = 0;
  for (;;) {
    i = statementStart(src, i);
    if (i >= src.length) break;
    const keyStart = skip(EXPORT, src, i);
    const keyEnd = skip(KEY, src, keyStart);
    const terminator = src[keyEnd];
    if (terminator !== undefined && terminator !== '=' && terminator !== ':' && terminator !== '\n') {
      fail(
        keyEnd,
        `unexpected character ${JSON.stringify(terminator)} in a variable name: names hold letters, digits, "_", ".", "-", "[" and "]"`,
      );
    }
    const key = src.slice(keyStart, keyEnd).replace(TRAILING_BLANKS, '');
    if (HAS_BLANK.test(key)) fail(keyStart, 'a variable name cannot contain a space');

    if (terminator === undefined || terminator === '\n') {
      // `KEY` alone passes the variable through when it is set.
      const value = key ? (options.overrides?.(key) ?? lookup?.(key)) : undefined;
      if (value !== undefined) vars.set(key, value);
      i = keyEnd + 1;
      continue;
    }
    if (!key) fail(keyStart, `a variable name is missing before "${terminator}"`);

    const valueStart = skip(BLANKS, src, keyEnd + 1);
    const quote = src[valueStart];
    const expand = quote !== "'";
    let raw: string;
    if (quote === '"' || quote === "'") {
      const quoted = readQuoted(src, valueStart);
      if (!quoted) return fail(valueStart, `unterminated quoted value: the ${quote} has no closing ${quote}`, key);
      raw = quote === '"' ? unescapeDoubleQuoted(quoted.raw) : quoted.raw;
      i = quoted.end;
    } else {
      const lineEnd = indexOrEnd(src, '\n', valueStart);
      // An inline comment on an unquoted value starts at " #".
      raw = src.slice(valueStart, indexOrEnd(src.slice(0, lineEnd), ' #', valueStart)).trimEnd();
      i = lineEnd;
    }
    try {
      vars.set(key, expand ? interpolateString(raw, resolveName, options.onWarning, budget) : raw);
    } catch (err) {
      if (!(err instanceof InterpolationError)) throw err;
      fail(valueStart, err.message, key);
    }
  }
  // fromEntries, not assignment: a `__proto__` key must stay a plain key.
  return Object.fromEntries(vars);
}

/** Skips blank lines, indentation and `#` comment lines; returns where the next statement starts. */
function statementStart(src: string, from: number): number {
  let i = from;
  for (;;) {
    i = skip(STATEMENT_START, src, i);
    if (src[i] !== '#') return i;
    i = indexOrEnd(src, '\n', i);
  }
}

/**
 * A quoted value starting at the quote at `start`. A backslash escapes the next character;
 * it is dropped only before the closing quote character, so that `\'` and `\"` nest.
 */
function readQuoted(src: string, start: number): { raw: string; end: number } | undefined {
  const quote = src[start];
  let raw = '';
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === quote) return { raw, end: i + 1 };
    if (c === '\\' && i + 1 < src.length) {
      i++;
      raw += src[i] === quote ? quote : `\\${src[i]}`;
    } else {
      raw += c;
    }
  }
  return undefined;
}

function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(ESCAPE, (match) => {
    const simple = SIMPLE_ESCAPES[match[1]];
    if (simple !== undefined) return simple;
    // `\0` then exactly three octal digits is a byte value; compose-go keeps anything else
    // with the `0` dropped.
    const digits = match.slice(2);
    return /^[0-7]{3}$/.test(digits) && parseInt(digits, 8) <= 0xff
      ? String.fromCharCode(parseInt(digits, 8))
      : `\\${digits}`;
  });
}

function skip(pattern: RegExp, src: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.exec(src) ? pattern.lastIndex : from;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const i = text.indexOf(search, from);
  return i < 0 ? text.length : i;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
