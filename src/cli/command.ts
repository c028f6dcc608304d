// What every CLI command file provides, and the shared plumbing to run one.
import { parseArgs } from 'node:util';
import { BerthError } from '../errors.js';
import { writeFile } from 'node:fs/promises';
import type { Engine } from '../engine/connect.js';
import { loadProject, type LoadOptions } from '../loader/index.js';
import type { LoadedProject, Project, Service } from '../model/types.js';
import { projectSecrets, sensitiveValues, type Redactor } from '../model/redact.js';
import { createRenderer, type Renderer } from '../progress/render.js';
import type { Globals } from './globals.js';
import { OutputMask } from './output-mask.js';
import { splitPassthrough } from './passthrough.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help as the value's name: `--timeout SECONDS`. */
  value?: string;
}

export interface CliContext {
  globals: Globals;
  stdout: NodeJS.WritableStream;
  /** Text written here has every secret value known so far masked (see OutputMask). */
  stderr: NodeJS.WriteStream;
  /** Masks the secret values known so far: the shell's, the env files', the loaded project's. */
  redactor(): Redactor;
  /**
   * Aborted by the first SIGINT or SIGTERM the command does not listen for itself (see main.ts):
   * pass it to what the command waits on. The engine from connect() is bound to it.
   */
  signal: AbortSignal;
  /** Loads the project named by the global options (warnings go to stderr). */
  load(): Promise<LoadedProject>;
  /** Loads with some options changed (`--no-interpolate`). */
  loadWith(overrides: Partial<LoadOptions>): Promise<LoadedProject>;
  /**
   * The engine connection, begun at the first call: a command asks for it before it loads the
   * project, so that the round trip to the engine overlaps the load. A failure to connect
   * surfaces where the command awaits it, after any load error.
   */
  connect(): Promise<Engine>;
  renderer(): Renderer;
  /** A service by name; an unknown name is an error listing the known ones. */
  service(project: Project, name: string): Service;
  /** Throws a usage error: wrong flags or arguments. */
  usage(message: string): never;
  /** Writes command output to stdout, or to a file. */
  write(text: string, file?: string): Promise<void>;
  /** Every command berth has (main.ts holds the registry; completion scripts list them). */
  commands(): Promise<Command[]>;
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  summary: string;
  /** Positional arguments as shown in help: `[SERVICE...]`. */
  args?: string;
  options: O;
  /** The arguments after this many positionals are another program's argv (`exec SERVICE CMD...`). */
  passthroughAfter?: number;
  run(ctx: CliContext, values: OptionValues<O>, positionals: string[]): Promise<number>;
}

export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

export function defineCommand<O extends Record<string, OptionSpec>>(command: Command<O>): Command {
  return command as unknown as Command;
}

export function parseCommandArgs(
  command: Command,
  args: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, o]) => [
      name,
      { type: o.type, multiple: o.multiple ?? false, ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  const { own, rest } =
    command.passthroughAfter === undefined
      ? { own: args, rest: [] }
      : splitPassthrough(command.options, args, command.passthroughAfter);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: own,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new BerthError(
      'usage',
      `${command.name}: ${(err as Error).message.replace(/\. To specify a positional.*$/, '')}`,
    );
  }
  // An ignored argument would do something else than the user asked (`down web` taking the whole project down).
  if (!command.args && parsed.positionals.length)
    throw new BerthError('usage', `${command.name} takes no arguments, got "${parsed.positionals[0]}"`);
  return { values: parsed.values, positionals: [...parsed.positionals, ...rest] };
}

export function commandHelp(command: Command): string {
  const lines = [
    `Usage: berth [OPTIONS] ${command.name}${Object.keys(command.options).length ? ' [OPTIONS]' : ''}${command.args ? ` ${command.args}` : ''}`,
    '',
    command.summary,
  ];
  const rows = Object.entries(command.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? name.toUpperCase()}` : ''}`,
    o.description,
  ]);
  if (rows.length) {
    const width = Math.max(...rows.map(([flag]) => flag.length));
    lines.push('', 'Options:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  }
  return lines.join('\n');
}

export function contextFor(
  globals: Globals,
  stdout: NodeJS.WritableStream,
  rawStderr: NodeJS.WriteStream,
  signal: AbortSignal,
  commands: () => Promise<Command[]>,
): CliContext {
  const mask = new OutputMask(globals.load.environment ?? process.env);
  const stderr = mask.stream(rawStderr);
  const loadWith = async (overrides: Partial<LoadOptions>) => {
    const loaded = await loadProject({
      ...globals.load,
      ...overrides,
      onWarning: (m) => stderr.write(`warning: ${m}\n`),
      onEnvironment: (env) => mask.learn(sensitiveValues(env)),
    });
    mask.learn(projectSecrets(loaded));
    return loaded;
  };
  let connecting: Promise<Engine> | undefined;
  return {
    globals,
    stdout,
    stderr,
    commands,
    redactor: () => mask.current,
    signal,
    load: () => loadWith({}),
    loadWith,
    connect: () => {
      if (!connecting) {
        // Loaded here, not at start-up: commands that never talk to the engine skip its client.
        connecting = import('../engine/connect.js').then(({ connectEngine }) => connectEngine(process.env, { signal }));
        // Awaited later, or never when the load fails: not an unhandled rejection.
        connecting.catch(() => undefined);
      }
      return connecting;
    },
    renderer: () => createRenderer(stderr, globals.progress, mask.text),
    service: (project, name) => {
      const service = project.services[name];
      if (!service)
        throw new BerthError(
          'reference',
          `no such service: "${name}" (services: ${Object.keys(project.services).join(', ') || 'none'})`,
        );
      return service;
    },
    usage: (message) => {
      throw new BerthError('usage', message);
    },
    write: async (text, file) => {
      if (file) await writeFile(file, text);
      else stdout.write(text);
    },
  };
}

/** Parses a non-negative integer option, naming the option on error. */
export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new BerthError('usage', `--${name} expects a whole number of seconds or items, got "${value}"`);
  return Number(value);
}
