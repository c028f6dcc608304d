import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TreeWatcher } from '../../src/watch/watcher.js';

describe('watching a tree of files', () => {
  let dir: string;
  let watcher: TreeWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports changes in nested and newly created directories, and skips the directories it is told to', async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-watch-'));
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    mkdirSync(join(dir, 'skipped'));
    const seen = new Set<string>();
    watcher = await TreeWatcher.start({
      root: dir,
      skipDirectory: (p) => p.endsWith('skipped'),
      onChange: (p) => seen.add(p),
      onError: (e) => {
        throw e;
      },
    });
    expect(watcher.directories).toBe(3);
    writeFileSync(join(dir, 'a/b/file'), 'x');
    writeFileSync(join(dir, 'skipped/file'), 'x');
    await expect.poll(() => seen.has(join(dir, 'a/b/file')), { timeout: 5000 }).toBe(true);
    mkdirSync(join(dir, 'new'));
    await expect.poll(() => watcher!.directories, { timeout: 5000 }).toBe(4);
    writeFileSync(join(dir, 'new/inner'), 'x');
    await expect.poll(() => seen.has(join(dir, 'new/inner')), { timeout: 5000 }).toBe(true);
    expect(seen.has(join(dir, 'skipped/file'))).toBe(false);
  });

  it('a single file is watched through its directory, and survives being replaced', async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-watch-'));
    const file = join(dir, 'package.json');
    writeFileSync(file, '{}');
    const seen: string[] = [];
    watcher = await TreeWatcher.start({
      root: file,
      onChange: (p) => seen.push(p),
      onError: (e) => {
        throw e;
      },
    });
    writeFileSync(join(dir, 'other'), 'x');
    writeFileSync(join(dir, 'package.json.new'), '{"a":1}');
    rmSync(file);
    writeFileSync(file, '{"a":1}');
    await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([file]));
  });

  it('a missing path and a tree over the directory bound are refused at start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-watch-'));
    await expect(TreeWatcher.start({ root: join(dir, 'nope'), onChange: () => {}, onError: () => {} })).rejects.toThrow(
      /no such file or directory/,
    );
    for (let i = 0; i < 5; i++) mkdirSync(join(dir, `d${i}`));
    await expect(
      TreeWatcher.start({ root: dir, maxDirectories: 3, onChange: () => {}, onError: () => {} }),
    ).rejects.toThrow(/more than 3 directories/);
  });
});
