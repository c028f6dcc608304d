// Durations and byte sizes as Compose reads them: Go's `time.ParseDuration` syntax and
// docker/go-units' `RAMInBytes`. Errors are plain: the caller knows where the value was written.

const NS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.Duration is an int64 of nanoseconds. */
const MAX_NS = 2 ** 63 - 1;

/** One `<number><unit>` component of a duration: `1`, `1.5`, `.5` or `5.` then a unit. */
const COMPONENT = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/** Milliseconds in a duration such as `1h2m3s`, `1.5s`, `500ms` or `10us`. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    // Compose formats the number and parses it as a duration: only 0 has no unit to miss.
    if (value === 0) return 0;
    throw new Error(`invalid duration ${value}: a unit is missing (write ${value}s for seconds)`);
  }
  let rest = value;
  if (rest.startsWith('-')) throw new Error(`invalid duration "${value}": a duration cannot be negative`);
  if (rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return 0;
  if (rest === '')
    throw new Error(`invalid duration "${value}": expected a number and a unit such as 30s, 1m30s or 500ms`);

  let ns = 0;
  while (rest !== '') {
    const [whole, int, frac, unit] = COMPONENT.exec(rest)!;
    if (!int && !frac) {
      throw new Error(`invalid duration "${value}": expected a number and a unit such as 30s, 1m30s or 500ms`);
    }
    if (!unit) throw new Error(`invalid duration "${value}": a unit is missing (ns, us, ms, s, m or h)`);
    const scale = NS_PER_UNIT[unit];
    if (scale === undefined) {
      throw new Error(`invalid duration "${value}": unknown unit "${unit}" (use ns, us, ms, s, m or h)`);
    }
    // As Go does: the fraction's digits as an integer times the unit over their scale.
    const fracNs = frac ? Math.trunc(Number(frac) * (scale / 10 ** frac.length)) : 0;
    ns += Number(int || '0') * scale + fracNs;
    rest = rest.slice(whole.length);
  }
  if (ns > MAX_NS) throw new Error(`invalid duration "${value}": too long`);
  return ns / 1e6;
}

/** Go's `time.Duration.String()`: `30s`, `1m30s`, `1h0m0s`, `500ms`, `1.5s`, `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`invalid duration ${ms}: expected a non-negative number of milliseconds`);
  }
  const ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${fixed(ns, 1e3)}µs`;
  if (ns < 1e9) return `${fixed(ns, 1e6)}ms`;

  const seconds = Math.floor(ns / 1e9);
  const secondsPart = `${fixed(ns - (seconds - (seconds % 60)) * 1e9, 1e9)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 0) return secondsPart;
  const hours = Math.floor(minutes / 60);
  const minutesPart = `${minutes % 60}m${secondsPart}`;
  return hours === 0 ? minutesPart : `${hours}h${minutesPart}`;
}

/** `value / unit` with the fraction Go prints: no trailing zeros, no dot when whole. */
function fixed(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const digits = String(unit).length - 1;
  const frac = String(value - whole * unit)
    .padStart(digits, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

const BYTES_PER_UNIT: Record<string, number> = {
  '': 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** A number, an optional space, then `b`, or a k/m/g/t/p prefix followed by nothing, `b` or `ib`. */
const SIZE = /^(\d+(?:\.\d*)?|\.\d+) ?(?:([kmgtp])(?:i?b)?|b)?$/i;

/** Bytes in a size such as `512m`, `1g`, `100kb`, `1.5gb` or `128M`; prefixes are binary (k = 1024). */
export function parseBytes(value: string | number): number {
  if (typeof value === 'number') {
    // -1 is how Compose and the engine spell "unlimited" (memswap_limit).
    if (Number.isSafeInteger(value) && value >= -1) return value;
    throw new Error(`invalid size ${value}: expected a whole number of bytes (or -1 for unlimited)`);
  }
  const match = SIZE.exec(value);
  if (!match) {
    throw new Error(
      `invalid size "${value}": expected a number of bytes with an optional unit such as 512m, 1g or 100kb`,
    );
  }
  const [, amount, prefix = ''] = match;
  return Math.trunc(Number(amount) * BYTES_PER_UNIT[prefix.toLowerCase()]);
}
