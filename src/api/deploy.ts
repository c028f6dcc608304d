// `deploy` / `undeploy`: the project as a stack on the Swarm the engine belongs to. The same
// observe -> plan -> execute pass as `up`, with Swarm services, overlay networks, and
// content-named secrets and configs; then, with `wait`, until every service has converged.
import { connectEngine, type Engine } from '../engine/connect.js';
import { engineCapabilities } from '../engine/capabilities.js';
import type { LoadedProject } from '../model/types.js';
import { applySwarmPlan, dial } from '../swarm/apply.js';
import { desiredStack } from '../swarm/desired.js';
import { assertManager, observeStack } from '../swarm/observe.js';
import { planDeploy, planUndeploy, type SwarmPlan } from '../swarm/plan.js';
import { STACK_NAMESPACE, type NodeInfo, type ServiceInfo, type TaskInfo } from '../swarm/types.js';
import { taskName, waitForStack } from '../swarm/wait.js';
import type { EngineOptions } from './up.js';
import { engineStatus } from '../errors.js';

export interface DeployOptions extends EngineOptions {
  /** Change nothing: return the plan. */
  dryRun?: boolean;
  /** Remove the stack's services that are no longer in the compose file. */
  prune?: boolean;
  /** Wait until every service has converged (tasks running, healthy where checked; jobs completed). */
  wait?: boolean;
  /** Seconds; with `wait`. No limit when absent. */
  waitTimeout?: number;
}

export async function deploy(loaded: LoadedProject, options: DeployOptions = {}): Promise<SwarmPlan> {
  const engine = options.engine ?? (await connectEngine());
  await assertManager(engine);
  const desired = desiredStack(loaded);
  const observed = await observeStack(engine, loaded.project.name);
  const plan = planDeploy(desired, observed, { prune: options.prune });
  if (options.dryRun) return plan;
  await applySwarmPlan(
    plan,
    { engine, project: loaded.project.name, observed, desired },
    options.onEvent,
    options.signal,
  );
  if (options.wait) {
    await waitForStack(engine, loaded.project.name, desired.services, {
      timeout: options.waitTimeout === undefined ? undefined : options.waitTimeout * 1000,
      signal: options.signal,
      onEvent: options.onEvent,
    });
  }
  return plan;
}

export interface UndeployOptions extends EngineOptions {
  dryRun?: boolean;
}

/** Removes the stack's services, then its networks, secrets and configs. Named volumes stay on the nodes. */
export async function undeploy(loaded: LoadedProject, options: UndeployOptions = {}): Promise<SwarmPlan> {
  const engine = options.engine ?? (await connectEngine());
  await assertManager(engine);
  const observed = await observeStack(engine, loaded.project.name);
  const plan = planUndeploy(loaded.project.name, observed);
  if (!options.dryRun)
    await applySwarmPlan(plan, { engine, project: loaded.project.name, observed }, options.onEvent, options.signal);
  return plan;
}

export interface StackTask {
  id: string;
  /** `<stack>_<service>.<slot>` (or `.<node id>` for global services), as `docker stack ps` shows it. */
  name: string;
  /** The compose key. */
  service: string;
  image: string;
  nodeId?: string;
  /** The node's hostname (its ID when the node is gone). */
  node: string;
  /** What Swarm wants: running, shutdown, complete, ... */
  desiredState: string;
  /** What the task is: new, pending, assigned, preparing, starting, running, complete, failed, rejected, shutdown, orphaned, ... */
  state: string;
  /** When the task entered that state (RFC 3339). */
  since?: string;
  error?: string;
  containerId?: string;
  exitCode?: number;
  ports: { protocol: string; targetPort: number; publishedPort?: number; mode: string }[];
}

export interface StackPsOptions extends Pick<EngineOptions, 'engine'> {
  /** Include tasks Swarm has shut down (history, rescheduled, replaced). */
  all?: boolean;
  services?: string[];
}

/**
 * The tasks of a deployed stack, by service then slot; `undefined` when the project is not
 * deployed (no service of its namespace, or the engine is not a Swarm manager).
 */
export async function stackTasks(
  loaded: LoadedProject,
  options: StackPsOptions = {},
): Promise<StackTask[] | undefined> {
  const engine: Engine = options.engine ?? (await connectEngine());
  const project = loaded.project.name;
  if (!(await engineCapabilities(engine)).swarm) return undefined;
  let services: ServiceInfo[];
  try {
    services = await dial<ServiceInfo[]>(engine, {
      path: '/services?',
      method: 'GET',
      options: { filters: { label: [`${STACK_NAMESPACE}=${project}`] } },
    });
  } catch (err) {
    // 503: the engine is not a manager of a swarm, so nothing is deployed from here.
    if (engineStatus(err) === 503) return undefined;
    throw err;
  }
  if (!services.length) return undefined;
  const [tasks, nodes] = await Promise.all([
    dial<TaskInfo[]>(engine, {
      path: '/tasks?',
      method: 'GET',
      options: { filters: { service: services.map((s) => s.ID) } },
    }),
    dial<NodeInfo[]>(engine, { path: '/nodes', method: 'GET' }),
  ]);
  const hostnames = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  const byId = new Map(services.map((s) => [s.ID, s]));
  const gone = new Set(['shutdown', 'remove', 'orphaned']);
  return (
    tasks
      .flatMap((t): StackTask[] => {
        const service = byId.get(t.ServiceID);
        if (!service) return [];
        const key = service.Spec.Labels?.['com.docker.compose.service'] ?? service.Spec.Name.replace(`${project}_`, '');
        if (options.services?.length && !options.services.includes(key)) return [];
        if (!options.all && gone.has(t.DesiredState)) return [];
        return [
          {
            id: t.ID,
            name: taskName(service.Spec.Name, t),
            service: key,
            image: t.Spec.ContainerSpec?.Image ?? '',
            nodeId: t.NodeID,
            node: t.NodeID ? (hostnames.get(t.NodeID) ?? t.NodeID) : '',
            desiredState: t.DesiredState,
            state: t.Status.State,
            since: t.Status.Timestamp,
            error: t.Status.Err || undefined,
            containerId: t.Status.ContainerStatus?.ContainerID || undefined,
            exitCode: t.Status.ContainerStatus?.ExitCode,
            ports: (t.Status.PortStatus?.Ports ?? []).map((p) => ({
              protocol: p.Protocol,
              targetPort: p.TargetPort,
              publishedPort: p.PublishedPort,
              mode: p.PublishMode,
            })),
          },
        ];
      })
      // By service and slot; within a slot the live task first, then its history, newest first.
      .sort(
        (a, b) =>
          a.service.localeCompare(b.service) ||
          a.name.localeCompare(b.name, undefined, { numeric: true }) ||
          Number(gone.has(a.desiredState)) - Number(gone.has(b.desiredState)) ||
          (b.since ?? '').localeCompare(a.since ?? ''),
      )
  );
}
