// Variable interpolation as the Compose Specification defines it and compose-go implements it:
// `$VAR`, `${VAR}`, the six `${VAR<op>operand}` forms with nested operands, and `$$` for `$`.
import { LoadError, type SourcePosition } from '../errors.js';
import { OverrideTag } from './parse.js';
import { formatPath, isDict, type Dict, type PathSegment } from './paths.js';
import { mapDict, mapList } from './tree.js';

/** A variable's value, or `undefined` when it is not set (which differs from set-but-empty). */
export type Lookup = (name: string) => string | undefined;

/** A malformed expression or a missing required variable; the caller adds where it happened. */
export class InterpolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;
const OPERATOR = /:?[-+?]/y;
const ESCAPE_HINT = '; write "$$" for a literal "$"';

/**
 * The most text interpolation may produce for one project, summed over every value it changes.
 * Real files substitute kilobytes; a chain of variables that each repeat the one before grows
 * exponentially (1.3 KB of `.env` became 4 GB), and is stopped here, where its line is known.
 */
const MAX_INTERPOLATED_CHARS = 64 * 1024 * 1024;
const MAX_INTERPOLATED_TEXT = '64 MiB';
/** `${A:-${B:-...}}` nested deeper than this is refused: real files nest two or three levels. */
const MAX_NESTING = 100;

/** What interpolation may still produce; one is shared by all the files of a project. */
export class InterpolationBudget {
  constructor(private left = MAX_INTERPOLATED_CHARS) {}

  /** Throws once `length` more characters would pass the limit. */
  check(length: number): void {
    if (length > this.left) {
      throw new InterpolationError(
        `variables expand to more than ${MAX_INTERPOLATED_TEXT} of text, the most berth substitutes in one project (does a variable repeat another that repeats another?)`,
      );
    }
  }

  spend(length: number): void {
    this.check(length);
    this.left -= length;
  }
}

/** A variable an expression reads: `operator` and `operand` as written (`:-`, `dev`), absent for `$VAR` and `${VAR}`. */
export type VariableUse = (name: string, operator?: string, operand?: string) => void;

interface Context {
  lookup: Lookup;
  onWarning?: (message: string) => void;
  onVariable?: VariableUse;
  budget: InterpolationBudget;
  lines: LineScanner;
}

/** How each operator turns the variable's value (undefined: unset) and its lazily evaluated operand into text. */
const OPERATORS: Record<string, (value: string | undefined, operand: () => string, name: string) => string> = {
  ':-': (value, operand) => (value ? value : operand()),
  '-': (value, operand) => (value === undefined ? operand() : value),
  ':+': (value, operand) => (value ? operand() : ''),
  '+': (value, operand) => (value === undefined ? '' : operand()),
  ':?': (value, operand, name) => (value ? value : missing(name, operand())),
  '?': (value, operand, name) => (value === undefined ? missing(name, operand()) : value),
};

function missing(name: string, reason: string): never {
  throw new InterpolationError(`required variable ${name} is missing a value${reason ? `: ${reason}` : ''}`);
}

export function interpolateString(
  text: string,
  lookup: Lookup,
  onWarning?: (message: string) => void,
  budget = new InterpolationBudget(),
  onVariable?: VariableUse,
): string {
  if (!text.includes('$')) return text;
  const ctx = { lookup, onWarning, onVariable, budget, lines: new LineScanner(text) };
  const out = substitute(text, 0, text.length, ctx, 0);
  budget.spend(out.length);
  return out;
}

/** Interpolates `text[from, to)`; offsets stay those of the whole string so errors can point into it. */
function substitute(text: string, from: number, to: number, ctx: Context, depth: number): string {
  let out = '';
  let i = from;
  while (i < to) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0 || dollar >= to) {
      out += text.slice(i, to);
      break;
    }
    out += text.slice(i, dollar);
    const next = dollar + 1 < to ? text[dollar + 1] : undefined;
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const { value, end } = braced(text, dollar, to, ctx, depth);
      out += value;
      i = end;
    } else {
      const name = matchAt(NAME, text, dollar + 1, to);
      // A `$` that starts no expression ("a $ sign", "^regex$") is kept as written.
      out += name ? plain(name, ctx) : '$';
      i = dollar + 1 + (name?.length ?? 0);
    }
    ctx.budget.check(out.length);
  }
  return out;
}

