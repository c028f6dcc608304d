// `berth run SERVICE [COMMAND...]`: a one-off container of a service; exits with its exit code.
import { run, withServiceEnabled } from '../api/run.js';
import { envArgs } from '../engine/env-args.js';
import { splitShellWords } from '../loader/short-syntax/shell-words.js';
import { defineCommand, type CliContext } from './command.js';

export default defineCommand({
  passthroughAfter: 1,
  name: 'run',
  summary: 'Run a one-off command on a service',
  args: 'SERVICE [COMMAND] [ARGS...]',
  options: {
    detach: { type: 'boolean', short: 'd', description: 'Run the container in the background and print its ID' },
    rm: { type: 'boolean', description: 'Remove the container when it exits' },
    env: {
      type: 'string',
      short: 'e',
      multiple: true,
      description: "Set an environment variable (KEY alone takes it from the project's environment)",
      value: 'KEY=VAL',
    },
    volume: {
      type: 'string',
      short: 'v',
      multiple: true,
      description: "Bind mount or volume, short syntax (added to the service's volumes)",
      value: 'SRC:DST[:OPTS]',
    },
    publish: {
      type: 'string',
      short: 'p',
      multiple: true,
      description: "Publish a container port (the service's own ports are not published)",
      value: '[IP:][HOST:]PORT',
    },
    'service-ports': { type: 'boolean', description: "Publish the service's ports" },
    name: { type: 'string', description: 'Name of the container', value: 'NAME' },
    entrypoint: { type: 'string', description: 'Override the entrypoint of the image', value: 'CMD' },
    user: { type: 'string', short: 'u', description: 'Run as this user', value: 'USER' },
    workdir: { type: 'string', short: 'w', description: 'Working directory inside the container', value: 'DIR' },
    'no-TTY': {
      type: 'boolean',
      short: 'T',
      description: 'Do not allocate a TTY (default: allocate one when stdin is a terminal)',
    },
    label: { type: 'string', short: 'l', multiple: true, description: 'Add or override a label', value: 'KEY=VAL' },
    'no-deps': { type: 'boolean', description: 'Do not start the services it depends on' },
    build: { type: 'boolean', description: 'Build images before starting the container' },
    pull: { type: 'string', description: 'Pull the image before running: always, missing, never', value: 'POLICY' },
    'use-aliases': { type: 'boolean', description: "Use the service's network aliases for the container" },
    interactive: {
      type: 'boolean',
      short: 'i',
      description: 'Keep stdin open (the default; accepted for compatibility)',
    },
  },
  async run(ctx, opts, positionals) {
    const [service, ...command] = positionals;
    if (!service) ctx.usage('run needs a SERVICE');
    if (opts.pull && !['always', 'missing', 'never'].includes(opts.pull))
      ctx.usage(`--pull must be always, missing or never, got "${opts.pull}"`);
    const connecting = ctx.connect();
    const loaded = withServiceEnabled(await ctx.load(), service);
    ctx.service(loaded.project, service);
    const engine = await connecting;
    const renderer = ctx.renderer();
    const result = await run(loaded, {
      engine,
      service,
      command,
      entrypoint: opts.entrypoint === undefined ? undefined : splitShellWords(opts.entrypoint),
      env: envArgs(opts.env, (key) => loaded.environment[key]),
      volumes: opts.volume,
      publish: opts.publish,
      servicePorts: opts['service-ports'],
      name: opts.name,
      user: opts.user,
      workdir: opts.workdir,
      labels: labels(ctx, opts.label),
      tty: opts['no-TTY'] ? false : undefined,
      detach: opts.detach,
      rm: opts.rm,
      noDeps: opts['no-deps'],
      build: opts.build ? true : undefined,
      pull: opts.pull as 'always' | 'missing' | 'never' | undefined,
      useAliases: opts['use-aliases'],
      forwardSignals: true,
      onEvent: renderer.listener,
      onPrepared: () => renderer.finish(),
    });
    if (opts.detach) {
      ctx.stdout.write(`${result.containerId}\n`);
      return 0;
    }
    return result.exitCode ?? 0;
  },
});

function labels(ctx: CliContext, values: string[] | undefined): Record<string, string> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq);
    if (!key) ctx.usage(`--label expects KEY=VALUE, got "${value}"`);
    Object.defineProperty(out, key, {
      value: eq < 0 ? '' : value.slice(eq + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
