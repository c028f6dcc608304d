import { describe, expect, it } from 'vitest';
import { renderFormat } from '../../src/cli/go-template.js';

const rows = [
  { Name: 'p-web-1', State: 'running', ExitCode: 0, Publishers: [{ URL: '127.0.0.1', TargetPort: 80 }] },
  { Name: 'p-worker-1', State: 'exited', ExitCode: 137, Publishers: [] },
];

describe('--format as the docker CLI reads it', () => {
  it('json prints one object a line', () => {
    expect(
      renderFormat('json', rows)
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual(rows);
  });

  it('a template fills {{.Field}} per row, numbers as text and lists as JSON; {{json .}} is the whole row', () => {
    expect(renderFormat('{{.Name}}={{ .ExitCode }}', rows)).toBe('p-web-1=0\np-worker-1=137\n');
    expect(renderFormat('{{json .Publishers}}', rows)).toBe('[{"URL":"127.0.0.1","TargetPort":80}]\n[]\n');
    expect(renderFormat('{{json .}}', rows.slice(0, 1))).toBe(`${JSON.stringify(rows[0])}\n`);
  });

  it('table adds a header row (given names, else the field in capitals) and aligns the columns; \\t is a tab', () => {
    expect(renderFormat('table {{.Name}}\\t{{.ExitCode}}\\t{{.State}}', rows, { Name: 'NAME' })).toBe(
      'NAME         EXIT CODE   STATE\np-web-1      0           running\np-worker-1   137         exited\n',
    );
  });

  it('an unknown field or an action it does not read is an error naming it', () => {
    expect(() => renderFormat('{{.Nope}}', rows)).toThrow(
      /no field "Nope" \(fields: Name, State, ExitCode, Publishers\)/,
    );
    expect(() => renderFormat('{{range .Publishers}}x{{end}}', rows)).toThrow(/cannot read \{\{range \.Publishers\}\}/);
  });
});
