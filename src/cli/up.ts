// `berth up`: converge the project; attached (the default) relays the containers' output as they
// run, until they exit, Ctrl-C, an abort condition or a failed stage.
import { dryRunLines } from '../progress/dry-run.js';
import { selectServices } from '../reconcile/plan.js';
import { up, type UpOptions } from '../api/up.js';
import { stop } from '../api/lifecycle.js';
import type { Engine } from '../engine/connect.js';
import { shortName } from '../engine/service-containers.js';
import { BerthError, ServiceError } from '../errors.js';
import { ServiceGraph } from '../graph/graph.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { Renderer } from '../progress/render.js';
import { printPipelineSummary } from './pipeline-summary.js';
import { attachToProject, type ContainerExit } from './attach.js';
import { defineCommand, intOption, type CliContext } from './command.js';
import { parseReplicaArgs } from './replicas.js';

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
    'abort-on-container-failure': {
      type: 'boolean',
      description: 'Stop all containers if any container exits with a failure; implies attached mode',
    },
    attach: {
      type: 'string',
      multiple: true,
      description: 'Show the output of this service only (repeatable)',
      value: 'SERVICE',
    },
    'no-attach': {
      type: 'string',
      multiple: true,
      description: 'Do not show the output of this service (repeatable)',
      value: 'SERVICE',
    },
    'attach-dependencies': {
      type: 'boolean',
      description: 'Also show the output of the services the named services depend on',
    },
    'all-resources': {
      type: 'boolean',
      description: 'Also create the networks and volumes no selected service uses',
    },
    yes: {
      type: 'boolean',
      short: 'y',
      description:
        'Recreate a volume whose configuration changed (its data is lost); without it berth keeps the volume',
    },
    compatibility: {
      type: 'boolean',
      description: 'Name containers as Compose v1 did, with underscores: project_service_1',
    },
  },
  async run(ctx, opts, services) {
    if (opts['force-recreate'] && opts['no-recreate'])
      ctx.usage('--force-recreate and --no-recreate cannot be combined');
    if (opts.pull && !['always', 'missing', 'never'].includes(opts.pull))
      ctx.usage(`--pull must be always, missing or never, got "${opts.pull}"`);
    const exitCodeFrom = opts['exit-code-from'];
    const abortOnExit = opts['abort-on-container-exit'] || exitCodeFrom !== undefined;
    const detached = opts.detach || opts.wait;
    if (detached && (abortOnExit || opts['abort-on-container-failure']))
      ctx.usage(
        '--abort-on-container-exit, --abort-on-container-failure and --exit-code-from need attached mode: drop --detach/--wait',
      );
    if (detached && (opts.attach?.length || opts['no-attach']?.length || opts['attach-dependencies']))
      ctx.usage('--attach, --no-attach and --attach-dependencies need attached mode: drop --detach/--wait');
    if (opts.watch && (detached || opts['no-start']))
      ctx.usage('--watch needs attached mode: drop --detach/--wait/--no-start');
    const dryRun = opts['dry-run'] || ctx.globals.dryRun;
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    for (const s of [exitCodeFrom ?? [], opts.from ?? [], opts.attach ?? [], opts['no-attach'] ?? []].flat())
      ctx.service(loaded.project, s);
    if (opts.watch) (await import('../api/watch.js')).watchedServices(loaded, services);
    const engine = await connecting;
    const renderer = ctx.renderer();
    const onEvent = (e: Parameters<typeof renderer.listener>[0]) => {
      if (opts['quiet-pull'] && e.type === 'output') return;
      renderer.listener(e);
    };
    const timeout = intOption(opts.timeout, 'timeout');
    const upOptions: UpOptions = {
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
      scale: opts.scale?.length ? parseReplicaArgs(ctx, '--scale', opts.scale) : undefined,
      pull: opts.pull as 'always' | 'missing' | 'never' | undefined,
      build: opts.build ? true : opts['no-build'] ? false : undefined,
      timeout,
      renewAnonVolumes: opts['renew-anon-volumes'],
      wait: opts.wait,
      waitTimeout: intOption(opts['wait-timeout'], 'wait-timeout'),
      allResources: opts['all-resources'],
      recreateVolumes: opts.yes,
      compatibility: opts.compatibility,
      dryRun,
    };
    if (dryRun) {
      const result = await up(loaded, upOptions);
      await renderer.finish();
      ctx.stdout.write(`${[result.images, result.plan].flatMap(dryRunLines).join('\n') || 'nothing to do'}\n`);
      return 0;
    }
    if (detached || opts['no-start']) {
      const began = Date.now();
      try {
        await up(loaded, upOptions);
      } catch (err) {
        if (!ctx.signal.aborted) await reportStillRunning(ctx, engine, loaded);
        throw err;
      } finally {
        await renderer.finish();
        if (opts.wait && !ctx.signal.aborted) await printPipelineSummary(ctx, loaded, upOptions, began);
      }
      return 0;
    }
    return attached(ctx, loaded, upOptions, renderer, {
      services,
      attach: attachedServices(loaded, services, opts),
      abortOnExit,
      abortOnFailure: opts['abort-on-container-failure'] === true,
      exitCodeFrom,
      color: !opts['no-color'] && process.stdout.isTTY === true,
      prefix: !opts['no-log-prefix'],
      watch: opts.watch,
    });
  },
});

