import { PassThrough } from 'node:stream';
import type DockerModem from 'docker-modem';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_TIMEOUT_S,
  engineTimeoutMs,
  guardRequests,
  INTERRUPT_GRACE_MS,
  requestLimit,
  routeOf,
  type DialRequest,
} from '../../src/engine/guard.js';
import { isEngineFailure, malformedReply } from '../../src/engine/replies.js';

const LIMIT = 30_000;

describe('engineTimeoutMs', () => {
  it('defaults to 30 s, under a minute', () => {
    expect(engineTimeoutMs({})).toBe(DEFAULT_TIMEOUT_S * 1000);
    expect(engineTimeoutMs({})).toBeLessThan(60_000);
  });

  it('reads COMPOSE_HTTP_TIMEOUT in seconds', () => {
    expect(engineTimeoutMs({ COMPOSE_HTTP_TIMEOUT: '5' })).toBe(5_000);
    expect(engineTimeoutMs({ COMPOSE_HTTP_TIMEOUT: '0.5' })).toBe(500);
    expect(engineTimeoutMs({ COMPOSE_HTTP_TIMEOUT: '' })).toBe(30_000);
    expect(engineTimeoutMs({ COMPOSE_HTTP_TIMEOUT: '99999999999' })).toBe(2 ** 31 - 1);
  });

  it.each(['0', '-1', 'ten', '5s', '1e3'])('refuses COMPOSE_HTTP_TIMEOUT=%s, naming the variable', (value) => {
    expect(() => engineTimeoutMs({ COMPOSE_HTTP_TIMEOUT: value })).toThrow(
      `COMPOSE_HTTP_TIMEOUT must be a number of seconds above 0, got "${value}"`,
    );
  });
});

describe('requestLimit', () => {
  const request = (path: string, extra: Partial<DialRequest> = {}): DialRequest => ({ path, method: 'GET', ...extra });

  it('limits quick requests: ping, list, inspect, create, remove, start', () => {
    for (const r of [
      request('/_ping'),
      request('/containers/json?'),
      request('/containers/abc/json?'),
      request('/containers/create?', { method: 'POST' }),
      request('/containers/abc?', { method: 'DELETE' }),
      request('/containers/abc/start?', { method: 'POST' }),
    ]) {
      expect(requestLimit(r, LIMIT)).toBe(LIMIT);
    }
  });

  it('gives streams and long waits no limit: logs, attach, exec, build, pull, events, wait, uploads', () => {
    for (const r of [
      request('/containers/abc/logs?', { isStream: true }),
      request('/containers/abc/logs?'),
      request('/containers/abc/attach?', { method: 'POST', isStream: true, hijack: true }),
      request('/exec/abc/start', { method: 'POST', isStream: true, hijack: true }),
      request('/build?', { method: 'POST', isStream: true, file: Buffer.alloc(0) }),
      request('/images/create?', { method: 'POST', isStream: true }),
      request('/events?', { isStream: true }),
      request('/containers/abc/wait?', { method: 'POST' }),
      request('/containers/abc/archive?', { method: 'PUT', file: Buffer.alloc(0) }),
    ]) {
      expect(requestLimit(r, LIMIT)).toBeUndefined();
    }
  });

  it('gives stop and restart their stop grace on top of the limit, the engine default (10 s) when they name none', () => {
    expect(requestLimit(request('/containers/abc/stop?', { method: 'POST', options: { t: 7 } }), LIMIT)).toBe(37_000);
    expect(
      requestLimit(request('/containers/abc/restart?', { method: 'POST', options: { _query: { t: 120 } } }), LIMIT),
    ).toBe(150_000);
    expect(requestLimit(request('/containers/abc/stop?', { method: 'POST', options: {} }), LIMIT)).toBe(40_000);
  });
});

describe('routeOf', () => {
  it('drops the query string and shortens IDs', () => {
    const id = 'a'.repeat(64);
    expect(routeOf(`/containers/${id}/json?size=1`)).toBe(`/containers/${'a'.repeat(12)}/json`);
    expect(routeOf('/containers/create?name=x&Env=SECRET')).toBe('/containers/create');
  });
});

