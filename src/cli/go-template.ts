// `--format` as the docker CLI takes it: `table` (the default columns), `json` (one object a
// line), or a Go-template-style text with `{{.Field}}`, `{{json .Field}}` and `{{json .}}`,
// where a leading `table ` adds a header row and aligns the columns, and `\t` / `\n` written as
// two characters become a tab / a new line. Only these forms: anything else in `{{ }}` is an error.
import { BerthError } from '../errors.js';

export type Row = Record<string, unknown>;

const FIELD = /\{\{\s*(json\s+)?\.([A-Za-z][A-Za-z0-9]*)?\s*\}\}/g;
const ANY_ACTION = /\{\{.*?\}\}/g;

/** Renders `rows` in `format`; `headers` names the columns of `table` templates (default: the field in capitals). */
export function renderFormat(format: string, rows: Row[], headers: Record<string, string> = {}): string {
  if (format === 'json') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const table = /^table\s/.test(format);
  const template = (table ? format.replace(/^table\s+/, '') : format).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  checkTemplate(template, rows[0]);
  const fill = (row: Row) =>
    template.replace(FIELD, (_, json: string | undefined, field: string | undefined) => {
      const value = field === undefined ? row : row[field];
      return json ? JSON.stringify(value) : text(value);
    });
  if (!table) return rows.map((r) => `${fill(r)}\n`).join('');
  const header = template.replace(FIELD, (_, _json, field: string | undefined) =>
    field === undefined ? '' : (headers[field] ?? field.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase()),
  );
  return alignColumns([header, ...rows.map(fill)]);
}

function checkTemplate(template: string, sample: Row | undefined): void {
  for (const action of template.match(ANY_ACTION) ?? []) {
    const m = new RegExp(FIELD.source).exec(action);
    if (!m || m[0] !== action)
      throw new BerthError('usage', `--format: cannot read ${action}: use {{.Field}}, {{json .Field}} or {{json .}}`);
    if (sample && m[2] !== undefined && !(m[2] in sample))
      throw new BerthError('usage', `--format: no field "${m[2]}" (fields: ${Object.keys(sample).join(', ')})`);
  }
}

/** A value as Go's text/template prints it: strings as they are, other scalars as text, the rest as JSON. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Tab-separated cells padded to their column's width plus three spaces, as the docker CLI's tables are. */
function alignColumns(lines: string[]): string {
  const cells = lines.flatMap((l) => l.split('\n')).map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] + 3)))
        .join('')
        .trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join('');
}
