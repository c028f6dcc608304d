// The berth command line: global options, then one command. Every failure ends in one
// line on stderr and a non-zero exit; stdout carries only the command's output.
import { readFileSync } from 'node:fs';
import { BerthError, engineMessage } from '../errors.js';
import { commandHelp, contextFor, parseCommandArgs, type Command } from './command.js';
import { namedServices } from './named-services.js';
import { parseGlobals, splitArgs } from './globals.js';
import { watchInterrupts } from './interrupts.js';

// Commands load on demand: `config` never pays for the engine client, nor `ps` for listr2.
const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => (await import('./build.js')).default,
  completion: async () => (await import('./completion.js')).default,
  config: async () => (await import('./config.js')).default,
  cp: async () => (await import('./cp.js')).default,
  create: async () => (await import('./lifecycle.js')).create,
  deploy: async () => (await import('./deploy.js')).deploy,
  down: async () => (await import('./down.js')).default,
  events: async () => (await import('./events.js')).default,
  exec: async () => (await import('./exec.js')).default,
  images: async () => (await import('./images.js')).default,
  kill: async () => (await import('./kill.js')).default,
  logs: async () => (await import('./logs.js')).default,
  ls: async () => (await import('./ls.js')).default,
  pause: async () => (await import('./pause.js')).pause,
  port: async () => (await import('./port.js')).default,
  ps: async () => (await import('./ps.js')).default,
  pull: async () => (await import('./pull.js')).default,
  push: async () => (await import('./push.js')).default,
  restart: async () => (await import('./lifecycle.js')).restartCommand,
  rm: async () => (await import('./lifecycle.js')).rmCommand,
  run: async () => (await import('./run.js')).default,
  scale: async () => (await import('./scale.js')).default,
  start: async () => (await import('./lifecycle.js')).startCommand,
  stats: async () => (await import('./stats.js')).default,
  stop: async () => (await import('./lifecycle.js')).stopCommand,
  top: async () => (await import('./top.js')).default,
  undeploy: async () => (await import('./deploy.js')).undeploy,
  unpause: async () => (await import('./pause.js')).unpause,
  up: async () => (await import('./up.js')).default,
  wait: async () => (await import('./wait.js')).default,
  watch: async () => (await import('./watch.js')).default,
};

// Under the global --dry-run, a command must change nothing: these print their plan instead
// (or only read); any other refuses to run rather than act for real.
const DRY_RUN_SAFE = new Set([
  ...['up', 'down', 'create', 'start', 'stop', 'restart', 'rm', 'kill', 'pause', 'unpause', 'scale'],
  ...['config', 'ps', 'ls', 'logs', 'images', 'port', 'top', 'events', 'stats', 'wait', 'completion'],
]);

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Every command, loaded (for help and shell completion). */
export async function listCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

async function mainHelp(): Promise<string> {
  const commands = await listCommands();
  const width = Math.max(...commands.map((c) => c.name.length), 'version'.length);
  return [
    'Usage: berth [OPTIONS] COMMAND',
    '',
    'Define and run multi-container applications (Compose files, Docker Engine).',
    '',
    'Options:',
    '  -f, --file FILE              Compose configuration files (repeatable)',
    '  -p, --project-name NAME      Project name',
    "      --project-directory DIR  Alternate working directory (default: the first file's directory)",
    '      --env-file FILE          Alternate environment files (repeatable)',
    '      --profile PROFILE        Profiles to enable (repeatable)',
    '      --ansi WHEN              Control characters: never, always, auto',
    '      --progress MODE          Progress output: auto, tty, plain, quiet',
    '      --dry-run                Print what would be done and change nothing',
    '      --parallel N             Container starts and stops at once (-1: no limit)',
    '      --context NAME           Docker context to use (overrides DOCKER_HOST, DOCKER_CONTEXT)',
    '  -v, --version                Show the berth version',
    '  -h, --help                   Show this help',
    '',
    'Commands:',
    ...[...commands.map((c) => [c.name, c.summary]), ['version', 'Show the berth version information']]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    "Run 'berth COMMAND --help' for more information on a command.",
  ].join('\n');
}

export async function main(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<number> {
  // Once a command runs, its errors go through its context's stderr, which masks secret values.
  let errors = stderr;
  try {
    const { globals: globalArgs, command: name, rest } = splitArgs(argv);
    const globals = parseGlobals(globalArgs);
    if (globals.version || name === 'version') {
      stdout.write(`berth version ${version()}\n`);
      return 0;
    }
    if (!name || globals.help) {
      stdout.write(`${await mainHelp()}\n`);
      return name ? 0 : globals.help ? 0 : 1;
    }
    const command = Object.hasOwn(COMMANDS, name) ? await COMMANDS[name]() : undefined;
    if (!command) throw new BerthError('usage', `unknown command "${name}" (run 'berth --help' for the list)`);
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    if (globals.dryRun && !DRY_RUN_SAFE.has(name))
      throw new BerthError('usage', `${name} has no dry-run mode: run it without --dry-run`);
    if (globals.context) (await import('../engine/docker-context.js')).useContextFlag(globals.context);
    const interrupts = watchInterrupts();
    try {
      const load = { ...globals.load, services: namedServices(command, positionals) };
      const ctx = contextFor({ ...globals, load }, stdout, stderr, interrupts.signal, listCommands);
      errors = ctx.stderr;
      return await interrupts.race(command.run(ctx, values as never, positionals));
    } finally {
      interrupts.dispose();
    }
  } catch (err) {
    errors.write(`${errorLine(err)}\n`);
    return err instanceof BerthError && err.code === 'usage' ? 2 : 1;
  }
}

function errorLine(err: unknown): string {
  return `error: ${err instanceof BerthError ? err.message : engineMessage(err)}`;
}
