// Watching a tree of files: one non-recursive `fs.watch` per directory (skipping the ones the
// rule ignores, so a `node_modules` costs nothing when it is ignored), new directories picked
// up as they appear, and a bound on how many directories one rule may watch.
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { BerthError } from '../errors.js';

export interface TreeWatcherOptions {
  /** A directory (watched with everything below it) or a file. */
  root: string;
  /** Directories below the root that need no watching. */
  skipDirectory?: (path: string) => boolean;
  /** A path that changed: created, written, renamed or deleted. */
  onChange: (path: string) => void;
  /** A problem after start-up (a watch that failed); watching goes on where it can. */
  onError: (error: Error) => void;
  /** Default 10,000. */
  maxDirectories?: number;
}

export const DEFAULT_MAX_DIRECTORIES = 10_000;

export class TreeWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;
  private readonly max: number;
  private warnedLimit = false;

  private constructor(private readonly options: TreeWatcherOptions) {
    this.max = options.maxDirectories ?? DEFAULT_MAX_DIRECTORIES;
  }

  /** Starts watching; rejects when the root does not exist or the tree is too large. */
  static async start(options: TreeWatcherOptions): Promise<TreeWatcher> {
    const watcher = new TreeWatcher(options);
    let stats;
    try {
      stats = await lstat(options.root);
    } catch (err) {
      throw new BerthError(
        'file-not-found',
        `cannot watch ${options.root}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
      );
    }
    try {
      if (stats.isDirectory()) await watcher.addTree(options.root, true);
      else watcher.watchFile(options.root);
    } catch (err) {
      watcher.close();
      throw err;
    }
    return watcher;
  }

  /** How many directories are watched now. */
  get directories(): number {
    return this.watchers.size;
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** A single file: its directory is watched, since editors replace files rather than write them. */
  private watchFile(file: string): void {
    const dir = dirname(file);
    const name = basename(file);
    const w = watch(dir, { persistent: true }, (_event, filename) => {
      if (filename === null || filename.toString() === name) this.options.onChange(file);
    });
    w.on('error', (err) => this.options.onError(err));
    this.watchers.set(dir, w);
  }

  private async addTree(dir: string, atStart: boolean): Promise<void> {
    if (this.closed || this.watchers.has(dir)) return;
    if (dir !== this.options.root && this.options.skipDirectory?.(dir)) return;
    if (this.watchers.size >= this.max) {
      const message = `more than ${this.max} directories to watch under ${this.options.root}: add ignore patterns to the develop.watch rule`;
      if (atStart) throw new BerthError('usage', message);
      if (!this.warnedLimit) this.options.onError(new Error(`${message}; new directories are not watched`));
      this.warnedLimit = true;
      return;
    }
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_event, filename) =>
        this.changed(dir, filename === null ? undefined : filename.toString()),
      );
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      const hint =
        code === 'ENOSPC'
          ? ' (the inotify watch limit is reached: raise fs.inotify.max_user_watches, or ignore more directories)'
          : '';
      const error = new Error(`cannot watch ${dir}: ${(err as Error).message}${hint}`);
      if (atStart) throw error;
      this.options.onError(error);
      return;
    }
    w.on('error', (err) => {
      // A deleted directory ends its watch; anything else is worth saying.
      if ((err as NodeJS.ErrnoException).code !== 'EPERM' && (err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.onError(err);
      this.unwatch(dir);
    });
    this.watchers.set(dir, w);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) await this.addTree(join(dir, entry.name), atStart);
  }

  private unwatch(dir: string): void {
    for (const [path, w] of this.watchers) {
      if (path === dir || path.startsWith(`${dir}${sep}`)) {
        w.close();
        this.watchers.delete(path);
      }
    }
  }

  private changed(dir: string, filename: string | undefined): void {
    if (this.closed) return;
    const path = filename === undefined ? dir : join(dir, filename);
    this.options.onChange(path);
    if (path === dir) return;
    // A new directory gets watched; a removed one stops being watched.
    void lstat(path)
      .then(
        (s) => {
          if (s.isDirectory() && !this.watchers.has(path)) return this.addTree(path, false);
        },
        () => {
          if (this.watchers.has(path)) this.unwatch(path);
        },
      )
      .catch((err: Error) => this.options.onError(err));
  }
}
