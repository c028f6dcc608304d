// `down`: stop and remove the project's containers and networks; volumes and images only when asked.
import { connectEngine, type Engine } from '../engine/connect.js';
import type { Release } from '../engine/lock.js';
import { observe } from '../engine/observe.js';
import type { LoadedProject, Project } from '../model/types.js';
import { ServiceGraph } from '../graph/graph.js';
import { imageRef } from '../reconcile/naming.js';
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
  if (options.dryRun) return planDown(project, await observe(engine, project), options);
  const release = await lockForDown(engine, project, options);
  const events = new ContainerEvents(engine, project.name);
  try {
    const plan = planDown(project, await observe(engine, project), options);
    await runPlan(plan, actionContext(engine, loaded, events, options), options.onEvent, options.signal);
    return plan;
  } finally {
    events.close();
    await release?.();
  }
}

/**
 * The project's lock, taken before anything is observed so that one observation serves. The
 * lock container needs an image on the engine: one the project names, else the image of one
 * of its containers. With neither there is nothing to take down but networks and volumes.
 */
async function lockForDown(engine: Engine, project: Project, options: DownOptions): Promise<Release | undefined> {
  const named = Object.values(project.services)[0];
  if (named) {
    try {
      return await lockProject(engine, project.name, imageRef(project.name, named), options);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
  const image = (await observe(engine, project)).containers[0]?.imageId;
  return image ? lockProject(engine, project.name, image, options) : undefined;
}
