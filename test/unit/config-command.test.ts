// `berth config SERVICE...` prints what Docker Compose prints: the named services and what they depend on.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { lines, tempTree } from './loader-helpers.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  (stderr as unknown as PassThrough).on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, stdout, stderr);
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

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
    expect(await run(['--project-directory', dir, 'config', '--services', 'api'])).toMatchObject({
      code: 0,
      out: 'api\ndb\n',
    });
    const all = await run(['--project-directory', dir, 'config', '--services']);
    expect(all.out.split('\n').filter(Boolean).sort()).toEqual(['api', 'db', 'tools', 'web']);
  });

  it('names an unknown service', async () => {
    const result = await run(['--project-directory', dir, 'config', 'nope']);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/no such service: "nope"/);
  });
});
