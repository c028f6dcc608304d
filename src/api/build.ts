// `build`: the images of services that have a build section, independent builds in parallel,
// and each distinct build run once even when several services share it.
import { connectEngine } from '../engine/connect.js';
import type { LoadedProject } from '../model/types.js';
import { checkBuilds } from '../engine/build.js';
import { groupBuilds } from '../reconcile/build-groups.js';
import { addBuilds, type Plan, type Step } from '../reconcile/plan.js';
import { PlanGraph } from '../reconcile/plan-graph.js';
import { ContainerEvents } from '../engine/wait.js';
import { actionContext } from './context.js';
import { runPlan } from './run-plan.js';
import type { EngineOptions } from './up.js';

export interface BuildOptions extends EngineOptions {
  services?: string[];
  /** Always try to pull a newer version of the base image. */
  pull?: boolean;
  noCache?: boolean;
}

export function planBuild(loaded: LoadedProject, services?: string[]): Plan {
  const project = loaded.project;
  const b = new PlanGraph<Step>();
  const wanted = Object.keys(project.services).filter(
    (name) => project.services[name].build && (!services?.length || services.includes(name)),
  );
  addBuilds(b, groupBuilds(project, wanted), () => 'build');
  return b.plan();
}

export async function build(loaded: LoadedProject, options: BuildOptions = {}): Promise<Plan> {
  const engine = options.engine ?? (await connectEngine());
  const plan = planBuild(loaded, options.services);
  await checkBuilds(engine, loaded, plan);
  await runPlan(
    plan,
    actionContext(engine, loaded, new ContainerEvents(engine, loaded.project.name), {
      ...options,
      buildOptions: { pull: options.pull, noCache: options.noCache },
    }),
    options.onEvent,
    options.signal,
  );
  return plan;
}
