// `build`: the images of services that have a build section, independent builds in parallel
// and each image built once even when several services share it.
import { connectEngine } from '../engine/connect.js';
import type { LoadedProject } from '../model/types.js';
import { imageRef } from '../model/naming.js';
import type { Plan, PlanNode } from '../reconcile/plan.js';
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
  const seen = new Set<string>();
  const nodes: PlanNode[] = [];
  for (const [name, service] of Object.entries(project.services)) {
    if (!service.build || (services?.length && !services.includes(name))) continue;
    const image = imageRef(project.name, service);
    if (seen.has(image)) continue;
    seen.add(image);
    nodes.push({
      id: `image:${name}`,
      step: { kind: 'build-image', service: name, image },
      reason: 'build',
      after: [],
    });
  }
  return { nodes, warnings: [] };
}

export async function build(loaded: LoadedProject, options: BuildOptions = {}): Promise<Plan> {
  const engine = options.engine ?? (await connectEngine());
  const plan = planBuild(loaded, options.services);
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