/** Whose output attached `up` shows: as Compose, the named services (all when none), `--attach` overriding. */
function attachedServices(
  loaded: LoadedProject,
  services: string[],
  opts: { attach?: string[]; 'no-attach'?: string[]; 'attach-dependencies'?: boolean; 'no-deps'?: boolean },
): string[] {
  const project = loaded.project;
  // Also what checks the names, before anything is followed or changed.
  const selected = selectServices(project, new ServiceGraph(project), services, opts['no-deps']);
  const base = opts.attach?.length
    ? opts.attach
    : !services.length
      ? Object.keys(project.services)
      : opts['attach-dependencies']
        ? [...selected]
        : services;
  return base.filter((s) => !opts['no-attach']?.includes(s));
}

type Outcome =
  | { kind: 'all-exited' }
  | { kind: 'interrupt' }
  | { kind: 'abort'; exit: ContainerExit }
  | { kind: 'failed'; error: unknown };

/**
 * Attached `up`: output from the start, while `up` converges and after. Ends when every attached
 * container exited, at Ctrl-C (stopping what this run started), at an abort condition (stopping
 * everything), or at once when `up` fails (leaving the rest running unless told otherwise).
 */
async function attached(
  ctx: CliContext,
  loaded: LoadedProject,
  upOptions: UpOptions,
  renderer: Renderer,
  opts: {
    services: string[];
    attach: string[];
    abortOnExit: boolean;
    abortOnFailure: boolean;
    exitCodeFrom?: string;
    color: boolean;
    prefix: boolean;
    watch?: boolean;
  },
): Promise<number> {
  const engine = upOptions.engine!;
  const project = loaded.project;
  let decide: (outcome: Outcome) => void = () => {};
  const decided = new Promise<Outcome>((resolve) => (decide = resolve));
  let outcome: Outcome | undefined;
  const settle = (o: Outcome) => {
    outcome ??= o;
    decide(outcome);
  };
  // Ctrl-C is this command's own: the first stops what this run started, a second ends berth at once.
  const onSignal = () => {
    if (outcome?.kind === 'interrupt') process.exit(130);
    settle({ kind: 'interrupt' });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const converging = new AbortController();
  const ending = new AbortController();
  const exits = new ExitLog();
  try {
    const runningBefore = new Set((await runningContainers(engine, project.name)).map((c) => c.Id));
    // Attached output starts where this run starts, not with the containers' whole history.
    const since = Math.floor(Date.now() / 1000);
    let upDone: () => void = () => {};
    const holdOpen = opts.watch ? new Promise<void>(() => {}) : new Promise<void>((resolve) => (upDone = resolve));
    let following: () => void = () => {};
    const ready = new Promise<void>((resolve) => (following = resolve));
    const session = attachToProject(engine, loaded, ctx, {
      services: opts.attach,
      since,
      color: opts.color,
      prefix: opts.prefix,
      signal: ending.signal,
      holdOpen,
      onFollowing: () => following(),
      onExit: (exit) => {
        if (exit.restarting) return;
        exits.add(exit.name);

        if (opts.abortOnExit || (opts.abortOnFailure && exit.exitCode !== 0)) settle({ kind: 'abort', exit });
      },
    });
    session.then(
      () => settle({ kind: 'all-exited' }),
      (error: unknown) => settle({ kind: 'failed', error }),
    );
    await Promise.race([ready, decided]);
    const converged = outcome
      ? Promise.resolve()
      : up(loaded, { ...upOptions, signal: AbortSignal.any([upOptions.signal!, converging.signal]) }).then(
          () => upDone(),
          (error: unknown) => settle({ kind: 'failed', error }),
        );
    const watching = opts.watch ? converged.then(() => startWatch(ctx, loaded, engine, opts.services)) : undefined;
    const result = await decided;
    // Stop converging at once: waits end, engine calls in flight finish.
    converging.abort(new BerthError('interrupted', 'stopped: attached up is ending'));
    await converged;
    await renderer.finish();
    await (await watching)?.stop();
    if (result.kind === 'interrupt' || result.kind === 'abort') {
      ctx.stderr.write(
        result.kind === 'interrupt'
          ? 'Gracefully stopping... (press Ctrl+C again to force)\n'
          : `Aborting on container exit (${result.exit.name} exited with code ${result.exit.exitCode})...\n`,
      );
      const stopping = ctx.renderer();
      const stopped = await stop(loaded, {
        engine,
        timeout: upOptions.timeout,
        onEvent: stopping.listener,
        services:
          result.kind === 'interrupt' ? await startedByThisRun(engine, loaded, opts.services, runningBefore) : [],
      });
      await stopping.finish();
      await exits.awaitAll(
        stopped.nodes.flatMap((n) =>
          n.step.kind === 'stop-container' && opts.attach.includes(n.step.service)
            ? [shortName(project.name, n.step.container.name)]
            : [],
        ),
      );
    }
    ending.abort();
    await session.catch(() => undefined);
    // After Ctrl-C every stage reads as stopped: the summary would only say so.
    if (result.kind !== 'interrupt') await printPipelineSummary(ctx, loaded, upOptions, since * 1000);
    if (result.kind === 'failed') {
      if (opts.abortOnFailure) {
        await stop(loaded, { engine, timeout: upOptions.timeout });
      } else await reportStillRunning(ctx, engine, loaded);
      // As when the stage's container exit ends the run: its own exit code.
      if (!(opts.exitCodeFrom || opts.abortOnFailure) || !(result.error instanceof ServiceError)) throw result.error;
      ctx.stderr.write(`error: ${result.error.message}\n`);
      const stage = (await exitCodeOf(engine, project.name, result.error.service)) ?? 1;
      return opts.exitCodeFrom ? ((await exitCodeOf(engine, project.name, opts.exitCodeFrom)) ?? stage) : stage;
    }
    const own = result.kind === 'abort' ? result.exit.exitCode : result.kind === 'interrupt' ? 130 : 0;
    // A service that never ran to its end has no code of its own: the run's outcome stands in.
    return opts.exitCodeFrom ? ((await exitCodeOf(engine, project.name, opts.exitCodeFrom)) ?? own) : own;
  } finally {
    ending.abort();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Containers whose exit line was printed, to print those of the containers `up` stops before it returns. */
class ExitLog {
  private readonly names = new Set<string>();
  private wake: () => void = () => {};

  add(name: string): void {
    this.names.add(name);
    this.wake();
  }

  /** Until each of `names` exited, for at most EXIT_LINES_MS (the engine reports a death as an event, just after it). */
  async awaitAll(names: string[]): Promise<void> {
    const deadline = Date.now() + EXIT_LINES_MS;
    while (names.some((n) => !this.names.has(n)) && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, deadline - Date.now());
      });
      clearTimeout(timer);
    }
  }
}

