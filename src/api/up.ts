// `up`: make the engine match the project. Images first (so the plan sees their IDs), then
// one observe -> plan -> execute pass, then, with `wait`, until every service is ready.
import { BerthError, ServiceError } from '../errors.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import { checkBuilds } from '../engine/build.js';
import { lockProject } from '../engine/lock.js';
import { observe } from '../engine/observe.js';
import { precheck } from '../engine/precheck.js';
import { ServiceGraph } from '../graph/graph.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { isReported, type ProgressListener } from '../progress/events.js';
import { imageRef, replicaCount } from '../model/naming.js';
import { planImages, planUp, selectServices, type Plan, type PlanNode, type UpPlanOptions } from '../reconcile/plan.js';
import { isJob } from '../reconcile/jobs.js';
import { probeGpus } from '../engine/gpu-probe.js';
import {
  checkAllPresent,
  ContainerEvents,
  completedSuccessfully,
  isRunningOrHealthy,
  withLastLogs,
} from '../engine/wait.js';
import { actionContext } from './context.js';
import { waitProgress } from './wait-progress.js';
import type { EngineOptions } from './engine-options.js';
import { runPlan } from './run-plan.js';

export type { EngineOptions } from './engine-options.js';

export interface UpOptions extends UpPlanOptions, EngineOptions {
  /** Print nothing and change nothing: return the plans. */
  dryRun?: boolean;
  /** Wait until services are running, and healthy where they have a healthcheck. */
  wait?: boolean;
  /** Seconds; with `wait`. */
  waitTimeout?: number;
  pull?: 'always' | 'missing' | 'never';
  /** Build images before starting (true), or never build (false). */
  build?: boolean;
  /** Seconds to wait for a container to stop when replacing it. */
  timeout?: number;
  renewAnonVolumes?: boolean;
}

export interface UpResult {
  images: Plan;
  plan: Plan;
}

export async function up(loaded: LoadedProject, options: UpOptions = {}): Promise<UpResult> {
  const project = loaded.project;
  const engine = options.engine ?? (await connectEngine());
  const graph = new ServiceGraph(project);
  const selected = selectServices(project, graph, options.services, options.noDeps);
  const refs = [...new Set([...selected].map((s) => imageRef(project.name, project.services[s])))];

  // Fail fast: the first failed step ends every wait still running (a sibling stage's), so that
  // `up` reports the failure at once, not when unrelated stages finish.
  const failed = new AbortController();
  const events = new ContainerEvents(
    engine,
    project.name,
    options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal,
    { services: project.services, onWarning: (message) => options.onEvent?.({ type: 'warning', message }) },
  );
  const onEvent: ProgressListener = (event) => {
    if (event.type === 'step' && event.status === 'failed' && !failed.signal.aborted)
      failed.abort(new BerthError('interrupted', `stopped waiting: ${event.resource} failed`));
    options.onEvent?.(event);
  };
  const ctx = actionContext(engine, loaded, events, options);
  const planOptions: UpPlanOptions = {
    ...options,
    environment: loaded.environment,
    disabled: Object.keys(loaded.disabledServices),
  };
  try {
    const before = await observe(engine, project, refs);
    const images = planImages(project, before, { services: selected, pull: options.pull, build: options.build });
    if (options.build === false && images.nodes.some((n) => n.step.kind === 'build-image')) {
      const missing = images.nodes.find((n) => n.step.kind === 'build-image')!;
      throw new BerthError(
        'build',
        `${missing.id.replace(/^image:/, 'service "')}" needs its image built, and --no-build was given`,
      );
    }
    if (options.dryRun) return { images, plan: planUp(project, before, planOptions) };
    await precheck({ engine, loaded, services: selected });
    await checkBuilds(engine, loaded, images);
    await runPlan(images, ctx, options.onEvent, options.signal);
    // Only new images change what the engine holds; otherwise the first snapshot is current.
    let plan = planUp(project, images.nodes.length ? await observe(engine, project, refs) : before, planOptions);
    if (plan.nodes.some(changes)) {
      // Something will change: take the project's lock, then plan again from what the engine
      // holds now (a run that waited sees what the other run made).
      const release = await lockProject(engine, project.name, options);
      try {
        plan = planUp(project, await observe(engine, project, refs), planOptions);
        await probeGpus(engine, project, startingServices(plan));
        await runPlan(plan, ctx, onEvent, options.signal);
      } finally {
        await release();
      }
    } else {
      // Nothing changes; the run still says which jobs it kept and why.
      await runPlan(plan, ctx, onEvent, options.signal);
    }
    if (options.wait && !options.noStart)
      await waitForServices(
        engine,
        loaded,
        selected,
        graph,
        events,
        options.waitTimeout,
        options.scale,
        options.onEvent,
      );
    return { images, plan };
  } finally {
    events.close();
  }
}

/** A step that changes the engine (a kept job changes nothing). */
function changes(node: PlanNode): boolean {
  return isReported(node) && node.step.kind !== 'keep-job';
}

/** Services the plan starts a container of: their GPU requests are probed before anything runs. */
function startingServices(plan: Plan): string[] {
  const kinds = new Set(['create-container', 'recreate-container', 'start-container', 'restart-container']);
  return [
    ...new Set(plan.nodes.flatMap((n) => (kinds.has(n.step.kind) && 'service' in n.step ? [n.step.service] : []))),
  ];
}

/** `up --wait`: every selected service running (healthy when it has a healthcheck), every job completed. */
async function waitForServices(
  engine: Engine,
  loaded: LoadedProject,
  selected: Set<string>,
  graph: ServiceGraph,
  events: ContainerEvents,
  timeoutSeconds?: number,
  scale?: Record<string, number>,
  onEvent?: UpOptions['onEvent'],
): Promise<void> {
  const project = loaded.project;
  const containers = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${project.name}`, `${Label.oneoff}=False`] },
  });
  const jobs = new Set([...selected].filter((s) => isJob(project.services[s], graph)));
  const timeout = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
  for (const s of selected) checkAllPresent(s, scale?.[s] ?? replicaCount(project.services[s]), containers);
  const waited = containers.filter((c) => selected.has(c.Labels[Label.service]));
  const progress = waitProgress(project, jobs, waited, onEvent);
  await Promise.all(
    waited.map(async (c) => {
      const service = c.Labels[Label.service];
      const predicate = jobs.has(service) ? completedSuccessfully : isRunningOrHealthy;
      progress.started(c);
      try {
        await events.waitFor(c.Id, predicate, timeout);
        progress.done(c);
      } catch (err) {
        progress.failed(c, (err as Error).message);
        if (err instanceof BerthError && err.code === 'engine-unreachable') throw err;
        throw new ServiceError(
          err instanceof BerthError && err.code === 'timeout' ? 'timeout' : 'engine',
          service,
          await withLastLogs(
            engine,
            c.Id,
            `not ready: ${(err as Error).message}${jobHint((err as Error).message, jobs.has(service))}`,
          ),
          { cause: err },
        );
      }
    }),
  );
}

/** A one-shot that exited 0 and that nothing waits for is not a job unless marked: say how to mark it. */
function jobHint(message: string, job: boolean): string {
  return !job && /exited with code 0$/.test(message)
    ? ' (a one-shot service? mark it `x-berth: {job: true}` so that exiting 0 counts as done)'
    : '';
}
