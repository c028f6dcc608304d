// `down`: stop and remove the project's containers and networks; volumes and images only when asked.
import { BerthError } from '../errors.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import { PRE_STOP_FAILED } from '../engine/hooks.js';
import { lockProject } from '../engine/lock.js';
import { observe } from '../engine/observe.js';
import { projectFilter } from '../model/labels.js';
import type { LoadedProject, Project } from '../model/types.js';
import { ServiceGraph } from '../graph/graph.js';
import { namedVolumes, planDown, selectServices, type DownPlanOptions, type Plan } from '../reconcile/plan.js';
import { ContainerEvents } from '../engine/wait.js';
import { actionContext } from './context.js';
import type { EngineOptions } from './engine-options.js';
import { runPlan } from './run-plan.js';

export interface DownOptions extends DownPlanOptions, EngineOptions {
  /** Seconds to wait for each container to stop. */
  timeout?: number;
  dryRun?: boolean;
  /**
   * With `volumes`: told every volume the run removes (named and anonymous) before anything is
   * stopped; answering false cancels the run with nothing changed. A dry run ignores the answer.
   */
  onVolumes?: (volumes: VolumeRemoval[]) => boolean | Promise<boolean>;
}

/** A volume `down -v` removes, with the services whose containers used it. */
export interface VolumeRemoval {
  name: string;
  anonymous: boolean;
  services: string[];
}

export async function down(loaded: LoadedProject, options: DownOptions = {}): Promise<Plan> {
  // Containers of services left out by profiles still belong to the project.
  const project = { ...loaded.project, services: { ...loaded.disabledServices, ...loaded.project.services } };
  // An unknown service name fails before the engine is touched.
  selectServices(project, new ServiceGraph(project), options.services, true);
  const engine = options.engine ?? (await connectEngine());
  if (options.dryRun) {
    const plan = planDown(project, await observe(engine, project), options);
    if (options.onVolumes) await options.onVolumes(await volumeRemovals(engine, project, plan));
    return plan;
  }
  // Taken before anything is observed, so that one observation serves.
  const release = await lockProject(engine, project.name, options);
  const events = new ContainerEvents(engine, project.name);
  try {
    const plan = planDown(project, await observe(engine, project), options);
    const volumes = options.onVolumes ? await volumeRemovals(engine, project, plan) : [];
    if (volumes.length && !(await options.onVolumes!(volumes)))
      throw new BerthError('interrupted', 'down cancelled: nothing was stopped or removed');
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

/** The volumes `plan` removes: its named volumes, and the anonymous volumes of the containers it removes with theirs. */
async function volumeRemovals(engine: Engine, project: Project, plan: Plan): Promise<VolumeRemoval[]> {
  const services = Object.values(project.services);
  const out: VolumeRemoval[] = plan.nodes.flatMap(({ step }) =>
    step.kind === 'remove-volume'
      ? [
          {
            name: step.name,
            anonymous: false,
            services: services.filter((s) => namedVolumes(s).includes(step.key)).map((s) => s.name),
          },
        ]
      : [],
  );
  const withVolumes = new Map(
    plan.nodes.flatMap((n) =>
      n.step.kind === 'remove-container' && n.step.volumes ? [[n.step.container.id, n.step.service] as const] : [],
    ),
  );
  if (!withVolumes.size) return out;
  const declared = new Set(Object.values(project.volumes).map((v) => v.name));
  const anonymous = new Map<string, Set<string>>();
  const containers = await engine.listContainers({ all: true, filters: projectFilter(project.name) });
  for (const c of containers.filter((c) => withVolumes.has(c.Id))) {
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name || declared.has(m.Name)) continue;
      anonymous.set(m.Name, (anonymous.get(m.Name) ?? new Set()).add(withVolumes.get(c.Id)!));
    }
  }
  return [...out, ...[...anonymous].map(([name, used]) => ({ name, anonymous: true, services: [...used] }))];
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
