// Errors quote a value as it was written, not as interpolation made it: `ports: ["${DB_PASSWORD}"]`
// must fail with `invalid port "${DB_PASSWORD}"`, never with the password. Interpolation records
// the text of each string it changed, by path; an error a later stage of the same file raises
// about that path (or below it) has the values it quotes put back as written.
import { LoadError, LoadErrors } from '../errors.js';
import { MIN_MASKED_LENGTH } from '../model/redact.js';
import type { Lookup } from './interpolate.js';
import { formatPath, type PathSegment } from './paths.js';
import { quoteFound } from './validate.js';

/** Names a `$NAME` or `${NAME...}` refers to; `$$` is a literal dollar. */
const REFERENCE = /\$(?:\$|\{?([_a-zA-Z][_a-zA-Z0-9]*))/g;

export class SourceText {
  private readonly written = new Map<string, { raw: string; value: string }>();

  constructor(private readonly lookup: Lookup) {}

  readonly record = (path: readonly PathSegment[], raw: string, value: string): void => {
    this.written.set(formatPath(path), { raw, value });
  };

  /** `err` quoting source text where it quoted interpolated values; anything else unchanged. */
  requote(err: unknown): unknown {
    if (err instanceof LoadErrors) return new LoadErrors(err.errors.map((e) => this.requote(e) as LoadError));
    if (!(err instanceof LoadError) || err.path === undefined || this.written.size === 0) return err;
    const detail = this.quote(err.detail, err.path);
    return detail === err.detail ? err : new LoadError(err.code, detail, { position: err.position, path: err.path });
  }

  private quote(detail: string, path: string): string {
    let out = detail;
    for (const [at, { raw, value }] of this.written) {
      if (at !== path && !at.startsWith(`${path}.`) && !at.startsWith(`${path}[`)) continue;
      // The whole value, quoted as messages quote it (or bare, when long enough not to be a chance match) ...
      const pairs: [string, string][] = quotedForms(value, raw);
      if (value.length >= MIN_MASKED_LENGTH) pairs.push([value, raw]);
      // ... then what each variable put into it, where a message quotes that part alone.
      for (const name of new Set([...raw.matchAll(REFERENCE)].flatMap((m) => (m[1] ? [m[1]] : [])))) {
        const part = this.lookup(name);
        if (part) pairs.push(...quotedForms(part, `\${${name}}`));
      }
      for (const [found, written] of pairs) out = out.replaceAll(found, () => written);
    }
    return out;
  }
}

/** `"value"` as messages quote it (plain, JSON-escaped, cut short), each paired with the same form of `written`. */
function quotedForms(value: string, written: string): [string, string][] {
  const forms = new Map<string, string>([
    [`"${value}"`, `"${written}"`],
    [JSON.stringify(value), JSON.stringify(written)],
    [quoteFound(value), quoteFound(written)],
  ]);
  return [...forms];
}
