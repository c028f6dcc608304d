import { describe, expect, it } from 'vitest';
import { LoadErrors } from '../../src/errors.js';
import { loadProject } from '../../src/loader/index.js';
import { lines, rejection, tempTree } from './loader-helpers.js';

const load = (text: string) => loadProject({ cwd: tempTree({ 'compose.yaml': text }), environment: {} });

describe('where load errors point', () => {
  it('locates a misspelt attribute with a block value at its key, not at the first line of its value', async () => {
    const err = await rejection(
      load(lines('services:', '  web:', '    image: busybox', '    helthcheck:', '      test: ["CMD", "true"]')),
    );
    expect(err.detail).toBe('unknown attribute "helthcheck", did you mean "healthcheck"?');
    expect(err.position).toMatchObject({ line: 4, column: 5 });
  });

  it('reports every schema error of a file at once, each at its own line', async () => {
    const err = await rejection(
      load(
        lines(
          'services:',
          '  web:',
          '    image: busybox',
          '    prots: ["80:80"]',
          '    restart: sometimes',
          '    environmnt:',
          '      A: "1"',
          'networks:',
          '  front:',
          '    drivr: bridge',
        ),
      ),
    );
    expect(err).toBeInstanceOf(LoadErrors);
    const all = (err as LoadErrors).errors.map((e) => [e.position?.line, e.position?.column, e.detail]);
    expect(all).toEqual([
      [4, 5, 'unknown attribute "prots", did you mean "ports"?'],
      [5, 14, expect.stringMatching(/^expected .*, got "sometimes"$/)],
      [6, 5, 'unknown attribute "environmnt", did you mean "environment"?'],
      [10, 5, 'unknown attribute "drivr", did you mean "driver"?'],
    ]);
    expect(err.message.split('\n')).toHaveLength(4);
  });

  it('stops at ten errors', async () => {
    const keys = Array.from({ length: 15 }, (_, i) => `    bogus${i}: 1`);
    const err = await rejection(load(lines('services:', '  web:', '    image: busybox', ...keys)));
    expect((err as LoadErrors).errors).toHaveLength(10);
  });
});