describe('malformedReply', () => {
  it('accepts the shapes the engine sends', () => {
    expect(malformedReply('GET', '/containers/json', [{ Id: 'x' }])).toBeUndefined();
    expect(malformedReply('GET', '/containers/json', [])).toBeUndefined();
    expect(malformedReply('GET', '/containers/abc/json', { Id: 'x' })).toBeUndefined();
    expect(malformedReply('GET', '/images/berth-test/web:1/json', { Id: 'x' })).toBeUndefined();
    expect(malformedReply('GET', '/volumes', { Volumes: null })).toBeUndefined();
    expect(malformedReply('POST', '/containers/create', { Id: 'x', Warnings: [] })).toBeUndefined();
  });

  it('names what is wrong, never quoting the answer', () => {
    expect(malformedReply('GET', '/containers/json', Buffer.from('<html>secret'))).toBe('a body that is not JSON');
    expect(malformedReply('GET', '/containers/json', Buffer.alloc(0))).toBe('an empty body');
    expect(malformedReply('GET', '/containers/json', { message: 'x' })).toBe('an object where a list was expected');
    expect(malformedReply('GET', '/networks', ['x'])).toBe('a list holding a string where objects were expected');
    expect(malformedReply('GET', '/containers/abc/json', [])).toBe('a list where an object was expected');
    expect(malformedReply('POST', '/containers/create', { Warnings: [] })).toBe('an object without the new Id');
  });

  it('leaves routes it has no rule for alone (the ping, raw logs, empty answers)', () => {
    expect(malformedReply('GET', '/_ping', Buffer.from('OK'))).toBeUndefined();
    expect(malformedReply('GET', '/containers/abc/logs', Buffer.from([1, 0, 0, 0]))).toBeUndefined();
    expect(malformedReply('POST', '/containers/abc/start', Buffer.alloc(0))).toBeUndefined();
  });

  it("takes a JSON error or an empty body as the engine's, anything else not", () => {
    expect(isEngineFailure({ message: 'No such container' })).toBe(true);
    expect(isEngineFailure(Buffer.alloc(0))).toBe(true);
    expect(isEngineFailure(Buffer.from('<html>'))).toBe(false);
    expect(isEngineFailure('Forbidden')).toBe(false);
  });
});

/** A connection whose dial is a stand-in: `answer` decides what each request gets, if anything. */
function guarded(
  answer: (request: DialRequest, callback: (err: unknown, data?: unknown) => void) => void,
  signal?: AbortSignal,
) {
  const modem = { dial: answer } as unknown as DockerModem;
  guardRequests(modem, { describe: 'tcp://127.0.0.1:1', limitMs: 1_000, signal });
  return (request: DialRequest) =>
    new Promise((resolve, reject) =>
      (modem.dial as (r: DialRequest, cb: (err: unknown, data?: unknown) => void) => void)(request, (err, data) =>
        err ? reject(err) : resolve(data),
      ),
    );
}

describe('guardRequests', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('fails a quick request the engine never answers once its limit passes, naming the engine and the request', async () => {
    const seen: AbortSignal[] = [];
    const call = guarded((request) => seen.push(request.abortSignal!))({ path: '/containers/json?', method: 'GET' });
    const outcome = expect(call).rejects.toThrow(
      'the Docker Engine at tcp://127.0.0.1:1 did not answer GET /containers/json within 1 s',
    );
    await vi.advanceTimersByTimeAsync(1_000);
    await outcome;
    // The request itself is cut too, not left open.
    expect(seen[0].aborted).toBe(true);
  });

  it('turns junk into one error naming the engine', async () => {
    const call = guarded((_r, callback) => callback(null, Buffer.from('<html>')))({
      path: '/containers/json?',
      method: 'GET',
    });
    await expect(call).rejects.toThrow(
      'the Docker Engine at tcp://127.0.0.1:1 answered GET /containers/json with a body that is not JSON: is it a Docker Engine?',
    );
    const failed = guarded((_r, callback) =>
      callback(Object.assign(new Error('(HTTP code 502)'), { statusCode: 502, json: Buffer.from('Bad Gateway') })),
    )({ path: '/info', method: 'GET' });
    await expect(failed).rejects.toThrow('answered GET /info with HTTP 502 and a body that is not JSON');
  });

  it("passes the engine's own failures through, status code and all", async () => {
    const notFound = Object.assign(new Error('no such container'), {
      statusCode: 404,
      json: { message: 'No such container: x' },
    });
    const call = guarded((_r, callback) => callback(notFound))({ path: '/containers/x/json', method: 'GET' });
    await expect(call).rejects.toBe(notFound);
  });

  it('once interrupted, gives a request under way the grace to finish, then fails it with the interrupt', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted by SIGINT');
    const callbacks: ((err: unknown, data?: unknown) => void)[] = [];
    const dial = guarded((_r, callback) => callbacks.push(callback), controller.signal);
    const answered = dial({ path: '/containers/abc/stop?', method: 'POST', options: { t: 600 } });
    const stalled = dial({ path: '/containers/def/stop?', method: 'POST', options: { t: 600 } });
    const outcome = expect(stalled).rejects.toBe(reason);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(INTERRUPT_GRACE_MS / 2);
    callbacks[0](null, Buffer.alloc(0));
    await expect(answered).resolves.toEqual(Buffer.alloc(0));
    await vi.advanceTimersByTimeAsync(INTERRUPT_GRACE_MS / 2);
    await outcome;
  });

  it('once interrupted, ends streams at once and refuses new ones', async () => {
    const controller = new AbortController();
    const stream = new PassThrough();
    const dial = guarded((_r, callback) => callback(null, stream), controller.signal);
    await expect(dial({ path: '/events?', method: 'GET', isStream: true })).resolves.toBe(stream);
    controller.abort(new Error('interrupted'));
    expect(stream.destroyed).toBe(true);
    await expect(dial({ path: '/events?', method: 'GET', isStream: true })).rejects.toThrow('interrupted');
  });
});
