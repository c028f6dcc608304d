// `berth up`: converge the project; attached (the default) streams logs until Ctrl-C.
import { dryRunLines } from '../progress/dry-run.js';
import { up } from '../api/up.js';
import { stop } from '../api/lifecycle.js';
import type { Engine } from '../engine/connect.js';
import { attachToProject } from './attach.js';
import { defineCommand, intOption, type CliContext } from './command.js';
import { MAX_REPLICAS } from '../model/limits.js';

export default defineCommand({
  name: 'up',
  summary: 'Create and start containers',
  args: '[SERVICE...]',
  options: {
    detach: { type: 'boolean', short: 'd', description: 'Run containers in the background' },
    wait: { type: 'boolean', description: 'Wait for services to be running|healthy; implies --detach' },
    'wait-timeout': { type: 'string', description: 'Maximum seconds to wait with --wait', value: 'SECONDS' },
    'force-recreate': {
      type: 'boolean',
      description: 'Recreate containers even if their configuration has not changed',
    },
    'no-recreate': { type: 'boolean', description: 'Never recreate existing containers' },
    'no-deps': { type: 'boolean', description: 'Do not start linked services' },
    from: {
      type: 'string',
      description: 'Re-run this stage and everything downstream of it; upstream stages are left alone',
      value: 'SERVICE',
    },
    'no-start': { type: 'boolean', description: 'Create the containers without starting them' },
    'remove-orphans': {
      type: 'boolean',
      description: 'Remove containers for services not defined in the compose file',
    },
    scale: {
      type: 'string',
      multiple: true,
      description: 'Scale SERVICE to NUM instances (overrides scale in the file)',
      value: 'SERVICE=NUM',
    },
    'abort-on-container-exit': {
      type: 'boolean',
      description: 'Stop all containers if any container stops; implies attached mode',
    },
    'exit-code-from': {
      type: 'string',
      description: "Return the exit code of the selected service's container; implies --abort-on-container-exit",
      value: 'SERVICE',
    },
    pull: { type: 'string', description: 'Pull images before running: always, missing, never', value: 'POLICY' },
    build: { type: 'boolean', description: 'Build images before starting containers' },
    'no-build': { type: 'boolean', description: 'Do not build an image, even if it is missing' },
    timeout: {
      type: 'string',
      short: 't',
      description: 'Seconds to wait for containers to stop when replacing or stopping them',
      value: 'SECONDS',
    },
    'renew-anon-volumes': {
      type: 'boolean',
      short: 'V',
      description: 'Recreate anonymous volumes instead of reusing data from the previous containers',
    },
    'quiet-pull': { type: 'boolean', description: 'Pull without printing progress' },
    'no-color': { type: 'boolean', description: 'Produce monochrome log output' },
    'no-log-prefix': { type: 'boolean', description: 'Do not print the service prefix in logs' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
    watch: {
      type: 'boolean',
      short: 'w',
      description:
        'Watch the files of services with develop.watch rules and sync, restart or rebuild them on change; implies attached mode',
    },
  },
  async run(ctx, opts, services) {
    if (opts['force-recreate'] && opts['no-recreate'])
      ctx.usage('--force-recreate and --no-recreate cannot be combined');
    if (opts.pull && !['always', 'missing', 'never'].includes(opts.pull))
      ctx.usage(`--pull must be always, missing or never, got "${opts.pull}"`);
    const exitCodeFrom = opts['exit-code-from'];
    const abortOnExit = opts['abort-on-container-exit'] || exitCodeFrom !== undefined;
    if ((opts.detach || opts.wait) && abortOnExit)
      ctx.usage('--abort-on-container-exit and --exit-code-from need attached mode: drop --detach/--wait');
    if (opts.watch && (opts.detach || opts.wait || opts['no-start']))
      ctx.usage('--watch needs attached mode: drop --detach/--wait/--no-start');
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    if (exitCodeFrom) ctx.service(loaded.project, exitCodeFrom);
    if (opts.from) ctx.service(loaded.project, opts.from);
    if (opts.watch) (await import('../api/watch.js')).watchedServices(loaded, services);
    const engine = await connecting;
    const renderer = ctx.renderer();
    const onEvent = (e: Parameters<typeof renderer.listener>[0]) => {
      if (opts['quiet-pull'] && e.type === 'output') return;
      renderer.listener(e);
    };
    const timeout = intOption(opts.timeout, 'timeout');
    // Attached output starts where this run starts, not with the containers' whole history.
    const since = Math.floor(Date.now() / 1000);
    const result = await up(loaded, {
      engine,
      onEvent,
      signal: ctx.signal,
      services,
      noDeps: opts['no-deps'],
      from: opts.from,
      forceRecreate: opts['force-recreate'],
      noRecreate: opts['no-recreate'],
      noStart: opts['no-start'],
      removeOrphans: opts['remove-orphans'],
      scale: parseScale(ctx, opts.scale),
      pull: opts.pull as 'always' | 'missing' | 'never' | undefined,
      build: opts.build ? true : opts['no-build'] ? false : undefined,
      timeout,
      renewAnonVolumes: opts['renew-anon-volumes'],
      wait: opts.wait,
      waitTimeout: intOption(opts['wait-timeout'], 'wait-timeout'),
      dryRun: opts['dry-run'] || ctx.globals.dryRun,
    });
    await renderer.finish();
    if (opts['dry-run'] || ctx.globals.dryRun) {
      const lines = [...dryRunLines(result.images), ...dryRunLines(result.plan)];
      ctx.stdout.write(ctx.redactor().text(`${lines.join('\n') || 'nothing to do'}\n`));
      return 0;
    }
    if (opts.detach || opts.wait || opts['no-start']) return 0;
    return attached(ctx, loaded, engine, {
      since,
      services,
      abortOnExit,
      exitCodeFrom,
      timeout,
      noColor: opts['no-color'],
      noPrefix: opts['no-log-prefix'],
      watch: opts.watch,
    });
  },
});

function parseScale(ctx: CliContext, values: string[] | undefined): Record<string, number> | undefined {
  if (!values?.length) return undefined;
  return Object.fromEntries(
    values.map((v) => {
      const m = /^([^=]+)=(\d+)$/.exec(v);
      if (!m) ctx.usage(`--scale expects SERVICE=NUM, got "${v}"`);
      if (Number(m[2]) > MAX_REPLICAS)
        ctx.usage(`--scale ${m[1]}=${m[2]}: at most ${MAX_REPLICAS} replicas of a service`);
      return [m[1], Number(m[2])];
    }),
  );
}

async function attached(
  ctx: CliContext,
  loaded: Awaited<ReturnType<CliContext['load']>>,
  engine: Engine,
  opts: {
    since: number;
    services: string[];
    abortOnExit: boolean;
    exitCodeFrom?: string;
    timeout?: number;
    noColor?: boolean;
    noPrefix?: boolean;
    watch?: boolean;
  },
): Promise<number> {
  const attachOptions = {
    since: opts.since,
    services: opts.services,
    color: !opts.noColor && process.stdout.isTTY === true,
    prefix: !opts.noPrefix,
  };
  const session = await attachToProject(engine, loaded, ctx.stdout, attachOptions);
  const watching = opts.watch ? await startWatch(ctx, loaded, engine, opts.services, attachOptions) : undefined;
  const interrupted = new Promise<'interrupt'>((resolve) => {
    process.once('SIGINT', () => resolve('interrupt'));
    process.once('SIGTERM', () => resolve('interrupt'));
  });
  const firstExit = opts.abortOnExit ? session.firstExit : new Promise<never>(() => {});
  // While watching, containers restart and get replaced: only Ctrl-C (or an abort) ends the session.
  const allExited = watching ? new Promise<never>(() => {}) : session.allExited.then(() => 'all-exited' as const);
  const outcome = await Promise.race([interrupted, firstExit, allExited]);
  await watching?.stop();
  if (outcome === 'interrupt' || typeof outcome === 'object') {
    ctx.stderr.write(
      outcome === 'interrupt'
        ? 'Gracefully stopping... (press Ctrl+C again to force)\n'
        : `${outcome.name} exited with code ${outcome.exitCode}; aborting\n`,
    );
    process.once('SIGINT', () => process.exit(130));
    const renderer = ctx.renderer();
    await stop(loaded, { engine, timeout: opts.timeout, onEvent: renderer.listener });
    await renderer.finish();
  }
  session.close();
  watching?.close();
  if (opts.exitCodeFrom) return session.exitCodeOf(opts.exitCodeFrom);
  if (typeof outcome === 'object') return outcome.exitCode;
  return outcome === 'interrupt' ? 130 : 0;
}

/** `up --watch`: watch alongside the attached output, following the output of restarted and recreated containers again. */
async function startWatch(
  ctx: CliContext,
  loaded: Awaited<ReturnType<CliContext['load']>>,
  engine: Engine,
  services: string[],
  attachOptions: Parameters<typeof attachToProject>[3],
): Promise<{ stop(): Promise<void>; close(): void }> {
  const [{ watch }, { watchOutput }] = await Promise.all([import('../api/watch.js'), import('./watch.js')]);
  const aborter = new AbortController();
  const followers: Awaited<ReturnType<typeof attachToProject>>[] = [];
  const output = watchOutput(ctx, (e) => {
    if (e.type !== 'restarted') return;
    void attachToProject(engine, loaded, ctx.stdout, { ...attachOptions, since: e.since, services: [e.service] }).then(
      (f) => followers.push(f),
      () => undefined,
    );
  });
  const done = watch(loaded, { engine, services, noUp: true, signal: aborter.signal, ...output }).catch(
    (err: Error) => {
      ctx.stderr.write(`warning: watch stopped: ${err.message}\n`);
    },
  );
  return {
    stop: async () => {
      aborter.abort();
      await done;
    },
    close: () => followers.forEach((f) => f.close()),
  };
}
