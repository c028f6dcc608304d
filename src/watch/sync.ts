// Syncing changed host files into a service's containers: paths gone from the host are
// removed with one `rm -rf` exec (an argument array, never a shell line), then everything
// else is sent as one tar through the archive API, directories with their (filtered) content.
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack as tarPack, type Pack } from 'tar-stream';
import type { Engine } from '../engine/connect.js';
import { runHook } from '../engine/hooks.js';
import { accepts, collapseNested, containerPath, skipsDirectory, type SyncItem } from './rules.js';

export interface SyncPlan {
  /** Container paths to delete. */
  remove: string[];
  /** Host paths to copy, with where they go. */
  copy: SyncItem[];
}

/** Splits the items into deletions (gone from the host) and copies. */
export async function splitByPresence(items: readonly SyncItem[]): Promise<SyncPlan> {
  const remove: string[] = [];
  const copy: SyncItem[] = [];
  for (const item of items) {
    const present = await lstat(item.hostPath).then(
      () => true,
      () => false,
    );
    if (present) copy.push(item);
    // Never `rm -rf /`, whatever a rule's target says.
    else if (item.containerPath !== '/') remove.push(item.containerPath);
  }
  return { remove, copy: collapseNested(copy) };
}

/** Applies a sync plan to one container. */
export async function syncContainer(engine: Engine, containerId: string, plan: SyncPlan): Promise<void> {
  if (plan.remove.length) {
    const result = await runHook(engine, containerId, { command: ['rm', '-rf', ...plan.remove] }, {});
    if (result.exitCode !== 0)
      throw new Error(
        `removing ${plan.remove.join(', ')} failed (exit code ${result.exitCode}): ${result.output.trim()}`,
      );
  }
  if (plan.copy.length) {
    // The files get the container user's ownership, as `docker compose watch` gives them.
    await engine.getContainer(containerId).putArchive(syncArchive(plan.copy), { path: '/', copyUIDGID: true } as never);
  }
}

/** A tar of the items, named by their container paths (relative to `/`). */
export function syncArchive(items: readonly SyncItem[]): NodeJS.ReadableStream {
  const pack = tarPack();
  const write = async () => {
    for (const item of items) await addPath(pack, item, item.hostPath);
    pack.finalize();
  };
  write().catch((err: Error) => pack.destroy(err));
  return Readable.from(pack, { objectMode: false });
}

type Headers = Parameters<Pack['entry']>[0];

async function addPath(pack: Pack, item: SyncItem, hostPath: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(hostPath);
  } catch {
    return; // gone since the change was seen: the next batch deletes it
  }
  const name = containerPath(item.rule.rule, hostPath).replace(/^\/+/, '');
  if (name === '') {
    // The rule's target is `/`: only the content goes.
    if (stats.isDirectory()) await addChildren(pack, item, hostPath);
    return;
  }
  const header: Headers = { name, mode: stats.mode & 0o7777, mtime: stats.mtime };
  if (stats.isFile()) {
    let content: Buffer;
    try {
      content = await readFile(hostPath);
    } catch {
      return;
    }
    await entry(pack, { ...header, type: 'file', size: content.length }, content);
  } else if (stats.isSymbolicLink()) {
    await entry(pack, { ...header, type: 'symlink', linkname: await readlink(hostPath) });
  } else if (stats.isDirectory()) {
    await entry(pack, { ...header, type: 'directory' });
    await addChildren(pack, item, hostPath);
  }
  // Sockets, FIFOs and devices are not synced.
}

async function addChildren(pack: Pack, item: SyncItem, dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(dir, e.name);
    if (e.isDirectory() ? skipsDirectory(item.rule, child) : !accepts(item.rule, child)) continue;
    await addPath(pack, item, child);
  }
}

function entry(pack: Pack, header: Headers, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (content) pack.entry(header, content, done);
    else pack.entry(header, done);
  });
}
