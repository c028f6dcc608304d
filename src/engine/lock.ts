// Project lock: a never-started container berth-lock-<project> (the engine reserves names atomically), from berth's empty image.
// Its owner rewrites a heartbeat file in it every interval; any process on any host reads the file's time through the engine.
// A waiter takes the lock over only once that time stood still for MISSED_BEATS intervals of the waiter's own clock.
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError, engineStatus } from '../errors.js';
import type { ProgressListener } from '../progress/events.js';
import { statContainerPath } from './archive.js';
import { engineCapabilities } from './capabilities.js';
import type { Engine } from './connect.js';
import { containerCreateRequest } from './request-body.js';
import { tarArchive } from './tar.js';

const LOCK_LABEL = 'dev.berth.lock';
const OWNER_LABEL = 'dev.berth.lock.owner';
/** The owner's heartbeat interval, so that a waiter with another setting judges it by the owner's. */
const HEARTBEAT_LABEL = 'dev.berth.lock.heartbeat-ms';
/** An empty image of berth's own: the lock pins none of the project's images (`down --rmi`). */
const LOCK_IMAGE = 'berth/lock:1';
const HEARTBEAT_FILE = '/heartbeat';
const HEARTBEAT_MS = 2000;
/** The file's time has whole seconds: a slower beat always moves it. */
const MIN_HEARTBEAT_MS = 1000;
/** Beats missed in a row before a waiter judges the owner gone. */
const MISSED_BEATS = 5;
/** How often a waiter tries again for a lock that may have been released. */
const POLL_MS = 200;

export interface LockOptions {
  /** Called once when another run holds the lock and this one starts waiting. */
  onWait?: (owner: string) => void;
  /** Called when the held lock's container is gone (taken over after this run stopped beating, or removed by hand). */
  onLost?: () => void;
  /** Ends a wait for the lock (with the signal's reason). */
  signal?: AbortSignal;
  /** Default: BERTH_LOCK_HEARTBEAT_MS, else 2 s; at least 1 s. */
  heartbeatMs?: number;
}

export type Release = () => Promise<void>;

export function lockName(project: string): string {
  return `berth-lock-${project}`;
}

/** Holds the project's lock while a run changes the project, saying so when it has to wait. */
export function lockProject(
  engine: Engine,
  project: string,
  options: { onEvent?: ProgressListener; signal?: AbortSignal },
): Promise<Release> {
  return acquireProjectLock(engine, project, {
    signal: options.signal,
    onWait: (owner) =>
      options.onEvent?.({
        type: 'warning',
        message: `another run (${owner}) is changing project "${project}"; waiting for it to finish`,
      }),
    onLost: () =>
      options.onEvent?.({
        type: 'warning',
        message: `this run lost project "${project}"'s lock (its container ${lockName(project)} is gone): another run may be changing the project too`,
      }),
  });
}

export async function acquireProjectLock(engine: Engine, project: string, options: LockOptions = {}): Promise<Release> {
  const name = lockName(project);
  const beatMs = heartbeatInterval(options.heartbeatMs ?? process.env.BERTH_LOCK_HEARTBEAT_MS);
  let watched: { id: string; beat: string | undefined; since: number } | undefined;
  let told = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const id = await createLock(engine, project, beatMs);
    if (id) return keepAlive(engine.getContainer(id), beatMs, options.onLost);
    const holder = await engine.getContainer(name).inspect().catch(ignoreNotFound);
    if (!holder) continue;
    const labels = holder.Config.Labels ?? {};
    if (labels[LOCK_LABEL] !== project) {
      throw new BerthError(
        'lock',
        `container ${name} is in the way of project "${project}"'s lock: it is not berth's (no label ${LOCK_LABEL}=${project}), so berth leaves it alone; rename or remove it, or use another project name`,
      );
    }
    const beat = await statContainerPath(engine.getContainer(holder.Id), HEARTBEAT_FILE).then(
      (stat) => ({ mtime: stat?.mtime }),
      () => undefined,
    );
    const now = performance.now();
    if (!beat) {
      // No reading (the holder is going away, or the engine hiccuped): the judgement starts over, never hastens.
      watched = undefined;
    } else if (watched?.id !== holder.Id || watched.beat !== beat.mtime) {
      watched = { id: holder.Id, beat: beat.mtime, since: now };
    } else if (now - watched.since > MISSED_BEATS * heartbeatInterval(labels[HEARTBEAT_LABEL] ?? beatMs)) {
      // Removed by ID: a lock taken meanwhile by another waiter is a new container. Whoever
      // removed it, the next round tries to create the lock.
      await engine
        .getContainer(holder.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    if (!told) {
      options.onWait?.(labels[OWNER_LABEL] ?? 'unknown');
      told = true;
    }
    await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => options.signal?.throwIfAborted());
  }
}

/** The new lock container's ID, or undefined when another run holds the lock. */
async function createLock(
  engine: Engine,
  project: string,
  beatMs: number,
  imported = false,
): Promise<string | undefined> {
  try {
    const container = await engine.createContainer(
      containerCreateRequest({
        name: lockName(project),
        Image: LOCK_IMAGE,
        Cmd: ['true'],
        Labels: {
          [LOCK_LABEL]: project,
          [OWNER_LABEL]: `${hostname()}:${process.pid}`,
          [HEARTBEAT_LABEL]: String(beatMs),
        },
      }),
    );
    return container.id;
  } catch (err) {
    if ((await engineCapabilities(engine)).isNameConflict(err)) return undefined;
    if (statusOf(err) !== 404 || imported) throw err;
    await importLockImage(engine);
    return createLock(engine, project, beatMs, true);
  }
}

/** Creates the lock image from an empty archive: nothing to pull, and two runs importing at once both succeed. */
async function importLockImage(engine: Engine): Promise<void> {
  // The tag inside `repo`: Podman ignores a separate `tag` parameter.
  const stream = await engine.importImage(Readable.from([tarArchive([])]), { repo: LOCK_IMAGE });
  await new Promise<void>((resolve, reject) =>
    engine.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** Beats until released; a beat that finds the container gone stops (the lock was taken over or removed by hand). */
function keepAlive(container: ReturnType<Engine['getContainer']>, beatMs: number, onLost?: () => void): Release {
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(beat, beatMs);
    // The heartbeat never keeps a finished run alive.
    timer.unref();
  };
  const beat = async () => {
    try {
      await container.putArchive(
        tarArchive([{ path: HEARTBEAT_FILE, content: Buffer.alloc(0), mode: 0o644, mtime: new Date() }]),
        { path: '/' },
      );
    } catch (err) {
      if (statusOf(err) === 404) {
        if (!released) onLost?.();
        return;
      }
    }
    if (!released) schedule();
  };
  schedule();
  return async () => {
    released = true;
    clearTimeout(timer);
    // A lock left behind stops beating and is taken over: a failed removal must not hide the run's own error.
    await container.remove({ force: true }).catch(() => undefined);
  };
}

/** A heartbeat interval in ms from a setting or a label: 2 s when unset or unreadable, never under 1 s. */
function heartbeatInterval(value: string | number | undefined): number {
  return Math.max(MIN_HEARTBEAT_MS, Number(value) || HEARTBEAT_MS);
}

function statusOf(err: unknown): number | undefined {
  return engineStatus(err);
}

/** null for a 404 (the container is gone); any other error is thrown. */
function ignoreNotFound(err: unknown): null {
  if (statusOf(err) === 404) return null;
  throw err;
}
