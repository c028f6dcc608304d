// `events`: the project's container events as the engine reports them, one at a time, until
// the caller aborts. One-off (`run`) containers are left out, as Docker Compose does.
import { connectEngine } from '../engine/connect.js';
import { subscribeEvents, type EngineEvent } from '../engine/events.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface ProjectEvent {
  /** When the engine saw it, to the nanosecond: `2024-01-01T00:00:00.123456789Z`. */
  time: string;
  type: 'container';
  /** `create`, `start`, `die`, `stop`, `kill`, `pause`, `exec_start: sh -c ...`, ... */
  action: string;
  /** Container ID. */
  id: string;
  service: string;
  /** The actor's attributes without Compose's or berth's own labels: `image`, `name`, `exitCode`, user labels. */
  attributes: Record<string, string>;
}

export interface EventsOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
  /** Stops the stream; `events` then resolves. */
  signal?: AbortSignal;
  /** Called once the engine's stream is open (nothing that happens after is missed). */
  onReady?: () => void;
}

/** Streams events to `consumer` until `options.signal` aborts or the engine closes the stream. */
export async function events(
  loaded: LoadedProject,
  consumer: (event: ProjectEvent) => void,
  options: EventsOptions = {},
): Promise<void> {
  if (options.signal?.aborted) return;
  const engine = options.engine ?? (await connectEngine());
  const subscription = await subscribeEvents(
    engine,
    { type: ['container'], label: [`${Label.project}=${loaded.project.name}`] },
    (raw, line) => {
      // timeNano has 19 digits, more than a double holds: read it from the text.
      const nanos = /"timeNano":(\d+)/.exec(line)?.[1];
      const event = toProjectEvent(raw, nanos ? BigInt(nanos) : undefined);
      if (event && (!options.services?.length || options.services.includes(event.service))) consumer(event);
    },
  );
  options.onReady?.();
  const stop = () => subscription.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await subscription.done;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

function toProjectEvent(e: EngineEvent, nanos: bigint | undefined): ProjectEvent | undefined {
  if (e.Type !== 'container') return undefined;
  const attrs = e.Actor?.Attributes ?? {};
  if (attrs[Label.oneoff] === 'True') return undefined;
  const attributes = Object.fromEntries(
    Object.entries(attrs)
      .filter(([k]) => !k.startsWith('com.docker.compose.') && !k.startsWith('dev.berth.'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    time: isoNano(nanos || BigInt(e.time ?? 0) * 1_000_000_000n),
    type: 'container',
    action: e.Action ?? e.status ?? '',
    id: e.Actor?.ID ?? e.id ?? '',
    service: attrs[Label.service] ?? '',
    attributes,
  };
}

/** Nanoseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` (UTC). */
export function isoNano(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}Z`;
}

/** A line as `docker compose events` prints it: `<time> container <action> <id> (k=v, ...)`. */
export function formatEvent(event: ProjectEvent): string {
  const attrs = Object.entries(event.attributes)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${event.time} ${event.type} ${event.action} ${event.id} (${attrs})`;
}
