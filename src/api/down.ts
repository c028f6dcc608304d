// `down`: stop and remove the project's containers and networks; volumes and images only when asked.
import { connectEngine } from '../engine/connect.js';
import { observe } from '../engine/observe.js';
import type { LoadedProject } from '../model/types.js';
import { ServiceGraph } from '../graph/graph.js';
import { planDown, selectServices, type DownPlanOptions, type Plan } from '../reconcile/plan.js';
import { ContainerEvents } from '../reconcile/wait.js';
import { actionContext } from './context.js';
import { runPlan } from './run-plan.js';
import { lockProject, type EngineOptions } from './up.js';

export interface DownOptions extends DownPlanOptions, EngineOptions {
  /** Seconds to wait for each container to stop. */
  timeout?: number;
  dryRun?: boolean;
}

export async function down(loaded: LoadedProject, options: DownOptions = {}): Promise<Plan> {
  // Containers of services left out by profiles still belong to the project.
  const project = { ...loaded.project, services: { ...loaded.disabledServices, ...loaded.project.services } };
  // An unknown service name fails before the engine is touched.
  selectServices(project, new ServiceGraph(project), options.services, true);
  const engine = options.engine ?? (await connectEngine());
  const before = await observe(engine, project.name);
  if (options.dryRun) return planDown(project, before, options);
  const image = before.containers[0]?.imageId;
  const release = image ? await lockProject(engine, project.name, image, options) : undefined;
  const events = new ContainerEvents(engine, project.name);
  try {
    const plan = planDown(project, release ? await observe(engine, project.name) : before, options);
    await runPlan(plan, actionContext(engine, loaded, events, options), options.onEvent, options.signal);
    return plan;
  } finally {
    events.close();
    await release?.();
  }
}
