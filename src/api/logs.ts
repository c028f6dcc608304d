// `logs`: the output of a project's containers, line by line. Without `follow` it returns once
// every container's existing output is delivered; with it, it keeps delivering, attaching to
// containers of the selected services that start later (a recreated container, a restarted
// one), until the signal aborts or no selected container is left running or about to start
// (for RESTART_GRACE_MS: `berth restart` stops a container before it starts it again).
import { connectEngine, type Engine } from '../engine/connect.js';
import { engineCapabilities } from '../engine/capabilities.js';
import { subscribeEvents, type EngineEvent, type EventSubscription } from '../engine/events.js';
import { logQuery, streamLogs, type LogFollower } from '../engine/log-stream.js';
import { demultiplex } from '../engine/logs.js';
import { checkIndex, projectContainers, shortName, type ServiceContainer } from '../engine/service-containers.js';
import { engineTimestamp } from '../engine/timestamps.js';
import { BerthError, isNotFound, engineStatus } from '../errors.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface LogSource {
  containerId: string;
  /** The container name without the project prefix, as Compose prefixes lines: `web-1`. */
  name: string;
  service: string;
  number: number;
}

export interface LogEntry extends LogSource {
  stream: 'stdout' | 'stderr';
  /** One line, without its newline (with the engine's timestamp first when `timestamps`). */
  line: string;
}

export interface LogsOptions extends Pick<EngineOptions, 'engine' | 'signal'> {
  /** Only these services; default all. */
  services?: string[];
  /** Only this replica number of each selected service. */
  index?: number;
  follow?: boolean;
  /** Lines from the end of each container's output; default all. */
  tail?: number | 'all';
  /** A duration back from now (`10m`), a Unix timestamp, or an RFC 3339 date. */
  since?: string;
  until?: string;
  timestamps?: boolean;
  onLine: (entry: LogEntry) => void;
  /** Called with the containers about to be shown (first the existing ones, then each one followed later). */
  onContainers?: (sources: LogSource[]) => void;
  /** With `follow`: a followed container exited (after its last line), and whether the engine restarts it. */
  onExit?: (source: LogSource, exitCode: number, restarting: boolean) => void;
  /** With `follow`: no container alive does not end it before this settles (attached `up` while it creates them). */
  holdOpen?: Promise<unknown>;
}

/** How long `logs -f` waits, once nothing it follows is alive, for one of them to start again. */
export const RESTART_GRACE_MS = 2_000;

export async function logs(loaded: LoadedProject, options: LogsOptions): Promise<void> {
  const engine = options.engine ?? (await connectEngine());
  const project = loaded.project.name;
  const index = options.index === undefined ? undefined : checkIndex(options.index);
  const engineOptions = {
    tail: options.tail ?? 'all',
    since: timeOption(options.since, 'since'),
    until: timeOption(options.until, 'until'),
    timestamps: options.timestamps,
  };
  const select = (c: ServiceContainer) => index === undefined || c.number === index;
  const source = (c: ServiceContainer): LogSource => ({
    containerId: c.id,
    name: shortName(project, c.name),
    service: c.service,
    number: c.number,
  });

  if (!options.follow) {
    const containers = (await projectContainers(engine, project, options.services, { all: true })).filter(select);
    options.onContainers?.(containers.map(source));
    const outputs = await Promise.all(containers.map((c) => existingOutput(engine, c.id, engineOptions)));
    containers.forEach((c, i) =>
      outputs[i].forEach(({ stream, line }) => options.onLine({ ...source(c), stream, line })),
    );
    return;
  }

  const watcher = new Follower(engine, project, options, engineOptions, select, source);
  await watcher.run();
}

