// docker cp's naming rules, and tar archives made from and extracted to local files.
import { mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { splitCopyArg } from '../../src/api/cp.js';
import {
  archiveBase,
  copyTarget,
  extractLocal,
  isDirMode,
  isSymlinkMode,
  packLocal,
  rebaseName,
} from '../../src/engine/archive.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cp-'));
  dirs.push(dir);
  return dir;
}

async function entries(
  stream: Readable,
): Promise<{ name: string; type: string; uid: number; content: string; linkname?: string }[]> {
  const extract = tar.extract();
  const out: { name: string; type: string; uid: number; content: string; linkname?: string }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        out.push({
          name: header.name,
          type: header.type,
          uid: header.uid,
          content: Buffer.concat(chunks).toString(),
          ...(header.linkname ? { linkname: header.linkname } : {}),
        });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract as never);
  await done;
  return out;
}

describe('splitCopyArg', () => {
  it('reads SERVICE:PATH, and keeps absolute, ./-relative and colon-free paths local', () => {
    expect(splitCopyArg('web:/etc/hosts')).toEqual({ service: 'web', path: '/etc/hosts' });
    expect(splitCopyArg('/tmp/a:b')).toEqual({ path: '/tmp/a:b' });
    expect(splitCopyArg('./a:b')).toEqual({ path: './a:b' });
    expect(splitCopyArg('notes.txt')).toEqual({ path: 'notes.txt' });
    expect(splitCopyArg('-')).toEqual({ path: '-' });
  });
});

describe('copyTarget', () => {
  const file = { base: 'hosts', isDir: false };
  const dir = { base: 'conf', isDir: true };
  it('puts the source inside an existing directory', () => {
    expect(copyTarget(file, { path: '/tmp', exists: true, isDir: true }, 'posix')).toEqual({
      dir: '/tmp',
      from: 'hosts',
      to: 'hosts',
    });
    expect(copyTarget({ ...file, rebaseName: 'link' }, { path: '/tmp', exists: true, isDir: true }, 'posix')).toEqual({
      dir: '/tmp',
      from: 'hosts',
      to: 'link',
    });
  });
  it('gives the copy the destination name when it does not exist, or is a file', () => {
    expect(copyTarget(file, { path: '/tmp/new.txt', exists: false, isDir: false }, 'posix')).toEqual({
      dir: '/tmp',
      from: 'hosts',
      to: 'new.txt',
    });
    expect(copyTarget(file, { path: '/tmp/old.txt', exists: true, isDir: false }, 'posix')).toEqual({
      dir: '/tmp',
      from: 'hosts',
      to: 'old.txt',
    });
    expect(copyTarget(dir, { path: '/srv/copy', exists: false, isDir: false }, 'posix')).toEqual({
      dir: '/srv',
      from: 'conf',
      to: 'copy',
    });
  });
  it('refuses a directory onto a file, and a file into a directory that does not exist', () => {
    expect(() => copyTarget(dir, { path: '/tmp/f', exists: true, isDir: false }, 'posix')).toThrow(
      /cannot copy a directory/,
    );
    expect(() => copyTarget(file, { path: '/nope/', exists: false, isDir: false }, 'posix')).toThrow(/does not exist/);
  });
});

describe('archive names', () => {
  it('names `dir/.` as `.` (its contents), else the base name', () => {
    expect(archiveBase('/etc/hosts')).toBe('hosts');
    expect(archiveBase('/etc/')).toBe('etc');
    expect(archiveBase('/etc/.')).toBe('.');
  });
  it('renames the root entry and what is under it, nothing else', () => {
    expect(rebaseName('hosts', 'hosts', 'copy')).toBe('copy');
    expect(rebaseName('conf/a/b', 'conf', 'x')).toBe('x/a/b');
    expect(rebaseName('conference', 'conf', 'x')).toBe('conference');
    expect(rebaseName('./a', '.', 'x')).toBe('x/a');
  });
  it('reads Go file-mode type bits', () => {
    expect(isDirMode(2147484141)).toBe(true);
    expect(isDirMode(0o644)).toBe(false);
    expect(isSymlinkMode(134218239)).toBe(true);
  });
});

describe('packLocal and extractLocal', () => {
  it('packs a tree under the given root name, owned by root unless owners are kept', async () => {
    const src = await tempDir();
    await mkdir(join(src, 'sub'));
    await writeFile(join(src, 'sub', 'a.txt'), 'alpha');
    await symlink('a.txt', join(src, 'sub', 'link'));
    const list = await entries(packLocal(join(src, 'sub'), 'copy'));
    expect(list.map((e) => [e.name, e.type])).toEqual([
      ['copy', 'directory'],
      ['copy/a.txt', 'file'],
      ['copy/link', 'symlink'],
    ]);
    expect(list.find((e) => e.name === 'copy/a.txt')?.content).toBe('alpha');
    expect(list.every((e) => e.uid === 0)).toBe(true);
  });

  it('follows a symbolic link at the root only when asked', async () => {
    const src = await tempDir();
    await writeFile(join(src, 'real.txt'), 'real');
    await symlink('real.txt', join(src, 'alias'));
    expect((await entries(packLocal(join(src, 'alias'), 'alias')))[0]).toMatchObject({
      type: 'symlink',
      linkname: 'real.txt',
    });
    expect((await entries(packLocal(join(src, 'alias'), 'alias', { followLink: true })))[0]).toMatchObject({
      type: 'file',
      content: 'real',
    });
  });

  it('extracts with a rename, and refuses entries that would land outside the directory', async () => {
    const src = await tempDir();
    await writeFile(join(src, 'a.txt'), 'alpha');
    const dst = await tempDir();
    await extractLocal(packLocal(join(src, 'a.txt'), 'a.txt', { keepOwner: true }), dst, {
      rename: { from: 'a.txt', to: 'b.txt' },
    });
    expect(await readFile(join(dst, 'b.txt'), 'utf8')).toBe('alpha');

    const evil = tar.pack();
    evil.entry({ name: '../escape.txt' }, 'nope');
    evil.finalize();
    await expect(extractLocal(Readable.from(evil as never), dst)).rejects.toThrow(/outside/);
    await expect(stat(join(dst, '..', 'escape.txt'))).rejects.toThrow();
  });

  it('recreates symbolic links as links', async () => {
    const src = await tempDir();
    await symlink('/etc/hostname', join(src, 'link'));
    const dst = await tempDir();
    await extractLocal(packLocal(join(src, 'link'), 'link'), dst);
    expect(await readlink(join(dst, 'link'))).toBe('/etc/hostname');
  });
});
