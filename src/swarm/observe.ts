// Observe: one snapshot of what the Swarm holds for a stack. Services are found by the stack
// namespace label; networks, secrets and configs are listed whole and keyed by name, so the
// planner can also see external ones and same-named resources that belong to no stack.
import { BerthError } from '../errors.js';
import type { Engine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import { CONFIG_KEY, SECRET_KEY, STACK_NAMESPACE, type ModeName, type ServiceInfo, type ServiceSpec } from './types.js';

export interface ObservedService {
  id: string;
  name: string;
  /** The compose key (`com.docker.compose.service` label), or the name without the stack prefix. */
  key: string;
  /** `Version.Index`: an update must name the version it replaces. */
  version: number;
  /** The config-hash label berth stored; absent on services deployed by other tools. */
  specHash?: string;
  mode: ModeName;
  /** Names of the secrets and configs the service's spec refers to. */
  secrets: string[];
  configs: string[];
  /** IDs (the engine stores IDs) of the networks the service is attached to. */
  networks: string[];
  /** `updating`, `paused`, `completed`, `rollback_started`, ... */
  updateState?: string;
  updateMessage?: string;
}

export interface ObservedNetwork {
  id: string;
  name: string;
  driver: string;
  /** `swarm` for overlay networks a service can use; `local` for bridge networks. */
  scope: string;
  /** The stack it belongs to, if any. */
  namespace?: string;
  key?: string;
  configHash?: string;
}

export interface ObservedObject {
  id: string;
  name: string;
  namespace?: string;
  key?: string;
}

export interface ObservedStack {
  services: ObservedService[];
  /** Every network the engine knows, by name. */
  networks: Record<string, ObservedNetwork>;
  /** Every secret and config of the swarm, by name. */
  secrets: Record<string, ObservedObject>;
  configs: Record<string, ObservedObject>;
}

/** Fails with one clear line unless the engine is a manager of an active swarm. */
export async function assertManager(engine: Engine): Promise<void> {
  const info = (await engine.info()) as {
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; Error?: string };
  };
  const swarm = info.Swarm ?? {};
  if (swarm.LocalNodeState !== 'active') {
    throw new BerthError(
      'engine',
      `this engine is not part of a Swarm (state: ${swarm.LocalNodeState || 'unknown'}${swarm.Error ? `, ${swarm.Error}` : ''}): run "docker swarm init" here, or point DOCKER_HOST at a manager`,
    );
  }
  if (!swarm.ControlAvailable) {
    throw new BerthError(
      'engine',
      'this engine is a Swarm worker: deploy through a manager (point DOCKER_HOST at one; "docker node ls" on a manager lists them)',
    );
  }
}

export async function observeStack(engine: Engine, project: string): Promise<ObservedStack> {
  const [services, networks, secrets, configs] = await Promise.all([
    engine.listServices({ filters: { label: [`${STACK_NAMESPACE}=${project}`] } }) as Promise<unknown> as Promise<
      ServiceInfo[]
    >,
    engine.listNetworks(),
    engine.listSecrets() as Promise<unknown> as Promise<
      { ID: string; Spec: { Name: string; Labels?: Record<string, string> } }[]
    >,
    engine.listConfigs() as Promise<unknown> as Promise<
      { ID: string; Spec: { Name: string; Labels?: Record<string, string> } }[]
    >,
  ]);
  const objects = (list: { ID: string; Spec: { Name: string; Labels?: Record<string, string> } }[], keyLabel: string) =>
    Object.fromEntries(
      list.map((o) => [
        o.Spec.Name,
        { id: o.ID, name: o.Spec.Name, namespace: o.Spec.Labels?.[STACK_NAMESPACE], key: o.Spec.Labels?.[keyLabel] },
      ]),
    );
  return {
    services: services.map((s) => observedService(s, project)).sort((a, b) => a.name.localeCompare(b.name)),
    networks: Object.fromEntries(
      networks.map((n) => [
        n.Name,
        {
          id: n.Id,
          name: n.Name,
          driver: n.Driver,
          scope: n.Scope,
          namespace: n.Labels?.[STACK_NAMESPACE],
          key: n.Labels?.[Label.network],
          configHash: n.Labels?.[Label.configHash],
        },
      ]),
    ),
    secrets: objects(secrets, SECRET_KEY),
    configs: objects(configs, CONFIG_KEY),
  };
}

function observedService(s: ServiceInfo, project: string): ObservedService {
  const spec = s.Spec;
  const container = spec.TaskTemplate?.ContainerSpec;
  return {
    id: s.ID,
    name: spec.Name,
    key: spec.Labels?.[Label.service] ?? spec.Name.replace(`${project}_`, ''),
    version: s.Version.Index,
    specHash: spec.Labels?.[Label.configHash],
    mode: modeOf(spec),
    secrets: (container?.Secrets ?? []).map((r) => r.SecretName),
    configs: (container?.Configs ?? []).map((r) => r.ConfigName),
    networks: (spec.TaskTemplate?.Networks ?? []).map((n) => n.Target),
    updateState: s.UpdateStatus?.State,
    updateMessage: s.UpdateStatus?.Message,
  };
}

export function modeOf(spec: Pick<ServiceSpec, 'Mode'>): ModeName {
  const mode = spec.Mode ?? {};
  if (mode.Global) return 'global';
  if (mode.ReplicatedJob) return 'replicated-job';
  if (mode.GlobalJob) return 'global-job';
  return 'replicated';
}
