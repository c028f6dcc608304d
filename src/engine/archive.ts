// Copying files between this machine and a container through the Engine API's archive endpoints,
// with docker cp's rules for names: copying to an existing directory puts the source inside it;
// copying to a path that does not exist (or to an existing file) gives the copy that name; a
// source ending in `/.` copies a directory's contents. Tar archives are read and written with
// tar-stream, one entry at a time, so large files stream through.
import { createReadStream, createWriteStream } from 'node:fs';
import {
  chmod,
  chown,
  lchown,
  link,
  lstat,
  mkdir,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
} from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, resolve, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import tar from 'tar-stream';
import type Docker from 'dockerode';
import { BerthError, isNotFound } from '../errors.js';

/** What the engine says about a path in a container (the `X-Docker-Container-Path-Stat` header). */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode: permission bits plus type bits (directory 1<<31, symlink 1<<27). */
  mode: number;
  mtime: string;
  linkTarget: string;
}

export function isDirMode(mode: number): boolean {
  return Math.floor(mode / 2 ** 31) % 2 === 1;
}

export function isSymlinkMode(mode: number): boolean {
  return Math.floor(mode / 2 ** 27) % 2 === 1;
}

/** Where the copied entry goes: extract into `dir`, renaming the archive's root entry from `from` to `to` (no rename when equal). */
export interface CopyTarget {
  dir: string;
  from: string;
  to: string;
}

/**
 * docker cp's decision (moby's PrepareArchiveCopy): `srcBase` is the root entry's name in the
 * archive, `rebaseName` the name it should carry (a followed link's own name).
 */
export function copyTarget(
  src: { base: string; isDir: boolean; rebaseName?: string },
  dst: { path: string; exists: boolean; isDir: boolean },
  paths: 'posix' | 'local',
): CopyTarget {
  const name = src.rebaseName ?? src.base;
  if (dst.exists && dst.isDir) return { dir: dst.path, from: src.base, to: name };
  const p = paths === 'posix' ? posix : { dirname, basename };
  const [dir, base] = [p.dirname(dst.path), p.basename(dst.path)];
  if (dst.exists && src.isDir)
    throw new BerthError('usage', `cannot copy a directory to "${dst.path}", which is a file`);
  if (!dst.exists && !src.isDir && /[/\\]$/.test(dst.path))
    throw new BerthError('usage', `destination directory "${dst.path}" does not exist`);
  return { dir, from: src.base, to: base };
}

/** The archive's name for a path's last element: `.` for `dir/.`, else its base name. */
export function archiveBase(path: string): string {
  if (/(^|[/\\])\.$/.test(path)) return '.';
  return basename(path.replace(/[/\\]+$/, '')) || '/';
}

/** Renames the root entry `from` (and everything under it) to `to`. */
export function rebaseName(name: string, from: string, to: string): string {
  if (from === to) return name;
  const clean = name.replace(/^\.\//, from === '.' ? './' : '');
  if (clean === from || clean === `${from}/`) return to + (clean.endsWith('/') ? '/' : '');
  if (clean.startsWith(`${from}/`)) return to + clean.slice(from.length);
  return name;
}

// ---- container side ------------------------------------------------------------------------

/** The stat of a path in a container, or undefined when it does not exist. */
export async function statContainerPath(container: Docker.Container, path: string): Promise<PathStat | undefined> {
  try {
    const res = (await container.infoArchive({ path })) as { headers?: Record<string, string>; resume?: () => void };
    res.resume?.();
    return decodeStat(res.headers?.['x-docker-container-path-stat']);
  } catch (err) {
    if (isMissingPath(err)) return undefined;
    throw err;
  }
}

function decodeStat(header: string | undefined): PathStat | undefined {
  if (!header) return undefined;
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat;
}

/** A 404 about the path, not the container (the engine says "No such container" for that; a HEAD answer has no body). */
function isMissingPath(err: unknown): boolean {
  if (!isNotFound(err)) return false;
  const json = (err as { json?: { message?: string } | string | null }).json;
  const message = (typeof json === 'string' ? json : json?.message) ?? '';
  return !/^no such container/i.test(message.trim());
}

/** A path in a container after following it when it is a symbolic link (relative targets join its directory). */
export function resolveLink(path: string, linkTarget: string): string {
  return posix.isAbsolute(linkTarget) ? linkTarget : posix.join(posix.dirname(path), linkTarget);
}

/** The archive of a container path, with the engine's stat of it. */
export async function containerArchive(
  container: Docker.Container,
  path: string,
): Promise<{ stream: NodeJS.ReadableStream; stat: PathStat }> {
  try {
    const res = (await container.getArchive({ path })) as NodeJS.ReadableStream & { headers?: Record<string, string> };
    const stat = decodeStat(res.headers?.['x-docker-container-path-stat']) ?? {
      name: posix.basename(path),
      size: 0,
      mode: 0,
      mtime: '',
      linkTarget: '',
    };
    return { stream: res, stat };
  } catch (err) {
    if (isMissingPath(err)) {
      throw new BerthError('reference', `no such file or directory in the container: ${path}`);
    }
    throw err;
  }
}

// ---- local side ----------------------------------------------------------------------------

export interface LocalPackOptions {
  /** Follow the source when it is a symbolic link (the copy keeps the link's name). */
  followLink?: boolean;
  /** Keep the files' owners; otherwise they are owned by root (uid 0) in the container. */
  keepOwner?: boolean;
}

/** A tar stream of a local file or directory, its root entry named `rootName`. */
export function packLocal(path: string, rootName: string, options: LocalPackOptions = {}): Readable {
  const pack = tar.pack();
  const owner = (st: { uid: number; gid: number }) =>
    options.keepOwner ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 };
  const add = async (abs: string, name: string, root: boolean): Promise<void> => {
    const st = root && options.followLink ? await stat(abs) : await lstat(abs);
    const common = { name, mode: st.mode & 0o7777, mtime: st.mtime, ...owner(st) };
    if (st.isDirectory()) {
      await entry(pack, { ...common, type: 'directory' });
      for (const child of (await readdir(abs)).sort()) await add(join(abs, child), `${name}/${child}`, false);
    } else if (st.isSymbolicLink()) {
      await entry(pack, { ...common, type: 'symlink', linkname: await readlink(abs) });
    } else if (st.isFile()) {
      await new Promise<void>((resolvePromise, reject) => {
        const sink = pack.entry({ ...common, type: 'file', size: st.size }, (err) =>
          err ? reject(err) : resolvePromise(),
        );
        const file = createReadStream(abs);
        file.on('error', reject);
        file.pipe(sink as unknown as Writable);
      });
    }
    // Sockets, devices and fifos are left out, as a copy of their contents means nothing.
  };
  add(path, rootName, true).then(
    () => pack.finalize(),
    (err: Error) => pack.destroy(err),
  );
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}

