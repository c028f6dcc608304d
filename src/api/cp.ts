// `cp`: files between this machine and a service's containers, as `docker compose cp`.
// `SERVICE:PATH` names a path in a container; anything else (or an absolute path) is local;
// `-` is a tar archive on stdin (copying in) or stdout (copying out).
import { lstat, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  archiveBase,
  containerArchive,
  copyTarget,
  extractLocal,
  isDirMode,
  isSymlinkMode,
  localPath,
  packLocal,
  rebaseArchive,
  resolveLink,
  statContainerPath,
} from '../engine/archive.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import {
  checkIndex,
  projectContainers,
  serviceContainer,
  type ServiceContainer,
} from '../engine/service-containers.js';
import { BerthError, engineStatus } from '../errors.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface CopyOptions extends Pick<EngineOptions, 'engine'> {
  /** `SERVICE:PATH`, a local path, or `-` (a tar archive read from `stdin`). */
  source: string;
  /** `SERVICE:PATH`, a local path, or `-` (the tar archive written to `stdout`). */
  destination: string;
  /** Only this replica. Default: the first container when copying out, every container of the service when copying in. */
  index?: number;
  /** Include one-off (`run`) containers. */
  all?: boolean;
  /** Keep owners (uid/gid) as at the source. */
  archive?: boolean;
  /** Follow a symbolic link at the source path. */
  followLink?: boolean;
  /** Relative local paths are taken from here; default the process's directory. */
  cwd?: string;
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

export interface CopyResult {
  /** Names of the containers copied from or to. */
  containers: string[];
}

/** Splits a cp argument as Compose does: `web:/etc/hosts` -> service web; `/abs`, `./a:b` and `name` are local. */
export function splitCopyArg(arg: string): { service?: string; path: string } {
  if (arg.startsWith('/')) return { path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { path: arg };
  return { service: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export async function copy(loaded: LoadedProject, options: CopyOptions): Promise<CopyResult> {
  const from = splitCopyArg(options.source);
  const to = splitCopyArg(options.destination);
  if (from.service !== undefined && to.service !== undefined)
    throw new BerthError('usage', 'copying between services is not supported');
  if (from.service === undefined && to.service === undefined)
    throw new BerthError('usage', 'one of the source and the destination must be SERVICE:PATH');
  const service = (from.service ?? to.service)!;
  if (!loaded.project.services[service]) {
    throw new BerthError(
      'reference',
      `no such service: "${service}" (services: ${Object.keys(loaded.project.services).join(', ') || 'none'})`,
    );
  }
  const containerPath = (from.service !== undefined ? from.path : to.path) || '/';
  const engine = options.engine ?? (await connectEngine());
  const targets = await copyTargets(engine, loaded.project.name, service, from.service !== undefined, options);

  if (from.service !== undefined) {
    await copyOut(engine, targets[0], containerPath, to.path, options);
  } else {
    // The stdin archive can be read once: copying it to several containers needs it in memory.
    const archive = from.path === '-' ? await buffered(options.stdin ?? process.stdin) : undefined;
    await Promise.all(targets.map((c) => copyIn(engine, c, from.path, containerPath, archive, options)));
  }
  return { containers: targets.map((c) => c.name) };
}

async function copyTargets(
  engine: Engine,
  project: string,
  service: string,
  out: boolean,
  options: CopyOptions,
): Promise<ServiceContainer[]> {
  if (options.index !== undefined)
    return [await serviceContainer(engine, project, service, checkIndex(options.index), { all: true })];
  const containers = (await projectContainers(engine, project, [service], { all: true, oneoff: options.all })).sort(
    (a, b) => Number(a.oneoff) - Number(b.oneoff) || a.number - b.number,
  );
  if (!containers.length) throw new BerthError('engine', `no container found for service "${service}"`);
  return out ? containers.slice(0, 1) : containers;
}

async function copyOut(
  engine: Engine,
  target: ServiceContainer,
  srcPath: string,
  dstArg: string,
  options: CopyOptions,
): Promise<void> {
  const container = engine.getContainer(target.id);
  let path = srcPath;
  let rename: string | undefined;
  if (options.followLink) {
    const st = await statContainerPath(container, srcPath);
    if (st && isSymlinkMode(st.mode)) {
      path = resolveLink(srcPath.replace(/\/+$/, ''), st.linkTarget);
      rename = archiveBase(srcPath);
    }
  }
  const { stream, stat: srcStat } = await containerArchive(container, path);
  if (dstArg === '-') {
    const out = options.stdout ?? process.stdout;
    const renamed = rename ? rebaseArchive(stream, archiveBase(path), rename) : (stream as unknown as Readable);
    await new Promise<void>((resolvePromise, reject) => {
      renamed.on('error', reject);
      renamed.on('end', resolvePromise);
      renamed.pipe(out, { end: false });
    });
    return;
  }
  const dst = localPath(dstArg, options.cwd);
  const dstStat = await stat(dst.replace(/[/\\]\.?$/, '') || '/').catch(() => undefined);
  const plan = copyTarget(
    { base: archiveBase(path), isDir: isDirMode(srcStat.mode), rebaseName: rename },
    { path: dst, exists: dstStat !== undefined, isDir: dstStat?.isDirectory() ?? false },
    'local',
  );
  const parent = await stat(plan.dir).catch(() => undefined);
  if (!parent?.isDirectory()) {
    (stream as unknown as Readable).resume?.();
    throw new BerthError('usage', `the local directory ${plan.dir} does not exist`);
  }
  await extractLocal(stream, plan.dir, { keepOwner: options.archive, rename: { from: plan.from, to: plan.to } });
}

async function copyIn(
  engine: Engine,
  target: ServiceContainer,
  srcArg: string,
  dstPath: string,
  archive: Buffer | undefined,
  options: CopyOptions,
): Promise<void> {
  const container = engine.getContainer(target.id);
  let dst = dstPath;
  let dstStat = await statContainerPath(container, dst);
  if (dstStat && isSymlinkMode(dstStat.mode)) {
    dst = resolveLink(dst.replace(/\/+$/, ''), dstStat.linkTarget);
    dstStat = await statContainerPath(container, dst);
  }
  const query = { noOverwriteDirNonDir: true, copyUIDGID: options.archive ? true : undefined };
  if (archive) {
    if (!dstStat || !isDirMode(dstStat.mode))
      throw new BerthError('usage', `destination "${target.name}:${dstPath}" must be a directory`);
    await container.putArchive(archive, { path: dst, ...query });
    return;
  }
  const src = localPath(srcArg, options.cwd);
  const bare = src.replace(/[/\\]\.?$/, '') || '/';
  const srcStat = await (options.followLink ? stat(bare) : lstat(bare)).catch(() => {
    throw new BerthError('usage', `no such file or directory: ${srcArg}`);
  });
  const plan = copyTarget(
    { base: archiveBase(src), isDir: srcStat.isDirectory() },
    { path: dst, exists: dstStat !== undefined, isDir: dstStat !== undefined && isDirMode(dstStat.mode) },
    'posix',
  );
  const tar = packLocal(bare, plan.to, { followLink: options.followLink, keepOwner: options.archive });
  try {
    await container.putArchive(tar, { path: plan.dir, ...query });
  } catch (err) {
    const status = engineStatus(err);
    if (status === 404 && dstStat === undefined)
      throw new BerthError('usage', `the directory ${plan.dir} does not exist in ${target.name}`, { cause: err });
    throw err;
  }
}

async function buffered(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
