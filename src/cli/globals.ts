// Global options (before the command), as Docker Compose takes them.
import { parseArgs } from 'node:util';
import { BerthError } from '../errors.js';
import type { LoadOptions } from '../loader/index.js';

export const GLOBAL_OPTIONS = {
  file: { type: 'string', short: 'f', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  'project-directory': { type: 'string' },
  'env-file': { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  ansi: { type: 'string' },
  progress: { type: 'string' },
  'dry-run': { type: 'boolean' },
  parallel: { type: 'string' },
  context: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface Globals {
  load: LoadOptions;
  ansi: 'auto' | 'never' | 'always';
  progress: 'auto' | 'tty' | 'plain' | 'quiet';
  dryRun: boolean;
  /** The docker CLI context to use (`--context`); it outranks DOCKER_HOST and DOCKER_CONTEXT. */
  context?: string;
  help: boolean;
  version: boolean;
}

/** Splits argv into global options, the command, and the command's own arguments. */
export function splitArgs(argv: string[]): { globals: string[]; command?: string; rest: string[] } {
  const takesValue = new Set(
    Object.entries(GLOBAL_OPTIONS)
      .filter(([, o]) => o.type === 'string')
      .flatMap(([name, o]) => [`--${name}`, ...('short' in o ? [`-${o.short}`] : [])]),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) return { globals: argv.slice(0, i), command: arg, rest: argv.slice(i + 1) };
    if (takesValue.has(arg)) i++;
  }
  return { globals: argv, rest: [] };
}

export function parseGlobals(args: string[]): Globals {
  let values;
  try {
    ({ values } = parseArgs({ args, options: GLOBAL_OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new BerthError('usage', (err as Error).message);
  }
  const ansi = values.ansi ?? 'auto';
  if (!['auto', 'never', 'always'].includes(ansi))
    throw new BerthError('usage', `--ansi must be one of auto, never, always (got "${ansi}")`);
  const progress = values.progress ?? 'auto';
  if (!['auto', 'tty', 'plain', 'quiet'].includes(progress))
    throw new BerthError('usage', `--progress must be one of auto, tty, plain, quiet (got "${progress}")`);
  return {
    load: {
      files: values.file,
      projectName: values['project-name'],
      projectDirectory: values['project-directory'],
      envFiles: values['env-file'],
      profiles: values.profile,
      // Compose's --parallel is its COMPOSE_PARALLEL_LIMIT, which the engine steps read.
      ...(values.parallel !== undefined
        ? { environment: { ...process.env, COMPOSE_PARALLEL_LIMIT: values.parallel } }
        : {}),
    },
    ansi: ansi as Globals['ansi'],
    progress: (ansi === 'never' && progress === 'auto' ? 'plain' : progress) as Globals['progress'],
    dryRun: values['dry-run'] ?? false,
    context: values.context,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
