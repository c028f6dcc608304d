// The engine's units for Compose durations: one parser (loader/units.ts) behind both, so the
// stop timeout a container is created with and the one berth stops it with always agree.
import { describe, expect, it } from 'vitest';
import { toNanoseconds, toSeconds } from '../../src/engine/duration.js';

describe('durations for the engine', () => {
  it.each([
    ['1.5s', 1],
    ['1m30s', 90],
    ['2h', 7200],
    ['999ms', 0],
    ['10s500ms', 10],
  ])('%s is %i whole seconds, truncated as Compose truncates it', (text, seconds) => {
    expect(toSeconds(text)).toBe(seconds);
  });

  it('keeps healthcheck times exact, in nanoseconds', () => {
    expect(toNanoseconds('1.5s')).toBe(1_500_000_000);
    expect(toNanoseconds('250ms')).toBe(250_000_000);
  });

  it('leaves an unset duration unset', () => {
    expect(toSeconds(undefined)).toBeUndefined();
    expect(toNanoseconds(undefined)).toBeUndefined();
  });
});
