// A small YAML emitter for the plain data `config` prints (maps, lists, strings, numbers,
// booleans, null). It is many times faster than a general one on large projects, and every
// string it cannot prove plain is written double-quoted (JSON escapes are valid YAML).

const PLAIN = /^[A-Za-z0-9_./~+=-](?:[A-Za-z0-9_./~@%+=\\^ ,:()<>*-]*[A-Za-z0-9_./~@%+=\\^,()<>*-])?$/;
// Words YAML 1.1 or 1.2 may read as something other than a string; anything that starts
// like a number is quoted rather than second-guessing every numeric form.
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?\.(?:inf|nan))$|^[-+.]?[0-9]/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  const ambiguous =
    text === '' ||
    !PLAIN.test(text) ||
    RESERVED.test(text) ||
    /^[-?:](?:\s|$)/.test(text) ||
    text.includes(': ') ||
    text.includes(' #');
  if (ambiguous) return JSON.stringify(text);
  return text;
}

function key(text: string): string {
  return scalar(text);
}

function isEmptyCollection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function emit(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === 'object' && !isEmptyCollection(item)) {
        const nested: string[] = [];
        emit(item, `${indent}  `, nested);
        out.push(`${indent}- ${nested[0].trimStart()}`, ...nested.slice(1));
      } else {
        out.push(`${indent}- ${inline(item)}`);
      }
    }
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object' && !isEmptyCollection(v)) {
      out.push(`${indent}${key(k)}:`);
      emit(v, `${indent}  `, out);
    } else {
      out.push(`${indent}${key(k)}: ${inline(v)}`);
    }
  }
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return scalar(value);
}

export function emitYaml(value: Record<string, unknown>): string {
  const out: string[] = [];
  emit(value, '', out);
  return `${out.join('\n')}\n`;
}
