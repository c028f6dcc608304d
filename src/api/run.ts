// `run`: a one-off container of a service. Its dependencies are brought up first (through `up`,
// so they converge exactly as `up` would make them, conditions included); then the networks
// and volumes the service uses and its image are ensured; then the container is created,
// started and, unless detached, attached until it exits.
import { ServiceError, BerthError } from '../errors.js';
import { attachContainer } from '../engine/attach.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import {
  isInteractiveTerminal,
  pipeSession,
  processStdio,
  useTerminal,
  type ProcessStdio,
  type SignalSource,
  type TerminalSize,
} from '../engine/exec.js';
import { observe } from '../engine/observe.js';
import { createOneOff, newSlug, oneOffName, oneOffService, parsePortArgs, parseVolumeArgs } from '../engine/oneoff.js';
import { ServiceGraph } from '../graph/graph.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { imageRef } from '../model/naming.js';
import { planImages, planUp, type Plan } from '../reconcile/plan.js';
import { completedSuccessfully, ContainerEvents, isHealthy, withLastLogs } from '../engine/wait.js';
import { actionContext } from './context.js';
import { runPlan } from './run-plan.js';
import { up, type EngineOptions } from './up.js';

export interface RunOptions extends EngineOptions {
  service: string;
  /** Replaces the service's command. */
  command?: string[];
  /** Replaces the service's entrypoint (and, without `command`, clears its command). */
  entrypoint?: string[];
  /** Set over the service's environment. */
  env?: Record<string, string>;
  /** Extra volumes in the short syntax (`./src:/app:ro`, `data:/data`); relative paths from `cwd`. */
  volumes?: string[];
  /** Ports to publish, in the short syntax (`127.0.0.1:8080:80`). */
  publish?: string[];
  /** Publish the service's own ports (a one-off container publishes none otherwise). */
  servicePorts?: boolean;
  /** Container name; default `<project>-<service>-run-<12 hex>`. */
  name?: string;
  user?: string;
  workdir?: string;
  labels?: Record<string, string>;
  /** Allocate a TTY; default when stdin and stdout are terminals. */
  tty?: boolean;
  /** Keep stdin open and forward it; default true. */
  interactive?: boolean;
  /** Start it and return its ID without waiting. */
  detach?: boolean;
  /** Remove the container when it exits. */
  rm?: boolean;
  /** Do not start the service's dependencies. */
  noDeps?: boolean;
  /** Build images first (true), or never (false). */
  build?: boolean;
  pull?: 'always' | 'missing' | 'never';
  /** Give the container the service's network aliases. */
  useAliases?: boolean;
  /** Default: this process's stdin, stdout and stderr. */
  stdio?: ProcessStdio;
  /** SIGINT and SIGTERM received while attached (without a TTY) are passed to the container. */
  forwardSignals?: boolean;
  signals?: SignalSource;
  /** Relative `volumes` sources resolve from here; default the process's directory. */
  cwd?: string;
  /** Called once dependencies, networks, volumes and the image are ready, before the container is created (a progress display can finish here). */
  onPrepared?: () => Promise<void> | void;
}

export interface RunResult {
  containerId: string;
  name: string;
  /** The container's exit code; undefined when detached. */
  exitCode?: number;
}