function entry(pack: tar.Pack, header: tar.Header | (Partial<tar.Header> & { name: string })): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    pack.entry(header, (err) => (err ? reject(err) : resolvePromise()));
  });
}

/** A tar stream with its root entry renamed (and the entries under it). */
export function rebaseArchive(input: NodeJS.ReadableStream, from: string, to: string): Readable {
  if (from === to) return Readable.from(input as AsyncIterable<Buffer>);
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined);
    const renamed = { ...header, name: rebaseName(header.name, from, to) };
    if (header.type === 'link' && header.linkname) renamed.linkname = rebaseName(header.linkname, from, to);
    const sink = pack.entry(renamed, (err) => next(err));
    stream.pipe(sink as unknown as Writable);
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (err: Error) => pack.destroy(err));
  (input as unknown as Readable).pipe(extract as unknown as Writable);
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}

export interface ExtractOptions {
  /** Give the files the owners the archive records (`cp -a`). */
  keepOwner?: boolean;
  rename?: { from: string; to: string };
}

/** Extracts a tar stream under `dir`; no entry may land outside it. */
export async function extractLocal(
  input: NodeJS.ReadableStream,
  dir: string,
  options: ExtractOptions = {},
): Promise<void> {
  const root = resolve(dir);
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // A failed entry fails the whole extraction (through `extract`); its own stream must not throw.
    stream.on('error', () => undefined);
    const name = options.rename ? rebaseName(header.name, options.rename.from, options.rename.to) : header.name;
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) {
      stream.resume();
      next(new BerthError('usage', `the archive entry "${header.name}" would be written outside ${root}`));
      return;
    }
    writeEntry(header, stream as unknown as Readable, target, root, options).then(
      () => next(),
      (err: Error) => next(err),
    );
  });
  await new Promise<void>((resolvePromise, reject) => {
    extract.on('finish', () => resolvePromise());
    extract.on('error', reject);
    (input as unknown as Readable).on('error', reject);
    (input as unknown as Readable).pipe(extract as unknown as Writable);
  });
}

async function writeEntry(
  header: tar.Header,
  stream: Readable,
  target: string,
  root: string,
  options: ExtractOptions,
): Promise<void> {
  const mode = header.mode & 0o7777;
  const owner = async (lchownToo: boolean) => {
    if (!options.keepOwner) return;
    await (lchownToo ? lchown : chown)(target, header.uid, header.gid);
  };
  switch (header.type) {
    case 'directory':
      await mkdir(target, { recursive: true });
      if (target !== root) await chmod(target, mode);
      await owner(false);
      break;
    case 'file':
    case 'contiguous-file': {
      await mkdir(dirname(target), { recursive: true });
      await replaceable(target);
      await new Promise<void>((resolvePromise, reject) => {
        const file = createWriteStream(target, { mode });
        file.on('error', reject);
        file.on('finish', resolvePromise);
        stream.on('error', reject);
        stream.pipe(file);
      });
      await chmod(target, mode);
      await owner(false);
      await utimes(target, header.mtime, header.mtime);
      return;
    }
    case 'symlink':
      await mkdir(dirname(target), { recursive: true });
      await replaceable(target);
      await symlink(header.linkname, target);
      await owner(true);
      break;
    case 'link': {
      const source = resolve(root, header.linkname);
      if (source !== root && !source.startsWith(root + sep))
        throw new BerthError('usage', `the archive's hard link "${header.name}" points outside ${root}`);
      await replaceable(target);
      await link(source, target);
      break;
    }
    default:
      // Devices and fifos are not recreated outside a container.
      break;
  }
  await new Promise<void>((r) => {
    stream.once('end', r);
    stream.resume();
  });
}

/** A file may be overwritten; a directory may not be replaced by a file. */
async function replaceable(target: string): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) throw new BerthError('usage', `cannot overwrite the directory ${target} with a file`);
  await rm(target, { force: true });
}

/** A local path as docker cp reads it: absolute, keeping a trailing `/` or `/.`. */
export function localPath(path: string, cwd = process.cwd()): string {
  const abs = isAbsolute(path) ? path : join(cwd, path);
  const normalized = resolve(abs);
  if (/[/\\]\.$/.test(path) || path === '.') return `${normalized}${sep}.`;
  if (/[/\\]$/.test(path)) return normalized + sep;
  return normalized;
}
