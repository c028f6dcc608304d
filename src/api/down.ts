// `down`: stop and remove the project's containers and networks; volumes and images only when asked.
import { BerthError } from '../errors.js';
import { connectEngine } from '../engine/connect.js';
import { PRE_STOP_FAILED } from '../engine/hooks.js';
import { lockProject } from '../engine/lock.js';
import { observe } from '../engine/observe.js';
import type { LoadedProject } from '../model/types.js';
import { ServiceGraph } from '../graph/graph.js';
import { planDown, selectServices, type DownPlanOptions, type Plan } from '../reconcile/plan.js';
import { ContainerEvents } from '../engine/wait.js';
import { actionContext } from './context.js';
import type { EngineOptions } from './engine-options.js';
import { runPlan } from './run-plan.js';

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
  // Taken before anything is observed, so that one observation serves.
  const release = await lockProject(engine, project.name, options);
  const events = new ContainerEvents(engine, project.name);
  try {
    const plan = planDown(project, await observe(engine, project), options);
    const results = await runPlan(
      plan,
      actionContext(engine, loaded, events, options),
      options.onEvent,
      options.signal,
    );
    failOnPreStopHooks(plan, results);
    return plan;
  } finally {
    events.close();
    await release();
  }
}

/** Once everything is down: a failed `pre_stop` hook (already shown as a warning) fails the command, as Compose's does. */
function failOnPreStopHooks(plan: Plan, results: Map<string, unknown>): void {
  const services = new Set(
    plan.nodes.flatMap((n) =>
      n.step.kind === 'stop-container' && results.get(n.id) === PRE_STOP_FAILED ? [n.step.service] : [],
    ),
  );
  if (services.size) {
    const names = [...services].map((s) => `"${s}"`).join(', ');
    throw new BerthError(
      'engine',
      `pre_stop hooks of service ${names} failed (see the warnings above); everything else was taken down`,
    );
  }
}