export async function run(target: LoadedProject, options: RunOptions): Promise<RunResult> {
  const loaded = withServiceEnabled(target, options.service);
  const project = loaded.project;
  const base = project.services[options.service];
  if (!base)
    throw new BerthError(
      'reference',
      `no such service: "${options.service}" (services: ${Object.keys(project.services).join(', ') || 'none'})`,
    );
  if (options.servicePorts && options.publish?.length)
    throw new BerthError('usage', '--service-ports and --publish are incompatible');
  const stdio = options.stdio ?? processStdio();
  const detach = options.detach ?? false;
  const tty = options.tty ?? (!detach && isInteractiveTerminal(stdio));
  const interactive = options.interactive ?? true;
  const service = oneOffService(base, {
    command: options.command,
    entrypoint: options.entrypoint,
    env: options.env,
    volumes: parseVolumeArgs(options.volumes ?? [], options.cwd ?? process.cwd()),
    ports: parsePortArgs(options.publish ?? []),
    servicePorts: options.servicePorts,
    user: options.user,
    workdir: options.workdir,
    labels: options.labels,
    tty,
    interactive,
  });
  const engine = options.engine ?? (await connectEngine());
  await prepare(engine, loaded, options);
  await options.onPrepared?.();

  const slug = newSlug();
  const name = options.name ?? oneOffName(project.name, base.name, slug);
  const attachStdin = !detach && interactive && stdio.stdin !== undefined;
  const container = await createOneOff(engine, loaded, {
    service,
    name,
    slug,
    autoRemove: options.rm,
    useAliases: options.useAliases,
    attachStdin,
  });
  const start = async () => {
    try {
      await container.start();
    } catch (err) {
      if (options.rm) await container.remove({ force: true }).catch(() => undefined);
      throw new ServiceError(
        'engine',
        base.name,
        `cannot start ${name}: ${((err as { json?: { message?: string } }).json?.message ?? (err as Error).message).trim()}`,
        { cause: err },
      );
    }
  };
  if (detach) {
    await start();
    return { containerId: container.id, name };
  }

  // As the docker CLI: attach, then ask for the exit (before start, so it cannot be missed), then start.
  const socket = await attachContainer(engine, container.id, { stdin: attachStdin });
  // The code from the exit, and with --rm the return once the container is gone, as Compose does:
  // Podman 4.3 answers a wait for "removed" with 0 whatever the code was.
  const exited = container.wait({ condition: 'next-exit' }) as Promise<{ StatusCode: number }>;
  const removed = options.rm ? (container.wait({ condition: 'removed' }) as Promise<unknown>) : undefined;
  for (const waiting of [exited, removed]) waiting?.catch(() => undefined);
  // Raw mode before any input is read: in cooked mode a Ctrl-D typed early would end the session.
  const resize = (size: TerminalSize) => container.resize(size);
  const restore = tty ? useTerminal(stdio, resize, options.signals) : () => undefined;
  const session = pipeSession(engine, socket, { tty, stdio, attachStdin });
  await start().catch((err) => {
    restore();
    (socket as unknown as { destroy(): void }).destroy();
    throw err;
  });
  // The size sent before the start found no process to resize: send it again.
  if (tty && stdio.stdout.columns && stdio.stdout.rows)
    await resize({ h: stdio.stdout.rows, w: stdio.stdout.columns }).catch(() => undefined);
  const forward = (signal: NodeJS.Signals) => () => void container.kill({ signal }).catch(() => undefined);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  if (options.forwardSignals && !tty) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  }
  try {
    await session;
    const { StatusCode } = await exited;
    await removed;
    return { containerId: container.id, name, exitCode: StatusCode };
  } finally {
    restore();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** A service left out by its profiles can still be run by name, as Compose allows; so can what it depends on. */
export function withServiceEnabled(loaded: LoadedProject, name: string): LoadedProject {
  if (loaded.project.services[name] || !loaded.disabledServices[name]) return loaded;
  const services = { ...loaded.project.services };
  const enable = (service: string) => {
    const disabled = loaded.disabledServices[service];
    if (services[service] || !disabled) return;
    services[service] = disabled;
    for (const dep of Object.keys(disabled.depends_on ?? {})) enable(dep);
  };
  enable(name);
  return { ...loaded, project: { ...loaded.project, services } };
}

/** Dependencies up (unless `noDeps`), the service's networks, volumes and image present, dependency conditions met. */
async function prepare(engine: Engine, loaded: LoadedProject, options: RunOptions): Promise<void> {
  const project = loaded.project;
  const graph = new ServiceGraph(project);
  const deps = options.noDeps ? [] : graph.dependencies(options.service);
  if (deps.length) {
    await up(loaded, {
      engine,
      services: deps,
      build: options.build,
      onEvent: options.onEvent,
      signal: options.signal,
    });
  }
  const events = new ContainerEvents(engine, project.name, undefined, {
    services: project.services,
    onWarning: (message) => options.onEvent?.({ type: 'warning', message }),
  });
  const ctx = actionContext(engine, loaded, events, { onEvent: options.onEvent });
  try {
    const observed = await observe(engine, project, [imageRef(project.name, project.services[options.service])]);
    await runPlan(
      planImages(project, observed, { services: new Set([options.service]), pull: options.pull, build: options.build }),
      ctx,
      options.onEvent,
      options.signal,
    );
    await runPlan(
      resourcesOnly(planUp(project, observed, { services: [options.service], noDeps: true, noCreate: true })),
      ctx,
      options.onEvent,
      options.signal,
    );
    for (const dep of deps) await awaitCondition(engine, loaded, events, options, dep);
  } finally {
    events.close();
  }
}

/**
 * The networks and volumes of the service's plan, without its containers: the planner decides
 * what to create (external ones must exist, unlabelled ones are reused with a warning) exactly
 * as for `up`, and the same step runner creates them.
 */
export function resourcesOnly(plan: Plan): Plan {
  const kinds = new Set(['create-network', 'recreate-network', 'create-volume']);
  return { nodes: plan.nodes.filter((n) => kinds.has(n.step.kind)), warnings: plan.warnings };
}

/** `depends_on` conditions of the run service on its direct dependencies (`up` waits only for what its own services need). */
async function awaitCondition(
  engine: Engine,
  loaded: LoadedProject,
  events: ContainerEvents,
  options: RunOptions,
  dep: string,
): Promise<void> {
  const how = new ServiceGraph(loaded.project).dependency(options.service, dep);
  if (!how || how.condition === 'service_started') return;
  const containers = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${loaded.project.name}`, `${Label.service}=${dep}`, `${Label.oneoff}=False`] },
  });
  const predicate = how.condition === 'service_healthy' ? isHealthy : completedSuccessfully;
  try {
    await Promise.all(containers.map((c) => events.waitFor(c.Id, predicate)));
  } catch (err) {
    if (err instanceof BerthError && err.code === 'engine-unreachable') throw err;
    const message = containers[0]
      ? await withLastLogs(engine, containers[0].Id, (err as Error).message)
      : (err as Error).message;
    if (!how.required) {
      options.onEvent?.({ type: 'warning', message: `optional dependency "${dep}" failed: ${message}` });
      return;
    }
    throw new ServiceError('dependency-failed', dep, `dependency failed: ${message}`, { cause: err });
  }
}
