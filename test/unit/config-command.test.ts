// `berth config SERVICE...` prints what Docker Compose prints: the named services and what they depend on.
import { describe, expect, it } from 'vitest';
import { runBerth } from './cli-in-process.js';
import { lines, tempTree } from './loader-helpers.js';

describe('config SERVICE...', () => {
  const dir = tempTree({
    'compose.yaml': lines(
      'services:',
      '  web:',
      '    image: web',
      '    depends_on: [api]',
      '  api:',
      '    image: api',
      '    depends_on: [db]',
      '  db:',
      '    image: db',
      '  tools:',
      '    image: tools',
    ),
  });

  it('keeps the named services and their dependencies, nothing else', async () => {
    expect(await runBerth(['--project-directory', dir, 'config', '--services', 'api'])).toMatchObject({
      code: 0,
      out: 'api\ndb\n',
    });
    const all = await runBerth(['--project-directory', dir, 'config', '--services']);
    expect(all.out.split('\n').filter(Boolean).sort()).toEqual(['api', 'db', 'tools', 'web']);
  });

  it('names an unknown service', async () => {
    const result = await runBerth(['--project-directory', dir, 'config', 'nope']);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/no such service: "nope"/);
  });
});
