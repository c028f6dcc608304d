// Plan a stack: a pure function from (desired stack, observed swarm, options) to a graph of
// steps, each one Engine API call with the reason it is needed, built on the plan graph the
// host planner uses (src/reconcile/plan-graph.ts) so the same executor runs it. No engine
// access: unit tests call it with hand-made snapshots.
import { BerthError } from '../errors.js';
import { formatPlanGraph, PlanGraph, type BuiltPlan, type PlanGraphNode } from '../reconcile/plan-graph.js';
import type { DesiredObject, DesiredStack } from './desired.js';
import type { ObservedObject, ObservedService, ObservedStack } from './observe.js';

export type SwarmStep =
  | { kind: 'create-network'; key: string; name: string }
  | { kind: 'create-secret'; key: string; name: string }
  | { kind: 'create-config'; key: string; name: string }
  | { kind: 'create-service'; service: string; name: string }
  /** A rolling update, as the service's update_config says; `version` is the Version.Index it replaces. */
  | { kind: 'update-service'; service: string; name: string; id: string; version: number }
  | { kind: 'remove-service'; service: string; name: string; id: string }
  | { kind: 'remove-secret'; name: string; id: string }
  | { kind: 'remove-config'; name: string; id: string }
  | { kind: 'remove-network'; name: string; id: string };

export type SwarmPlanNode = PlanGraphNode<SwarmStep>;

export type SwarmPlan = BuiltPlan<SwarmStep>;

export interface DeployPlanOptions {
  /** Remove the stack's services that are no longer in the compose file. */
  prune?: boolean;
}

export function planDeploy(desired: DesiredStack, observed: ObservedStack, options: DeployPlanOptions = {}): SwarmPlan {
  const b = new PlanGraph<SwarmStep>();
  const project = desired.project;
  b.warnings.push(...desired.warnings);

  const networkNodes = planNetworks(b, desired, observed);
  const objectNodes = new Map([
    ...planObjects(b, project, desired.secrets, observed.secrets, 'secret'),
    ...planObjects(b, project, desired.configs, observed.configs, 'config'),
  ]);

  const byName = new Map(observed.services.map((s) => [s.name, s]));
  const serviceNodes: string[] = [];
  for (const service of desired.services) {
    const key = service.key;
    const found = byName.get(service.name);
    const uses = [
      ...(service.spec.TaskTemplate.Networks ?? []).map((n) => networkNodes.get(n.Target)),
      ...(service.spec.TaskTemplate.ContainerSpec.Secrets ?? []).map((r) => objectNodes.get(`secret:${r.SecretName}`)),
      ...(service.spec.TaskTemplate.ContainerSpec.Configs ?? []).map((r) => objectNodes.get(`config:${r.ConfigName}`)),
    ].filter((id): id is string => id !== undefined);
    const id = `service:${key}`;
    if (!found) {
      serviceNodes.push(b.add(id, { kind: 'create-service', service: key, name: service.name }, 'not found', uses));
    } else if (found.mode !== service.mode) {
      // Swarm cannot change a service's mode in place.
      const removed = b.add(
        `remove-service:${key}`,
        { kind: 'remove-service', service: key, name: found.name, id: found.id },
        `mode changes from ${found.mode} to ${service.mode}`,
      );
      serviceNodes.push(
        removed,
        b.add(
          id,
          { kind: 'create-service', service: key, name: service.name },
          `mode changes from ${found.mode} to ${service.mode}`,
          [...uses, removed],
        ),
      );
    } else if (found.specHash !== service.specHash) {
      serviceNodes.push(
        b.add(
          id,
          { kind: 'update-service', service: key, name: service.name, id: found.id, version: found.version },
          updateReason(found, service.spec.TaskTemplate.ContainerSpec),
          uses,
        ),
      );
    } else if (found.updateState === 'paused' || found.updateState === 'rollback_paused') {
      b.warnings.push(
        `service "${key}": its last update is ${found.updateState.replace('_', ' ')}${found.updateMessage ? ` (${found.updateMessage})` : ''}; fix the cause and deploy a changed file, or run "docker service update --rollback ${found.name}"`,
      );
    }
  }

  const desiredNames = new Set(desired.services.map((s) => s.name));
  const orphans = observed.services.filter((s) => !desiredNames.has(s.name));
  const kept: ObservedService[] = [];
  if (orphans.length && !options.prune) {
    b.warnings.push(
      `found services that are not in the compose file (${orphans.map((s) => s.name).join(', ')}): deploy with --prune to remove them`,
    );
    kept.push(...orphans);
  } else {
    for (const s of orphans)
      serviceNodes.push(
        b.add(
          `remove-service:${s.key}`,
          { kind: 'remove-service', service: s.key, name: s.name, id: s.id },
          'not in the compose file',
        ),
      );
  }

  // Old secrets, configs and networks go last: only once no service refers to them.
  const inUse = {
    secrets: new Set([...desired.secrets.map((o) => o.name), ...kept.flatMap((s) => s.secrets)]),
    configs: new Set([...desired.configs.map((o) => o.name), ...kept.flatMap((s) => s.configs)]),
    networks: new Set(kept.flatMap((s) => s.networks)),
  };
  const replacedBy = (objects: DesiredObject[], o: ObservedObject) => objects.find((d) => d.key === o.key)?.name;
  for (const o of ownedBy(project, observed.secrets)) {
    if (inUse.secrets.has(o.name)) continue;
    const next = replacedBy(desired.secrets, o);
    b.add(
      `remove-secret:${o.name}`,
      { kind: 'remove-secret', name: o.name, id: o.id },
      next ? `replaced by ${next}` : 'no longer used',
      serviceNodes,
    );
  }
  for (const o of ownedBy(project, observed.configs)) {
    if (inUse.configs.has(o.name)) continue;
    const next = replacedBy(desired.configs, o);
    b.add(
      `remove-config:${o.name}`,
      { kind: 'remove-config', name: o.name, id: o.id },
      next ? `replaced by ${next}` : 'no longer used',
      serviceNodes,
    );
  }
  const desiredNetworks = new Set(desired.networks.map((n) => n.name));
  for (const n of Object.values(observed.networks)) {
    if (
      n.namespace !== project ||
      desiredNetworks.has(n.name) ||
      inUse.networks.has(n.id) ||
      inUse.networks.has(n.name)
    )
      continue;
    b.add(
      `remove-network:${n.name}`,
      { kind: 'remove-network', name: n.name, id: n.id },
      'no longer used',
      serviceNodes,
    );
  }
  return b.plan();
}