/** `${...}` starting at `start`: returns its value and the index just past its closing brace. */
function braced(text: string, start: number, to: number, ctx: Context, depth: number): { value: string; end: number } {
  const at = start + 1; // 1-based position of the `$`
  const nameStart = start + 2;
  const name = matchAt(NAME, text, nameStart, to);
  // compose-go matches the operand up to the last `}` on the line, then cuts at the brace
  // that balances the opening one.
  const lineEnd = Math.min(to, ctx.lines.newlineAfter(nameStart));
  const lastClose = ctx.lines.lastCloseBefore(lineEnd);
  if (!name) {
    const reason =
      text[nameStart] === '}'
        ? '"${}" names no variable'
        : lastClose < nameStart
          ? '"${" is not closed by "}" on the same line'
          : '"${" must be followed by a variable name (a letter or "_", then letters, digits or "_")';
    throw new InterpolationError(`invalid interpolation format at character ${at}: ${reason}${ESCAPE_HINT}`);
  }
  const afterName = nameStart + name.length;
  if (afterName < to && text[afterName] === '}') return { value: plain(name, ctx), end: afterName + 1 };

  const op = matchAt(OPERATOR, text, afterName, to);
  const operandStart = afterName + (op?.length ?? 0);
  if (lastClose < operandStart) {
    throw new InterpolationError(
      `invalid interpolation format at character ${at}: "\${${name}" is not closed by "}" on the same line${ESCAPE_HINT}`,
    );
  }
  if (!op) {
    throw new InterpolationError(
      `invalid interpolation format at character ${at}: a variable name in "\${...}" must be followed by "}" or one of ":-", "-", ":?", "?", ":+", "+"${ESCAPE_HINT}`,
    );
  }
  if (depth >= MAX_NESTING) {
    throw new InterpolationError(
      `invalid interpolation format at character ${at}: "\${...}" nested more than ${MAX_NESTING} levels deep`,
    );
  }
  const close = balancedClose(text, start + 1, lastClose);
  ctx.onVariable?.(name, op, text.slice(operandStart, close));
  const value = OPERATORS[op](ctx.lookup(name), () => substitute(text, operandStart, close, ctx, depth + 1), name);
  return { value, end: close + 1 };
}

function plain(name: string, ctx: Context): string {
  ctx.onVariable?.(name);
  const value = ctx.lookup(name);
  if (value === undefined) ctx.onWarning?.(`The "${name}" variable is not set. Defaulting to a blank string.`);
  return value ?? '';
}

/**
 * Where the line holding an index ends, and the last `}` before an end: remembered, since every
 * `${` of a line asks again, and scanning the rest of a long line each time is quadratic.
 */
class LineScanner {
  private from = -1;
  private newline = -1;
  private readonly lastClose = new Map<number, number>();

  constructor(private readonly text: string) {}

  /** The index of the first newline at or after `index`, or the text's length. */
  newlineAfter(index: number): number {
    if (index < this.from || index > this.newline) {
      const found = this.text.indexOf('\n', index);
      this.from = index;
      this.newline = found < 0 ? this.text.length : found;
    }
    return this.newline;
  }

  lastCloseBefore(end: number): number {
    let close = this.lastClose.get(end);
    if (close === undefined) {
      close = this.text.lastIndexOf('}', end - 1);
      this.lastClose.set(end, close);
    }
    return close;
  }
}

/** The `}` that balances the `{` at `open`, or `fallback` (the last `}` of the line) if none does. */
function balancedClose(text: string, open: number, fallback: number): number {
  let depth = 0;
  for (let i = open; i <= fallback; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return fallback;
}

function matchAt(pattern: RegExp, text: string, index: number, to: number): string | undefined {
  pattern.lastIndex = index;
  const match = pattern.exec(text);
  return match && index + match[0].length <= to ? match[0] : undefined;
}

export interface InterpolateTreeOptions {
  locate: (path: readonly PathSegment[]) => SourcePosition | undefined;
  onWarning?: (message: string) => void;
  /** Told of each string interpolation changed, so errors can quote it as written. */
  onInterpolated?: (path: readonly PathSegment[], raw: string, value: string) => void;
  /** Shared with the project's other files; by default the limit holds for this tree alone. */
  budget?: InterpolationBudget;
}

/** `data` with every string value interpolated; map keys are left alone, as in compose-go. */
export function interpolateTree(data: Dict, lookup: Lookup, options: InterpolateTreeOptions): Dict {
  // One path array for the whole walk: it is read only when a value fails.
  const path: PathSegment[] = [];
  const budget = options.budget ?? new InterpolationBudget();
  const child = (value: unknown, segment: PathSegment) => {
    path.push(segment);
    const next = walk(value);
    path.pop();
    return next;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      try {
        const out = interpolateString(value, lookup, options.onWarning, budget);
        if (out !== value) options.onInterpolated?.(path, value, out);
        return out;
      } catch (err) {
        if (!(err instanceof InterpolationError)) throw err;
        throw new LoadError('interpolation', err.message, { position: options.locate(path), path: formatPath(path) });
      }
    }
    if (Array.isArray(value)) return mapList(value, child);
    // The tag sits at the path of the value it wraps.
    if (value instanceof OverrideTag) {
      const inner = walk(value.value);
      return inner === value.value ? value : new OverrideTag(inner);
    }
    if (isDict(value)) return mapDict(value, child);
    return value;
  };
  return walk(data) as Dict;
}