/** An RFC 3339 engine timestamp as Unix seconds with nanoseconds ("1700000000.123456789"). */
export function engineTime(stamp: string): string {
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(stamp);
  if (!match) return String(Math.floor(Date.parse(stamp) / 1000));
  const whole = Math.floor(Date.parse(`${match[1]}${match[3]}`) / 1000);
  return `${whole}.${(match[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
}

/** The first instant after an engine timestamp (one nanosecond later): `since` includes its own instant. */
export function afterTimestamp(stamp: string): string {
  const [whole, nanos] = engineTime(stamp).split('.');
  const next = Number(nanos ?? '0') + 1;
  return next >= 1e9 ? `${Number(whole) + 1}.000000000` : `${whole}.${String(next).padStart(9, '0')}`;
}

function timeOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    return engineTimestamp(value);
  } catch (err) {
    throw new BerthError('usage', `--${name}: ${(err as Error).message}`);
  }
}

type EngineLogOptions = { tail: number | 'all'; since?: string; until?: string; timestamps?: boolean };

/** Everything a container printed so far, as lines per stream. */
async function existingOutput(
  engine: Engine,
  id: string,
  options: EngineLogOptions,
): Promise<{ stream: 'stdout' | 'stderr'; line: string }[]> {
  const container = engine.getContainer(id);
  try {
    const [info, raw] = await Promise.all([
      container.inspect(),
      container.logs(logQuery({ ...options, follow: false }) as never) as unknown as Promise<Buffer>,
    ]);
    const frames = info.Config.Tty ? [{ stream: 'stdout' as const, data: raw }] : demultiplex(raw);
    return splitLines(frames);
  } catch (err) {
    // Removed between the listing and now: it has nothing to show.
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Frames of output -> lines, each stream joined across frames on its own. */
export function splitLines(
  frames: { stream: 'stdout' | 'stderr'; data: Buffer }[],
): { stream: 'stdout' | 'stderr'; line: string }[] {
  const rest = { stdout: '', stderr: '' };
  const lines: { stream: 'stdout' | 'stderr'; line: string }[] = [];
  for (const { stream, data } of frames) {
    const parts = (rest[stream] + data.toString('utf8')).split('\n');
    rest[stream] = parts.pop() ?? '';
    for (const part of parts) lines.push({ stream, line: part.replace(/\r$/, '') });
  }
  for (const stream of ['stdout', 'stderr'] as const) if (rest[stream]) lines.push({ stream, line: rest[stream] });
  return lines;
}

/** Events after which a followed container may be gone for good (Docker's `destroy` is Podman's `remove`). */
const ENDINGS = new Set(['stop', 'destroy', 'remove']);

/** States in which a container still has output to come. */
const ALIVE = new Set(['running', 'restarting', 'paused', 'created']);

/** `logs -f`: one log stream per live container, and the engine's events for the ones to come. */
class Follower {
  private readonly active = new Map<string, LogFollower | undefined>();
  /** Per container followed before: the run it was followed in, and the engine timestamp of the last line shown. */
  private readonly seen = new Map<string, { startedAt: string; lastLine?: string }>();
  /** Per container being followed: settles once its current stream has delivered its last line. */
  private readonly drained = new Map<string, Promise<void>>();
  /** Running containers whose stream ended in their current run, seen at the last look. */
  private dropped = new Set<string>();
  /** Whether lines carry timestamps to resume after (engineCapabilities); without them a stream's end is final for its run. */
  private resumable = false;
  private events?: EventSubscription;
  private ended = false;
  private holding = false;
  /** When nothing alive was first seen (the restart grace runs from then). */
  private idleSince?: number;
  private recheck?: NodeJS.Timeout;
  private finish: () => void = () => {};
  private fail: (err: unknown) => void = () => {};

  constructor(
    private readonly engine: Engine,
    private readonly project: string,
    private readonly options: LogsOptions,
    private readonly engineOptions: EngineLogOptions,
    private readonly select: (c: ServiceContainer) => boolean,
    private readonly source: (c: ServiceContainer) => LogSource,
  ) {}

  async run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    const signal = this.options.signal;
    if (signal?.aborted) return;
    this.resumable = (await engineCapabilities(this.engine)).preciseLogTimestamps;
    signal?.addEventListener('abort', () => this.end(), { once: true });
    if (this.options.holdOpen) {
      this.holding = true;
      const release = () => {
        this.holding = false;
        void this.settle();
      };
      void this.options.holdOpen.then(release, release);
    }
    // Subscribe before listing: a container that starts in between is seen by one or the other.
    if (!this.engineOptions.until) await this.watch();
    const containers = (
      await projectContainers(this.engine, this.project, this.options.services, { all: true })
    ).filter(this.select);
    this.options.onContainers?.(containers.map(this.source));
    await Promise.all(containers.map((c) => this.attach(c)));
    void this.settle();
    return done;
  }

  private async watch(): Promise<void> {
    // Every container event of the project, sorted here: Podman filters on its own event names
    // ("died", "remove"), so an `event` filter with Docker's names would drop the deaths there.
    this.events = await subscribeEvents(
      this.engine,
      { type: ['container'], label: [`${Label.project}=${this.project}`] },
      (event) => {
        if (event.Action === 'start') void this.started(event);
        else if (event.Action === 'die') void this.exited(event).then(() => this.settle());
        else if (ENDINGS.has(event.Action ?? '')) void this.settle();
      },
    );
  }

  /** A followed container died: report its exit once its output is all delivered. */
  private async exited(event: EngineEvent): Promise<void> {
    const onExit = this.options.onExit;
    const drained = event.id ? this.drained.get(event.id) : undefined;
    if (!onExit || !event.id || !drained) return;
    const attrs = event.Actor?.Attributes ?? {};
    await drained;
    // The engine marks a container it will restart before it reports the death.
    const info = await this.engine
      .getContainer(event.id)
      .inspect()
      .catch(() => undefined);
    const restarting = info !== undefined && (info.State.Restarting || info.State.Running);
    const container: ServiceContainer = {
      id: event.id,
      name: info?.Name.replace(/^\//, '') ?? attrs.name ?? event.id.slice(0, 12),
      service: attrs[Label.service] ?? '',
      number: Number(attrs[Label.containerNumber] ?? 0),
      state: 'exited',
      oneoff: false,
      labels: attrs,
    };
    if (!this.ended) onExit(this.source(container), Number(attrs.exitCode ?? info?.State.ExitCode ?? 0), restarting);
  }

  /** A container of the project started: follow it if it is one of the selected. */
  private async started(event: EngineEvent): Promise<void> {
    const attrs = event.Actor?.Attributes ?? {};
    const service = attrs[Label.service];
    if (!event.id || !service || attrs[Label.oneoff] === 'True') return;
    if (this.options.services?.length && !this.options.services.includes(service)) return;
    const container: ServiceContainer = {
      id: event.id,
      name: attrs.name ?? event.id.slice(0, 12),
      service,
      number: Number(attrs[Label.containerNumber] ?? 0),
      state: 'running',
      oneoff: false,
      labels: attrs,
    };
    if (this.select(container)) await this.attach(container);
  }

  private async attach(c: ServiceContainer): Promise<void> {
    if (this.ended || this.active.has(c.id)) return;
    this.active.set(c.id, undefined);
    this.idleSince = undefined;
    let drain: () => void = () => {};
    this.drained.set(c.id, new Promise<void>((resolve) => (drain = resolve)));
    try {
      // A replacement is created under a temporary name and renamed before it starts: take the current name.
      const info = await this.engine.getContainer(c.id).inspect();
      const container = { ...c, name: info.Name.replace(/^\//, '') };
      const before = this.seen.get(c.id);
      const record = { startedAt: info.State.StartedAt, lastLine: before?.lastLine };
      this.seen.set(c.id, record);
      let { since, tail } = this.engineOptions;
      if (before) {
        // Followed before: only what it printed after the last line shown. Without timestamps to
        // resume after, what it printed after its last run ended (not after its start: the engine
        // records that once the process runs, maybe after its first line).
        const finished = info.State.FinishedAt;
        since = before.lastLine
          ? afterTimestamp(before.lastLine)
          : !this.resumable && finished && !finished.startsWith('0001')
            ? engineTime(finished)
            : since;
        tail = 'all';
      }
      const source = this.source(container);
      this.options.onContainers?.([source]);
      const deliver = (stream: 'stdout' | 'stderr', text: string) => {
        if (this.ended) return;
        if (!this.resumable) return this.options.onLine({ ...source, stream, line: text });
        const space = text.indexOf(' ');
        const stamp = space < 0 ? text : text.slice(0, space);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(stamp)) return this.options.onLine({ ...source, stream, line: text });
        record.lastLine = stamp;
        this.options.onLine({
          ...source,
          stream,
          line: this.engineOptions.timestamps ? text : space < 0 ? '' : text.slice(space + 1),
        });
      };
      // Timestamps are asked for to know where to resume; shown only when the caller wants them.
      const from = { ...this.engineOptions, since, tail, timestamps: this.resumable || this.engineOptions.timestamps };
      const follower = await streamLogs(this.engine, c.id, from, deliver);
      if (this.ended) {
        follower.stop();
        return drain();
      }
      this.active.set(c.id, follower);
      void follower.done.then(async () => {
        // A loaded engine can end a follow stream before the last lines of a container that just
        // stopped: read what came after the last line shown before the exit is reported.
        if (!this.ended && this.resumable) await this.readMissed(c.id, from, record.lastLine, deliver);
        this.active.delete(c.id);
        drain();
        // It started again while this stream was open (its start event found it still followed),
        // maybe already to exit again: follow that run too.
        const now = await this.engine
          .getContainer(c.id)
          .inspect()
          .catch(() => undefined);
        if (now && now.State.StartedAt !== record.startedAt) await this.attach(container);
        void this.settle();
      });
    } catch (err) {
      this.active.delete(c.id);
      drain();
      const status = engineStatus(err);
      // Gone, or going (409: "marked for removal"): nothing more to show from it.
      if (status === 404 || status === 409) void this.settle();
      else this.abort(err);
    }
  }

  /** The output a follow stream started `from` did not deliver: what came after `lastLine`, or all of it. */
  private async readMissed(
    id: string,
    from: EngineLogOptions,
    lastLine: string | undefined,
    deliver: (stream: 'stdout' | 'stderr', text: string) => void,
  ): Promise<void> {
    const rest = lastLine ? { ...from, since: afterTimestamp(lastLine), tail: 'all' as const } : from;
    // Best effort: an engine that fails here fails the next look at the project too, which reports it.
    const missed = await existingOutput(this.engine, id, rest).catch(() => []);
    for (const { stream, line } of missed) deliver(stream, line);
  }

  /**
   * Follows each running container not followed in its current run (one restarted while its old
   * stream drained, one whose stream the engine dropped); ends once nothing is followed and no
   * selected container is alive.
   */
  private async settle(): Promise<void> {
    if (this.ended) return;
    try {
      const containers = (
        await projectContainers(this.engine, this.project, this.options.services, { all: true })
      ).filter(this.select);
      if (this.ended) return;
      if (this.engineOptions.until) return this.active.size ? undefined : this.end();
      const alive = containers.filter((c) => ALIVE.has(c.state));
      if (!alive.length && !this.active.size) return this.idle();
      this.idleSince = undefined;
      const unfollowed = alive.filter((c) => c.state === 'running' && !this.active.has(c.id));
      const fresh = await Promise.all(
        unfollowed.map(async (c) => {
          const before = this.seen.get(c.id);
          if (!before) return true;
          const info = await this.engine
            .getContainer(c.id)
            .inspect()
            .catch(() => undefined);
          return info !== undefined && info.State.Running && info.State.StartedAt !== before.startedAt;
        }),
      );
      // Its stream ended in the run still going on: it is about to stop (the engine's state lags its
      // output a moment), or the engine dropped the stream. Still running at the next look, it is
      // followed on from the last line shown.
      const dropped = unfollowed.filter((_, i) => !fresh[i]);
      const resumed = this.resumable ? dropped.filter((c) => this.dropped.has(c.id)) : [];
      this.dropped = new Set(dropped.filter((c) => !resumed.includes(c)).map((c) => c.id));
      await Promise.all([...unfollowed.filter((_, i) => fresh[i]), ...resumed].map((c) => this.attach(c)));
      if (this.dropped.size && !this.recheck) {
        this.recheck = setTimeout(() => {
          this.recheck = undefined;
          void this.settle();
        }, 250);
      }
    } catch (err) {
      this.abort(err);
    }
  }

  /** Nothing alive: end, unless held open or still within the restart grace. */
  private idle(): void {
    if (this.holding) return;
    const now = Date.now();
    this.idleSince ??= now;
    const left = this.idleSince + RESTART_GRACE_MS - now;
    if (left <= 0) return this.end();
    if (this.recheck) return;
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      void this.settle();
    }, left);
  }

  private stopAll(): boolean {
    if (this.ended) return false;
    this.ended = true;
    clearTimeout(this.recheck);
    this.events?.close();
    for (const f of this.active.values()) f?.stop();
    return true;
  }

  private end(): void {
    if (this.stopAll()) this.finish();
  }

  private abort(err: unknown): void {
    if (this.stopAll()) this.fail(err);
  }
}
