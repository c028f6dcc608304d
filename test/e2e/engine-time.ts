// Engine timestamps (State.StartedAt, FinishedAt, health probe ends) keep nanoseconds;
// `Date.parse` drops all but milliseconds, so two steps within one millisecond would compare
// equal. Ordering checks read them whole and compare strictly.

/** An engine timestamp (RFC 3339 with up to nanoseconds) as nanoseconds since the epoch. */
export function nanos(timestamp: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!m) throw new Error(`not an engine timestamp: "${timestamp}"`);
  const seconds = BigInt(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return seconds * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}
