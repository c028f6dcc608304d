// Every request to the engine passes here (the connection's dial, wrapped once): a request that
// should be quick has a time limit, an interrupt ends every request within moments, and an
// answer of the wrong shape becomes one line naming the engine. Streams that are long by nature
// (logs, attach, exec, build, pull, push, events, wait) have no time limit.
import type DockerModem from 'docker-modem';
import { BerthError } from '../errors.js';
import { isEngineFailure, malformedReply } from './replies.js';

/** Seconds a quick request may take when COMPOSE_HTTP_TIMEOUT is not set. */
export const DEFAULT_TIMEOUT_S = 30;
/** Once interrupted, how long any request not yet answered may still take. */
export const INTERRUPT_GRACE_MS = 2_000;
/** The engine's own stop grace, when a stop request names none. */
const ENGINE_STOP_GRACE_S = 10;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Ended by the answer's stream, not by a time limit. */
const LONG = /^\/containers\/[^/]+\/(wait|logs|attach)$/;
/** Take up to their stop grace (`t`) before they answer. */
const STOPPING = /^\/containers\/[^/]+\/(stop|restart)$/;

export type DialRequest = DockerModem.DialOptions;
type DialCallback = (err: unknown, data?: unknown) => void;
type Stream = NodeJS.ReadableStream & { destroy(): void };

export interface GuardOptions {
  /** The engine's address as the user gave it, for messages. */
  describe: string;
  /** A quick request's time limit. */
  limitMs: number;
  /**
   * Once aborted, streams end at once and every other request, under way or new, has at most
   * INTERRUPT_GRACE_MS left: enough to finish what was under way on an engine that answers, and
   * to release a lock. A request cut short fails with the signal's reason.
   */
  signal?: AbortSignal;
}

/** The quick requests' limit in milliseconds: COMPOSE_HTTP_TIMEOUT (seconds, as in Compose v1), else 30 s. */
export function engineTimeoutMs(env: Record<string, string | undefined>): number {
  const value = env.COMPOSE_HTTP_TIMEOUT?.trim();
  if (!value) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds > 0))
    throw new BerthError(
      'usage',
      `COMPOSE_HTTP_TIMEOUT must be a number of seconds above 0, got "${env.COMPOSE_HTTP_TIMEOUT}"`,
    );
  return Math.min(seconds * 1000, MAX_TIMER_MS);
}

/** A request's time limit in milliseconds, or undefined for a stream that lasts as long as it has to. */
export function requestLimit(request: DialRequest, limitMs: number): number | undefined {
  if (request.isStream || request.hijack || request.openStdin || request.file) return undefined;
  const route = routeOf(request.path);
  if (LONG.test(route)) return undefined;
  if (STOPPING.test(route)) return Math.min(stopGraceSeconds(request) * 1000 + limitMs, MAX_TIMER_MS);
  return limitMs;
}

function stopGraceSeconds(request: DialRequest): number {
  const options = request.options;
  const t = Number((options?._query as { t?: unknown } | undefined)?.t ?? options?.t);
  return Number.isFinite(t) && t >= 0 ? t : ENGINE_STOP_GRACE_S;
}

/** The path without its query string (which may carry values berth must not print), IDs shortened. */
export function routeOf(path: string): string {
  return path.split('?')[0].replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, '$1');
}

/** Puts every request of `modem` under the guard. */
export function guardRequests(modem: DockerModem, options: GuardOptions): void {
  const dial = modem.dial.bind(modem) as (request: DialRequest, callback: DialCallback) => void;
  const { describe, signal } = options;
  // One listener on the signal for the whole connection, however many requests are under way.
  const underWay = new Set<(reason: unknown) => void>();
  signal?.addEventListener('abort', () => [...underWay].forEach((interrupt) => interrupt(signal.reason)), {
    once: true,
  });

  modem.dial = (request: DialRequest, callback: DialCallback) => {
    const method = request.method ?? 'GET';
    const what = `${method} ${routeOf(request.path)}`;
    const limit = requestLimit(request, options.limitMs);
    const streams = limit === undefined;
    if (signal?.aborted && streams) return callback(signal.reason);

    const controller = new AbortController();
    request.abortSignal = request.abortSignal
      ? AbortSignal.any([request.abortSignal, controller.signal])
      : controller.signal;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let endsAt = Infinity;
    const settle = (err: unknown, data?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      underWay.delete(interrupt);
      callback(err, data);
    };
    const fail = (err: unknown) => {
      settle(err);
      controller.abort(err);
    };
    const endWithin = (ms: number, error: () => unknown) => {
      if (performance.now() + ms >= endsAt) return;
      endsAt = performance.now() + ms;
      clearTimeout(timer);
      timer = setTimeout(() => fail(error()), ms);
    };
    const interrupt = (reason: unknown) => (streams ? fail(reason) : endWithin(INTERRUPT_GRACE_MS, () => reason));

    if (!streams) {
      endWithin(
        limit,
        () =>
          new BerthError(
            'engine-unreachable',
            `the Docker Engine at ${describe} did not answer ${what} within ${limit / 1000} s (COMPOSE_HTTP_TIMEOUT sets this limit, in seconds)`,
          ),
      );
    }
    if (signal?.aborted) interrupt(signal.reason);
    else if (signal) underWay.add(interrupt);

    dial(request, (err, data) => {
      if (err) {
        const { statusCode, json } = err as { statusCode?: number; json?: unknown };
        if (statusCode !== undefined && !isEngineFailure(json)) {
          return settle(
            new BerthError(
              'engine-unreachable',
              `the Docker Engine at ${describe} answered ${what} with HTTP ${statusCode} and a body that is not JSON: is it a Docker Engine?`,
              { cause: err },
            ),
          );
        }
        return settle(err);
      }
      if (isStream(data)) return settle(null, endOnInterrupt(data, controller));
      const problem = malformedReply(method, routeOf(request.path), data);
      if (problem)
        return settle(
          new BerthError(
            'engine-unreachable',
            `the Docker Engine at ${describe} answered ${what} with ${problem}: is it a Docker Engine?`,
          ),
        );
      settle(null, data);
    });
  };

  /** A stream the caller reads after the request settled: an interrupt closes it. */
  function endOnInterrupt(stream: Stream, controller: AbortController): Stream {
    if (!signal) return stream;
    const interrupt = (reason: unknown) => {
      controller.abort(reason);
      stream.destroy();
    };
    if (signal.aborted) interrupt(signal.reason);
    underWay.add(interrupt);
    stream.once('close', () => underWay.delete(interrupt));
    return stream;
  }
}

function isStream(data: unknown): data is Stream {
  return typeof (data as Stream | undefined)?.pipe === 'function' && typeof (data as Stream).destroy === 'function';
}
