// The variables compose files are interpolated with, and the COMPOSE_* settings, built the way
// Docker Compose builds them: env files in order, the shell over all of them.
import { statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { parseDotenv } from './dotenv.js';
import type { InterpolationBudget, Lookup } from './interpolate.js';
import { readTextFile } from './read-file.js';

export interface InterpolationEnvironmentOptions {
  workingDir: string;
  /**
   * Where the search for compose files started, when it is not `workingDir`: as in Compose,
   * its `.env` is read too, and wins over the project's.
   */
  searchDir?: string;
  /**
   * `--env-file`, absolute or relative to `cwd`; later files win. When undefined,
   * `COMPOSE_ENV_FILES` from `shell` stands in; when empty or neither is given, the project's
   * `.env` is read if it exists.
   */
  envFiles?: string[];
  shell: Record<string, string | undefined>;
  cwd: string;
  onWarning?: (message: string) => void;
  /** Shared with the project's compose files; by default the limit holds for each env file alone. */
  budget?: InterpolationBudget;
}

export interface InterpolationEnvironment {
  environment: Record<string, string>;
  /** Absolute paths of the env files actually read, in order. */
  envFiles: string[];
}

/** A lookup that sees only the record's own keys, so `${constructor}` is not Object's. */
export function lookupIn(env: Record<string, string | undefined>): Lookup {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}

export function resolveInterpolationEnvironment(opts: InterpolationEnvironmentOptions): InterpolationEnvironment {
  const requested = opts.envFiles ?? splitList(opts.shell.COMPOSE_ENV_FILES, ',') ?? [];
  const dotenvDirs = [
    opts.workingDir,
    ...(opts.searchDir && opts.searchDir !== opts.workingDir ? [opts.searchDir] : []),
  ];
  const envFiles = requested.length ? requested.map((f) => resolve(opts.cwd, f)) : dotenvDirs.flatMap(defaultEnvFile);
  const shell = lookupIn(opts.shell);
  const fromFiles = new Map<string, string>();
  for (const file of envFiles) {
    const vars = parseDotenv(
      readTextFile(file, { what: 'env file', code: 'env-file' }),
      file,
      (name) => fromFiles.get(name),
      {
        overrides: shell,
        onWarning: opts.onWarning,
        budget: opts.budget,
      },
    );
    for (const [key, value] of Object.entries(vars)) fromFiles.set(key, value);
  }
  const fromShell = Object.entries(opts.shell).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { environment: Object.fromEntries([...fromFiles, ...fromShell]), envFiles };
}

/** A missing or unreadable project `.env` is simply not used. */
function defaultEnvFile(workingDir: string): string[] {
  const file = join(workingDir, '.env');
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? [file] : [];
}

export interface ComposeSettings {
  /** `COMPOSE_FILE`, as written (relative paths not yet resolved). */
  files?: string[];
  projectName?: string;
  profiles?: string[];
  /** `COMPOSE_ENV_FILES`, as written. */
  envFiles?: string[];
  /** `COMPOSE_PATH_SEPARATOR`, else the platform's list separator. */
  pathSeparator: string;
}

/**
 * The COMPOSE_* variables berth honours. Call it on the shell environment, or on the
 * interpolation environment so that a project's `.env` can set them too (the shell still wins).
 */
export function composeSettings(env: Record<string, string | undefined>): ComposeSettings {
  const get = lookupIn(env);
  const pathSeparator = get('COMPOSE_PATH_SEPARATOR') || delimiter;
  return {
    files: splitList(get('COMPOSE_FILE'), pathSeparator),
    projectName: get('COMPOSE_PROJECT_NAME') || undefined,
    profiles: splitList(get('COMPOSE_PROFILES'), ','),
    envFiles: splitList(get('COMPOSE_ENV_FILES'), ','),
    pathSeparator,
  };
}

/** Non-empty items of a separated list; undefined when the variable is unset or holds none. */
function splitList(value: string | undefined, separator: string): string[] | undefined {
  const items = value
    ?.split(separator)
    .map((item) => item.trim())
    .filter(Boolean);
  return items?.length ? items : undefined;
}
