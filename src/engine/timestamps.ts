// `--since` / `--until` values as the docker CLI reads them, turned into what the Engine API
// takes (Unix seconds, with a fraction): a relative duration ("42m", "1h30m") counts back from
// now; a Unix timestamp passes as is; an RFC 3339 date or date-time (local time when it names
// no zone) is converted.
import { parseDuration } from '../model/units.js';

/** Unix seconds as the engine takes them, or an Error naming the value and the forms accepted. */
export function engineTimestamp(value: string, now: Date = new Date()): string {
  const text = value.trim();
  if (/^\d+(\.\d{1,9})?$/.test(text)) return text;
  // µ (micro sign) and μ (Greek mu), escaped: the CLI bundle is kept to ASCII.
  if (/^[\d.]+(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/.test(text)) {
    try {
      return seconds(now.getTime() - parseDuration(text));
    } catch {
      // Not a duration after all: try it as a date.
    }
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text;
  const zoned = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/i.test(date);
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(date);
  if (zoned || local) {
    // Date.parse reads a date-time without a zone as local time, as the docker CLI does.
    const ms = Date.parse(date);
    if (!Number.isNaN(ms)) return seconds(ms);
  }
  throw new Error(
    `invalid time "${value}": use a duration (10m, 1h30m), a Unix timestamp, or an RFC 3339 date (2024-01-02T15:04:05Z)`,
  );
}

function seconds(ms: number): string {
  const whole = Math.floor(ms / 1000);
  const nanos = Math.round((ms - whole * 1000) * 1e6);
  return `${whole}.${String(nanos).padStart(9, '0')}`;
}
