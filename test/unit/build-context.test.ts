// Which files reach the engine in a build context: .dockerignore as Docker reads it.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { contextTar } from '../../src/engine/build-context.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temporary directory holding `files` (path -> content). */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-ctx-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

interface TarItem {
  type: string;
  mode: number;
  content: string;
  linkname?: string;
}

/** The tar read back: entry name (directories with a trailing slash) -> entry. */
async function readTar(tar: NodeJS.ReadableStream): Promise<Map<string, TarItem>> {
  const items = new Map<string, TarItem>();
  const ex = extract();
  (tar as Readable).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const { name, type, mode, linkname } = entry.header;
    const key = type === 'directory' ? `${name.replace(/\/$/, '')}/` : name;
    items.set(key, { type, mode, content: Buffer.concat(chunks).toString(), linkname: linkname ?? undefined });
  }
  return items;
}

async function names(contextDir: string, dockerfile = 'Dockerfile'): Promise<string[]> {
  const { tar } = await contextTar(contextDir, dockerfile);
  return [...(await readTar(tar)).keys()].sort();
}

describe('build context', () => {
  it('sends every file and directory when there is no .dockerignore', async () => {
    const dir = await tree({ Dockerfile: 'FROM busybox\n', 'a.txt': 'a', 'src/b.txt': 'b' });
    expect(await names(dir)).toEqual(['Dockerfile', 'a.txt', 'src/', 'src/b.txt']);
  });

  it('leaves out ignored files and directories and keeps the exceptions', async () => {
    const dir = await tree({
      '.dockerignore': [
        '# secrets stay home',
        'secret.txt',
        '*.md',
        '!README.md',
        'logs',
        '!logs/keep.txt',
        '**/*.tmp',
        '/dist/**',
        '',
      ].join('\n'),
      Dockerfile: 'FROM busybox\n',
      'secret.txt': 's',
      'notes.md': 'n',
      'README.md': 'r',
      'logs/a.txt': 'a',
      'logs/keep.txt': 'k',
      'src/app.js': 'app',
      'src/deep/scratch.tmp': 't',
      'top.tmp': 't',
      'dist/out.js': 'o',
    });
    // Like Docker, the reopened `logs` directory has no entry of its own: only the exception does.
    expect(await names(dir)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'README.md',
      'dist/',
      'logs/keep.txt',
      'src/',
      'src/app.js',
      'src/deep/',
    ]);
  });

  it('always sends the Dockerfile and .dockerignore, even when they are ignored', async () => {
    const dir = await tree({
      '.dockerignore': '*\n',
      'docker/app.Dockerfile': 'FROM busybox\n',
      'docker/other': 'x',
      'a.txt': 'a',
    });
    const { tar, dockerfile } = await contextTar(dir, 'docker/app.Dockerfile');
    expect(dockerfile).toBe('docker/app.Dockerfile');
    expect([...(await readTar(tar)).keys()].sort()).toEqual(['.dockerignore', 'docker/app.Dockerfile']);
  });

  it('an exception reopens an excluded directory only when its text starts with that directory, as in Docker', async () => {
    const dir = await tree({
      '.dockerignore': 'cache\n!**/keep.txt\n',
      Dockerfile: '',
      'cache/keep.txt': 'k',
      'other/keep.txt': 'k',
    });
    expect(await names(dir)).toEqual(['.dockerignore', 'Dockerfile', 'other/', 'other/keep.txt']);
  });

  it('* and ? stay within one directory level while ** spans any number', async () => {
    const dir = await tree({
      '.dockerignore': '*/*.js\n?.txt\nconf/**/*.bak\n',
      Dockerfile: '',
      'top.js': '',
      'src/a.js': '',
      'src/lib/b.js': '',
      'x.txt': '',
      'xy.txt': '',
      'conf/c.bak': '',
      'conf/d/e/f.bak': '',
      'conf/keep.ini': '',
    });
    expect(await names(dir)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'conf/',
      'conf/d/',
      'conf/d/e/',
      'conf/keep.ini',
      'src/',
      'src/lib/',
      'src/lib/b.js',
      'top.js',
      'xy.txt',
    ]);
  });

  it('regexp characters in a pattern match themselves', async () => {
    const dir = await tree({
      '.dockerignore': 'a+b.txt\n(x).txt\n',
      Dockerfile: '',
      'a+b.txt': '',
      'aab.txt': '',
      '(x).txt': '',
      'x.txt': '',
    });
    expect(await names(dir)).toEqual(['.dockerignore', 'Dockerfile', 'aab.txt', 'x.txt']);
  });

  it('reads patterns as Docker does: BOM, leading slash, ./ and surrounding spaces are dropped, a late # is no comment', async () => {
    const dir = await tree({
      '.dockerignore': '\uFEFFa.txt\r\n  /b.txt  \n./c.txt\n #d.txt\n',
      Dockerfile: '',
      'a.txt': '',
      'b.txt': '',
      'c.txt': '',
      '#d.txt': '',
      'e.txt': '',
    });
    expect(await names(dir)).toEqual(['.dockerignore', 'Dockerfile', 'e.txt']);
  });

  it('a Dockerfile-specific ignore file replaces .dockerignore', async () => {
    const dir = await tree({
      '.dockerignore': 'a.txt\n',
      'app.Dockerfile': '',
      'app.Dockerfile.dockerignore': 'b.txt\n',
      'a.txt': '',
      'b.txt': '',
    });
    expect(await names(dir, 'app.Dockerfile')).toEqual([
      '.dockerignore',
      'a.txt',
      'app.Dockerfile',
      'app.Dockerfile.dockerignore',
    ]);
  });

  it('an inline Dockerfile travels under a generated name that .dockerignore hides from COPY', async () => {
    const dir = await tree({ '.dockerignore': 'secret.txt', 'secret.txt': 's', 'a.txt': 'a' });
    const { tar, dockerfile } = await contextTar(dir, 'Dockerfile', 'FROM busybox\nCOPY . /app\n');
    expect(dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
    const items = await readTar(tar);
    expect([...items.keys()].sort()).toEqual(['.dockerignore', dockerfile, 'a.txt'].sort());
    expect(items.get(dockerfile)?.content).toBe('FROM busybox\nCOPY . /app\n');
    expect(items.get('.dockerignore')?.content).toBe(`secret.txt\n${dockerfile}\n`);
  });

  it('the same inline Dockerfile gets the same name, so rebuilding keeps the context unchanged', async () => {
    const dir = await tree({ 'a.txt': 'a' });
    const first = await contextTar(dir, 'Dockerfile', 'FROM busybox\n');
    const second = await contextTar(dir, 'Dockerfile', 'FROM busybox\n');
    expect(first.dockerfile).toBe(second.dockerfile);
    // Without a .dockerignore of its own, the generated one also hides itself.
    expect((await readTar(first.tar)).get('.dockerignore')?.content).toBe(`.dockerignore\n${first.dockerfile}\n`);
    await readTar(second.tar);
  });

  it('a Dockerfile outside the context is added to the tar', async () => {
    const dir = await tree({ 'ctx/a.txt': 'a', 'elsewhere/build.Dockerfile': 'FROM busybox\n' });
    const { tar, dockerfile } = await contextTar(join(dir, 'ctx'), join(dir, 'elsewhere/build.Dockerfile'));
    const items = await readTar(tar);
    expect(dockerfile).toMatch(/^\.dockerfile\./);
    expect(items.get(dockerfile)?.content).toBe('FROM busybox\n');
    expect(items.has('a.txt')).toBe(true);
  });

  it('a missing Dockerfile or context is reported before anything is sent', async () => {
    const dir = await tree({ 'a.txt': 'a' });
    await expect(contextTar(dir, 'Dockerfile')).rejects.toThrow(/cannot locate the Dockerfile .*Dockerfile/);
    await expect(contextTar(join(dir, 'nope'), 'Dockerfile')).rejects.toThrow(
      /unable to prepare context: path ".*nope" is not a directory/,
    );
  });

  it('symbolic links travel as links, modes are kept and owners are root', async () => {
    const dir = await tree({ Dockerfile: '', 'run.sh': '#!/bin/sh\n', 'empty.txt': '' });
    await chmod(join(dir, 'run.sh'), 0o755);
    await symlink('run.sh', join(dir, 'start'));
    const items = await readTar((await contextTar(dir, 'Dockerfile')).tar);
    expect(items.get('run.sh')).toMatchObject({ type: 'file', mode: 0o755, content: '#!/bin/sh\n' });
    expect(items.get('start')).toMatchObject({ type: 'symlink', linkname: 'run.sh' });
    expect(items.get('empty.txt')).toMatchObject({ type: 'file', content: '' });
  });

  it('a malformed pattern is an error, not a silently different context', async () => {
    const dir = await tree({ '.dockerignore': 'a[.txt\n', Dockerfile: '' });
    await expect(contextTar(dir, 'Dockerfile')).rejects.toThrow(/syntax error in pattern "a\[\.txt"/);
  });
});