function updateReason(
  found: ObservedService,
  container: { Secrets?: { SecretName: string }[]; Configs?: { ConfigName: string }[] },
): string {
  if (!found.specHash) return 'deployed without berth (no config hash): taken over';
  const rotated = [
    ...(container.Secrets ?? [])
      .filter((r) => !found.secrets.includes(r.SecretName))
      .map((r) => `secret ${r.SecretName}`),
    ...(container.Configs ?? [])
      .filter((r) => !found.configs.includes(r.ConfigName))
      .map((r) => `config ${r.ConfigName}`),
  ];
  return rotated.length ? `config hash changed (now uses ${rotated.join(', ')})` : 'config hash changed';
}

function planNetworks(b: PlanGraph<SwarmStep>, desired: DesiredStack, observed: ObservedStack): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const network of desired.networks) {
    const found = observed.networks[network.name];
    if (network.external) {
      if (!found) {
        throw new BerthError(
          'reference',
          `network "${network.name}" is declared as external, but could not be found: create it first (docker network create --driver overlay --attachable ${network.name})`,
        );
      }
      if (found.scope !== 'swarm') {
        throw new BerthError(
          'reference',
          `network "${network.name}" is a ${found.driver} network of scope "${found.scope}": Swarm services need a swarm-scoped network (an overlay network)`,
        );
      }
      continue;
    }
    if (!found) {
      nodes.set(
        network.name,
        b.add(`network:${network.key}`, { kind: 'create-network', key: network.key, name: network.name }, 'not found'),
      );
    } else if (found.scope !== 'swarm') {
      throw new BerthError(
        'reference',
        `network "${network.name}" already exists as a ${found.driver} network of scope "${found.scope}" (left by "berth up"?): Swarm needs an overlay network of that name; remove it first ("berth down")`,
      );
    } else if (found.namespace !== desired.project) {
      b.warnings.push(
        `network "${network.name}" exists but does not belong to stack "${desired.project}"; using it as is (set external: true to say so)`,
      );
    } else if (found.configHash && found.configHash !== network.configHash) {
      b.warnings.push(
        `network "${network.name}" exists with a different configuration; keeping it (Swarm cannot change a network in place: undeploy, then deploy, to apply the new one)`,
      );
    }
  }
  return nodes;
}

/** Create steps for content-named objects not yet in the swarm, keyed `secret:<name>` / `config:<name>`. */
function planObjects(
  b: PlanGraph<SwarmStep>,
  project: string,
  wanted: DesiredObject[],
  observed: Record<string, ObservedObject>,
  kind: 'secret' | 'config',
): Map<string, string> {
  const nodes = new Map<string, string>();
  for (const o of wanted) {
    const found = observed[o.name];
    if (o.external) {
      if (!found)
        throw new BerthError(
          'reference',
          `${kind} "${o.name}" is declared as external, but could not be found: create it first (docker ${kind} create ${o.name} FILE)`,
        );
      continue;
    }
    if (found) continue;
    const previous = ownedBy(project, observed).find((p) => p.key === o.key);
    const step: SwarmStep =
      kind === 'secret'
        ? { kind: 'create-secret', key: o.key, name: o.name }
        : { kind: 'create-config', key: o.key, name: o.name };
    nodes.set(
      `${kind}:${o.name}`,
      b.add(`${kind}:${o.name}`, step, previous ? `content changed (was ${previous.name})` : 'not found'),
    );
  }
  return nodes;
}

function ownedBy(project: string, objects: Record<string, ObservedObject>): ObservedObject[] {
  return Object.values(objects)
    .filter((o) => o.namespace === project)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Undeploy: every service of the stack, then its networks, secrets and configs. */
export function planUndeploy(project: string, observed: ObservedStack): SwarmPlan {
  const b = new PlanGraph<SwarmStep>();
  const services = observed.services.map((s) =>
    b.add(`remove-service:${s.key}`, { kind: 'remove-service', service: s.key, name: s.name, id: s.id }, 'undeploy'),
  );
  for (const o of ownedBy(project, observed.secrets))
    b.add(`remove-secret:${o.name}`, { kind: 'remove-secret', name: o.name, id: o.id }, 'undeploy', services);
  for (const o of ownedBy(project, observed.configs))
    b.add(`remove-config:${o.name}`, { kind: 'remove-config', name: o.name, id: o.id }, 'undeploy', services);
  for (const n of Object.values(observed.networks)
    .filter((n) => n.namespace === project)
    .sort((x, y) => x.name.localeCompare(y.name))) {
    b.add(`remove-network:${n.name}`, { kind: 'remove-network', name: n.name, id: n.id }, 'undeploy', services);
  }
  return b.plan();
}

/** The plan as text, one step a line with the steps it waits on, for dry runs and golden tests. */
export function formatSwarmPlan(plan: SwarmPlan): string {
  return formatPlanGraph(plan);
}
