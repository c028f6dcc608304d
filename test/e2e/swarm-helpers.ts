// Shared by the Swarm scenarios: what a deployed stack looks like on the engine, and a
// cleanup that leaves the swarm as it was found (never `swarm leave`).
import type { LoadedProject } from '../../src/model/types.js';
import { undeploy } from '../../src/api/deploy.js';
import type { Engine } from '../../src/engine/connect.js';
import { STACK_NAMESPACE, type NodeInfo, type ServiceInfo, type TaskInfo } from '../../src/swarm/types.js';
import type { TestProject } from './harness.js';

/** Fails loudly (never skips) when the test engine is not a Swarm manager. */
export async function requireSwarm(engine: Engine): Promise<void> {
  const info = (await engine.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
    throw new Error(
      `Swarm scenarios need the test engine in swarm mode (state: ${info.Swarm?.LocalNodeState}): run test/bed/swarm.sh`,
    );
  }
}

const namespace = (project: TestProject) => ({ label: [`${STACK_NAMESPACE}=${project.name}`] });

export async function stackServices(project: TestProject): Promise<ServiceInfo[]> {
  return (await project.engine.listServices({ filters: namespace(project) })) as unknown as ServiceInfo[];
}

export async function service(project: TestProject, key: string): Promise<ServiceInfo> {
  const found = (await stackServices(project)).find((s) => s.Spec.Name === `${project.name}_${key}`);
  if (!found) throw new Error(`service ${project.name}_${key} is not deployed`);
  return found;
}

/** Tasks Swarm wants running (or completed, for jobs): the current ones. */
export async function liveTasks(project: TestProject, key: string): Promise<TaskInfo[]> {
  const tasks = (await project.engine.listTasks({
    filters: { service: [`${project.name}_${key}`] },
  })) as unknown as TaskInfo[];
  return tasks.filter((t) => t.DesiredState === 'running' || t.DesiredState === 'complete');
}

export async function runningTasks(project: TestProject, key: string): Promise<TaskInfo[]> {
  return (await liveTasks(project, key)).filter((t) => t.Status.State === 'running');
}

export async function nodeId(engine: Engine, hostname: string): Promise<string> {
  const nodes = (await engine.listNodes()) as unknown as NodeInfo[];
  const node = nodes.find((n) => n.Description?.Hostname === hostname);
  if (!node) throw new Error(`no swarm node has hostname ${hostname}`);
  return node.ID;
}

/** The stack's networks, secrets and configs as the manager lists them. */
export async function stackResources(
  project: TestProject,
): Promise<{ services: string[]; networks: string[]; secrets: string[]; configs: string[] }> {
  const filters = namespace(project);
  const [services, networks, secrets, configs] = await Promise.all([
    stackServices(project),
    project.engine.listNetworks({ filters }),
    project.engine.listSecrets({ filters }) as Promise<unknown> as Promise<{ Spec: { Name: string } }[]>,
    project.engine.listConfigs({ filters }) as Promise<unknown> as Promise<{ Spec: { Name: string } }[]>,
  ]);
  return {
    services: services.map((s) => s.Spec.Name).sort(),
    networks: networks.map((n) => n.Name).sort(),
    secrets: secrets.map((s) => s.Spec.Name).sort(),
    configs: configs.map((c) => c.Spec.Name).sort(),
  };
}

/** Undeploys whatever the test left, removes this engine's task containers of the stack, then the project's files. */
export async function cleanupStack(project: TestProject): Promise<void> {
  // undeploy reads only the project name.
  await undeploy({ project: { name: project.name } } as LoadedProject, { engine: project.engine }).catch(
    () => undefined,
  );
  // Completed job tasks outlive their service on Engine 20.10 (moby/moby#44312).
  const containers = await project.engine.listContainers({ all: true, filters: namespace(project) });
  await Promise.all(
    containers.map((c) =>
      project.engine
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  await project.cleanup();
}
