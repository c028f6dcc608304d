// `create`, `start`, `stop`, `restart`, `rm`: one command each, over the library's plans.
import { up } from '../api/up.js';
import { restart, rm, start, stop, type LifecycleOptions } from '../api/lifecycle.js';
import type { LoadedProject } from '../model/types.js';
import type { Plan } from '../reconcile/plan.js';
import { defineCommand, intOption, type CliContext, type OptionSpec } from './command.js';
import { printPlans } from './dry-run-output.js';
import { loadExisting } from './existing-project.js';

const timeoutOption = {
  timeout: {
    type: 'string',
    short: 't',
    description: 'Seconds to wait for containers to stop before killing them',
    value: 'SECONDS',
  },
} satisfies Record<string, OptionSpec>;

/**
 * Loads the project (from the engine's labels when no compose file is there, except to
 * create), checks the service names, and runs `action` with progress; under --dry-run it
 * prints the plans instead of applying them.
 */
async function withProgress(
  ctx: CliContext,
  services: string[],
  action: (loaded: LoadedProject, options: LifecycleOptions & { services: string[] }) => Promise<Plan | Plan[]>,
  load: (ctx: CliContext) => Promise<LoadedProject> = loadExisting,
): Promise<number> {
  const loaded = await load(ctx);
  for (const s of services) ctx.service(loaded.project, s);
  const dryRun = ctx.globals.dryRun;
  const renderer = ctx.renderer();
  let plans: Plan | Plan[];
  try {
    plans = await action(loaded, { services, onEvent: renderer.listener, dryRun });
  } finally {
    await renderer.finish();
  }
  if (dryRun) printPlans(ctx, [plans].flat());
  return 0;
}

export const create = defineCommand({
  name: 'create',
  summary: 'Create containers for services without starting them',
  args: '[SERVICE...]',
  options: {
    'force-recreate': {
      type: 'boolean',
      description: 'Recreate containers even if their configuration has not changed',
    },
    'no-recreate': { type: 'boolean', description: 'Never recreate existing containers' },
    'remove-orphans': {
      type: 'boolean',
      description: 'Remove containers for services not defined in the compose file',
    },
    build: { type: 'boolean', description: 'Build images before creating containers' },
    pull: { type: 'string', description: 'Pull images before creating: always, missing, never', value: 'POLICY' },
  },
  run: (ctx, opts, services) =>
    withProgress(
      ctx,
      services,
      async (loaded, o) => {
        const { images, plan } = await up(loaded, {
          ...o,
          noStart: true,
          forceRecreate: opts['force-recreate'],
          noRecreate: opts['no-recreate'],
          removeOrphans: opts['remove-orphans'],
          build: opts.build,
          pull: opts.pull as 'always' | 'missing' | 'never' | undefined,
        });
        return [images, plan];
      },
      (c) => c.load(),
    ),
});

export const startCommand = defineCommand({
  name: 'start',
  summary: 'Start existing containers',
  args: '[SERVICE...]',
  options: {},
  run: (ctx, _opts, services) => withProgress(ctx, services, (loaded, o) => start(loaded, o)),
});

export const stopCommand = defineCommand({
  name: 'stop',
  summary: 'Stop running containers without removing them',
  args: '[SERVICE...]',
  options: timeoutOption,
  run: (ctx, opts, services) =>
    withProgress(ctx, services, (loaded, o) => stop(loaded, { ...o, timeout: intOption(opts.timeout, 'timeout') })),
});

export const restartCommand = defineCommand({
  name: 'restart',
  summary: 'Restart service containers',
  args: '[SERVICE...]',
  options: {
    ...timeoutOption,
    'no-deps': { type: 'boolean', description: 'Do not restart the services that depend on them with restart: true' },
  },
  run: (ctx, opts, services) =>
    withProgress(ctx, services, (loaded, o) =>
      restart(loaded, { ...o, timeout: intOption(opts.timeout, 'timeout'), noDeps: opts['no-deps'] }),
    ),
});

export const rmCommand = defineCommand({
  name: 'rm',
  summary: 'Remove stopped service containers',
  args: '[SERVICE...]',
  options: {
    force: { type: 'boolean', short: 'f', description: 'Do not ask to confirm removal (berth never asks)' },
    stop: { type: 'boolean', short: 's', description: 'Stop the containers first, if needed' },
    volumes: { type: 'boolean', short: 'v', description: 'Remove anonymous volumes attached to the containers' },
  },
  run: (ctx, opts, services) =>
    withProgress(ctx, services, (loaded, o) => rm(loaded, { ...o, stop: opts.stop, volumes: opts.volumes })),
});
