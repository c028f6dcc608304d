// What aliases may multiply: a file that repeats a large anchor many times is refused where the
// repeated text passes the limit, with the file, the line of that alias and the limit, before
// any later stage (or `config`) tries to build a string longer than JavaScript allows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { loadProject } from '../../src/loader/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose compose file is `x-big`, an anchored value of `size` characters, then `count` aliases of it. */
function project(size: number, count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-alias-'));
  dirs.push(dir);
  const text = [
    `x-big: &big "${'x'.repeat(size)}"`,
    'x-many:',
    ...Array.from({ length: count }, () => '  - *big'),
    'services:',
    '  web:',
    '    image: busybox',
    '    labels: {big: *big}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'compose.yaml'), text);
  return dir;
}

async function loadError(dir: string): Promise<LoadError> {
  try {
    await loadProject({ cwd: dir, environment: {} });
  } catch (err) {
    if (err instanceof LoadError) return err;
    throw err;
  }
  throw new Error('the project loaded');
}

describe('alias expansion', () => {
  it('refuses 600 aliases of a 2 MB anchor at the alias that passes the limit, naming the limit', async () => {
    const dir = project(2_000_000, 600);
    const err = await loadError(dir);
    expect(err.code).toBe('yaml');
    expect(err.detail).toMatch(/aliases repeat more than 67108864 characters of keys and values \(the limit\)/);
    // Each alias repeats the 2 000 002 characters of the quoted value: the 34th passes 64 MiB,
    // and stands on line 2 + 34.
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 36, column: 5 });
    expect(err.message.startsWith(`${join(dir, 'compose.yaml')}:36:5: `)).toBe(true);
  });

  it('loads a file that repeats a large anchor within the limit', async () => {
    const dir = project(100_000, 600);
    const { project: loaded } = await loadProject({ cwd: dir, environment: {} });
    expect(loaded.services.web.labels?.big).toHaveLength(100_000);
  });
});
