// The Engine API counts healthcheck times in nanoseconds and the stop timeout in whole seconds;
// the model keeps Compose's Go-style duration strings.
import { parseDuration } from '../model/units.js';
import type { Duration } from '../model/types.js';

export function toNanoseconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : Math.round(parseDuration(d) * 1e6);
}

/** Truncates, as Go's `int(d.Seconds())` does in Compose. */
export function toSeconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : Math.trunc(parseDuration(d) / 1000);
}
