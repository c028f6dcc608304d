// `-e KEY=VALUE` and `-e KEY` on the command line, as docker and Compose read them: a bare key
// takes its value from an environment (berth's own for exec, the project's for run), and is
// left out when that has no such variable.
import { BerthError } from '../errors.js';

export function envArgs(
  values: readonly string[] | undefined,
  lookup: (key: string) => string | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of values ?? []) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (!key) throw new BerthError('usage', `invalid environment variable "${entry}": the name is empty`);
    const value = eq < 0 ? lookup(key) : entry.slice(eq + 1);
    if (value !== undefined)
      Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return env;
}

/** `KEY=VALUE` strings for the Engine API. */
export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}
