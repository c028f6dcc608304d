// The throttle that bounds how many container starts and stops run at once, with a step that
// runs long (a container using its grace period) no longer holding its place.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineThrottle, throttle } from '../../src/engine/throttle.js';

/** An operation the test finishes by hand, recording when it ran. */
function gate(log: string[], name: string) {
  let finish!: (value: string) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    op: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish: () => finish(name),
    fail: (message: string) => fail(new Error(message)),
  };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at most `limit` operations at once, the rest in the order they came', async () => {
    const log: string[] = [];
    const run = throttle(2, 500);
    const gates = ['a', 'b', 'c', 'd'].map((n) => gate(log, n));
    const results = gates.map((g) => run(g.op));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    gates[1].finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c']);
    gates[0].finish();
    gates[2].finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'start c', 'start d']);
    gates[3].finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('lets the next operation go when one runs longer than the release time, and not before', async () => {
    const log: string[] = [];
    const run = throttle(1, 500);
    const slow = gate(log, 'slow');
    const next = gate(log, 'next');
    const results = [run(slow.op), run(next.op)];
    await vi.advanceTimersByTimeAsync(499);
    expect(log).toEqual(['start slow']);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['start slow', 'start next']);
    next.finish();
    slow.finish();
    expect(await Promise.all(results)).toEqual(['slow', 'next']);
  });

  it('frees the place of a failed operation and hands its error to the caller', async () => {
    const log: string[] = [];
    const run = throttle(1, 500);
    const failing = gate(log, 'failing');
    const next = gate(log, 'next');
    const first = run(failing.op);
    const second = run(next.op);
    failing.fail('engine said no');
    await expect(first).rejects.toThrow('engine said no');
    await settle();
    expect(log).toEqual(['start failing', 'start next']);
    next.finish();
    expect(await second).toBe('next');
  });

  it('counts a released operation once: finishing after its release frees no second place', async () => {
    const log: string[] = [];
    const run = throttle(1, 500);
    const slow = gate(log, 'slow');
    const b = gate(log, 'b');
    const c = gate(log, 'c');
    const results = [run(slow.op), run(b.op), run(c.op)];
    await vi.advanceTimersByTimeAsync(500);
    expect(log).toEqual(['start slow', 'start b']);
    slow.finish();
    await settle();
    expect(log).toEqual(['start slow', 'start b']);
    b.finish();
    await settle();
    expect(log).toEqual(['start slow', 'start b', 'start c']);
    c.finish();
    await Promise.all(results);
  });
});

describe('COMPOSE_PARALLEL_LIMIT (and --parallel)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a limit the user sets is kept strictly: a long step never lets the next one in early', async () => {
    const log: string[] = [];
    const run = engineThrottle({ COMPOSE_PARALLEL_LIMIT: '1' });
    const slow = gate(log, 'slow');
    const next = gate(log, 'next');
    const results = [run(slow.op), run(next.op)];
    await vi.advanceTimersByTimeAsync(60_000);
    expect(log).toEqual(['start slow']);
    slow.finish();
    await settle();
    expect(log).toEqual(['start slow', 'start next']);
    next.finish();
    await Promise.all(results);
  });

  it('-1 lifts the bound: every step starts at once', async () => {
    const log: string[] = [];
    const run = engineThrottle({ COMPOSE_PARALLEL_LIMIT: '-1' });
    const gates = Array.from({ length: 50 }, (_, i) => gate(log, String(i)));
    const results = gates.map((g) => run(g.op));
    await settle();
    expect(log).toHaveLength(50);
    gates.forEach((g) => g.finish());
    await Promise.all(results);
  });

  it.each(['0', '-2', '1.5', 'many'])('refuses %j, saying what it takes', (value) => {
    expect(() => engineThrottle({ COMPOSE_PARALLEL_LIMIT: value })).toThrow(
      /COMPOSE_PARALLEL_LIMIT \(--parallel\) must be a whole number of at least 1, or -1/,
    );
  });
});