const EXIT_LINES_MS = 2_000;

function runningContainers(engine: Engine, project: string) {
  return engine.listContainers({
    filters: { label: [`${Label.project}=${project}`, `${Label.oneoff}=False`], status: ['running'] },
  });
}

/**
 * What Ctrl-C stops, as Compose v2: every service when none was named; otherwise the named ones
 * and those of their dependencies this run started, not the dependencies that were running already.
 */
async function startedByThisRun(
  engine: Engine,
  loaded: LoadedProject,
  named: string[],
  runningBefore: Set<string>,
): Promise<string[]> {
  if (!named.length) return [];
  const now = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${loaded.project.name}`, `${Label.oneoff}=False`] },
  });
  const started = now.filter((c) => !runningBefore.has(c.Id)).map((c) => c.Labels[Label.service]);
  return [...new Set([...named, ...started])];
}

/** After a failed `up`: which containers are still running, left so on purpose. */
async function reportStillRunning(ctx: CliContext, engine: Engine, loaded: LoadedProject): Promise<void> {
  const running = await runningContainers(engine, loaded.project.name).catch(() => []);
  if (!running.length) return;
  const names = running.map((c) => shortName(loaded.project.name, (c.Names[0] ?? '').replace(/^\//, ''))).sort();
  ctx.stderr.write(`still running (left as they are; 'berth stop' stops them): ${names.join(', ')}\n`);
}

/** The exit code of a service's container (the first one that exited); undefined if none ever ran to its end. */
async function exitCodeOf(engine: Engine, project: string, service: string): Promise<number | undefined> {
  const list = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${project}`, `${Label.service}=${service}`, `${Label.oneoff}=False`] },
  });
  for (const c of list) {
    const info = await engine.getContainer(c.Id).inspect();
    if (!info.State.Running && info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001'))
      return info.State.ExitCode;
  }
  return undefined;
}

/** `up --watch`: sync, restart or rebuild on change, beside the attached output (which follows restarted containers itself). */
async function startWatch(
  ctx: CliContext,
  loaded: LoadedProject,
  engine: Engine,
  services: string[],
): Promise<{ stop(): Promise<void> }> {
  const [{ watch }, { watchOutput }] = await Promise.all([import('../api/watch.js'), import('./watch.js')]);
  const aborter = new AbortController();
  const done = watch(loaded, { engine, services, noUp: true, signal: aborter.signal, ...watchOutput(ctx) }).catch(
    (err: Error) => {
      ctx.stderr.write(`warning: watch stopped: ${err.message}\n`);
    },
  );
  return {
    stop: async () => {
      aborter.abort();
      await done;
    },
  };
}
