// `start`, `stop`, `restart`, `rm`: plans over the containers that already exist.
import { connectEngine } from '../engine/connect.js';
import { observe } from '../engine/observe.js';
import type { LoadedProject } from '../model/types.js';
import { planRemove, planRestart, planStop, planUp, type Plan } from '../reconcile/plan.js';
import { ContainerEvents } from '../engine/wait.js';
import { actionContext } from './context.js';
import { runPlan } from './run-plan.js';
import type { EngineOptions } from './up.js';

export interface LifecycleOptions extends EngineOptions {
  services?: string[];
  /** Seconds to wait for a container to stop. */
  timeout?: number;
  /** Plan only: return the plan and change nothing. */
  dryRun?: boolean;
}

type Planner = (loaded: LoadedProject, observed: Awaited<ReturnType<typeof observe>>) => Plan;

async function apply(loaded: LoadedProject, options: LifecycleOptions, planner: Planner): Promise<Plan> {
  const engine = options.engine ?? (await connectEngine());
  const plan = planner(loaded, await observe(engine, loaded.project));
  if (options.dryRun) return plan;
  const events = new ContainerEvents(engine, loaded.project.name);
  try {
    await runPlan(plan, actionContext(engine, loaded, events, options), options.onEvent, options.signal);
  } finally {
    events.close();
  }
  return plan;
}

/** Starts existing containers, waiting on dependency conditions as `up` does. */
export function start(loaded: LoadedProject, options: LifecycleOptions = {}): Promise<Plan> {
  return apply(loaded, options, (l, observed) =>
    planUp(l.project, observed, { services: options.services, noCreate: true }),
  );
}

export function stop(loaded: LoadedProject, options: LifecycleOptions = {}): Promise<Plan> {
  return apply(loaded, options, (l, observed) => planStop(l.project, observed, options.services));
}

export interface RestartOptions extends LifecycleOptions {
  /** Restart only the named services, not those that depend on them with `restart: true`. */
  noDeps?: boolean;
}

export function restart(loaded: LoadedProject, options: RestartOptions = {}): Promise<Plan> {
  return apply(loaded, options, (l, observed) => planRestart(l.project, observed, options.services, options.noDeps));
}

export interface RemoveOptions extends LifecycleOptions {
  /** Stop running containers first (`rm -s`). */
  stop?: boolean;
  /** Remove their anonymous volumes (`rm -v`). */
  volumes?: boolean;
}

export function rm(loaded: LoadedProject, options: RemoveOptions = {}): Promise<Plan> {
  return apply(loaded, options, (l, observed) => planRemove(l.project, observed, options));
}
