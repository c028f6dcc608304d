// Plan: a pure function from (desired project, observed snapshot, options) to a graph of
// steps, each one engine operation with the reason it is needed. No engine access here, so a
// unit test can call it with a hand-made snapshot. Plans are built on plan-graph.ts: a step
// waits only on steps added before it, so a mistyped edge fails the test that builds it.
import { BerthError } from '../errors.js';
import { ServiceGraph } from '../graph/graph.js';
import { decodeConfigLabel, storableConfig } from '../model/config-label.js';
import {
  hashedServiceConfig,
  networkConfigHash,
  serviceConfigHash,
  volumeConfigHash,
  type FileSources,
} from '../model/hash.js';
import type { DependencyCondition, Project, Service } from '../model/types.js';
import type { Observed, ObservedContainer } from './observed.js';
import { containerName, imageRef, replicaCount } from '../model/naming.js';
import { formatPlanGraph, PlanGraph, type BuiltPlan, type PlanGraphNode } from './plan-graph.js';
import { groupBuilds, imageBuilders, type BuildGroup } from './build-groups.js';
import { isJob, jobVerdict, later } from './jobs.js';
import { describeGpus, gpuWarnings } from './gpus.js';
import { describeChanges, diffConfig, shortImageId } from './config-diff.js';

export type Step =
  | { kind: 'create-network'; key: string; name: string }
  | { kind: 'recreate-network'; key: string; name: string }
  | { kind: 'create-volume'; key: string; name: string }
  | { kind: 'pull-image'; service: string; image: string }
  /** `tags`: the other tags the build writes (services sharing it). */
  | { kind: 'build-image'; service: string; image: string; tags?: string[] }
  | ({ kind: 'create-container'; service: string; number: number; name: string; start: boolean } & Explained)
  | ({
      kind: 'recreate-container';
      service: string;
      number: number;
      name: string;
      old: ContainerRef;
      start: boolean;
    } & Explained)
  | ({ kind: 'start-container'; service: string; number: number; container: ContainerRef } & Explained)
  | ({ kind: 'restart-container'; service: string; number: number; container: ContainerRef } & Explained)
  /** A job that is up to date: nothing to do, but the user reads why it was not run again. */
  | { kind: 'keep-job'; service: string; number: number; container: ContainerRef }
  | { kind: 'stop-container'; service: string; container: ContainerRef }
  | { kind: 'remove-container'; service: string; container: ContainerRef; volumes: boolean }
  | {
      kind: 'await-service';
      service: string;
      condition: Exclude<DependencyCondition, 'service_started'>;
      required: boolean;
    }
  | { kind: 'service-ready'; service: string }
  | { kind: 'remove-network'; key: string; name: string }
  | { kind: 'remove-volume'; key: string; name: string }
  | { kind: 'remove-image'; image: string };

/** `explain`: the progress line shows the step's reason (why a job re-runs, which GPUs a container asks for). */
interface Explained {
  explain?: boolean;
}

export interface ContainerRef {
  id: string;
  name: string;
}

export type PlanNode = PlanGraphNode<Step>;

export type Plan = BuiltPlan<Step>;

export interface UpPlanOptions {
  /** Limit to these services (and their dependencies unless `noDeps`). */
  services?: string[];
  noDeps?: boolean;
  forceRecreate?: boolean;
  noRecreate?: boolean;
  noStart?: boolean;
  removeOrphans?: boolean;
  scale?: Record<string, number>;
  /** `start`: only start existing containers; create, replace and remove nothing. */
  noCreate?: boolean;
  /** The project's environment: the values of `environment:` secrets and configs count in the config hash. */
  environment?: Record<string, string | undefined>;
  /** Services left out by profiles: their containers are not orphans. */
  disabled?: readonly string[];
  /** `--from`: re-run this stage and restart everything downstream of it, leaving upstream stages alone. */
  from?: string;
  /** `--compatibility`: containers named `<project>_<service>_<number>`, as Compose v1 named them. */
  compatibility?: boolean;
  /** `--all-resources`: create every network and volume the project declares, used or not. */
  allResources?: boolean;
  /** `-y`: recreate a volume whose config changed (its containers are removed first, then created anew). */
  recreateVolumes?: boolean;
}

/** The services `up` acts on: the named ones plus, unless `noDeps`, what they depend on. */
export function selectServices(
  project: Project,
  graph: ServiceGraph,
  names: string[] | undefined,
  noDeps = false,
): Set<string> {
  if (!names?.length) return new Set(Object.keys(project.services));
  for (const name of names) {
    if (!project.services[name]) {
      throw new BerthError(
        'reference',
        `no such service: "${name}" (services: ${Object.keys(project.services).join(', ')})`,
      );
    }
  }
  return noDeps ? new Set(names) : graph.withDependencies(names);
}

/** Images to pull or build before containers are planned (so the plan sees their IDs). */
export function planImages(
  project: Project,
  observed: Pick<Observed, 'images'>,
  options: { services?: Set<string>; pull?: string; build?: boolean } = {},
): Plan {
  const b = new PlanGraph<Step>();
  const builders = imageBuilders(project);
  const builds = new Map<string, string>();
  // Builds are listed first: they take longest.
  const pulls = new PlanGraph<Step>();
  for (const [name, service] of Object.entries(project.services)) {
    if (options.services && !options.services.has(name)) continue;
    const image = imageRef(project.name, service);
    const present = observed.images[image] !== undefined;
    const policy = options.pull ?? service.pull_policy ?? 'missing';
    // An image another service builds is built, never pulled.
    if (service.build || builders.has(image)) {
      if (options.build || policy === 'build' || !present)
        builds.set(name, options.build ? '--build' : present ? 'pull_policy: build' : 'image not built yet');
      continue;
    }
    if (policy === 'always')
      pulls.add(`image:${name}`, { kind: 'pull-image', service: name, image }, 'pull policy "always"');
    else if (!present && policy === 'never') {
      throw new BerthError('pull', `service "${name}": image "${image}" is not present and pull_policy is "never"`);
    } else if (!present) pulls.add(`image:${name}`, { kind: 'pull-image', service: name, image }, 'image not present');
  }
  addBuilds(b, groupBuilds(project, [...builds.keys()]), (group) =>
    builds.get(group.services.find((s) => builds.has(s))!)!,
  );
  for (const n of pulls.nodes) b.add(n.id, n.step, n.reason);
  return b.plan();
}

/** One step per distinct build, after the builds writing the same tags. */
export function addBuilds(b: PlanGraph<Step>, groups: BuildGroup[], reason: (group: BuildGroup) => string): void {
  const id = (group: BuildGroup) => `image:${group.service}`;
  for (const group of groups) {
    const { service, image, tags } = group;
    b.add(
      id(group),
      { kind: 'build-image', service, image, tags },
      group.services.length > 1 ? `${reason(group)}; also for ${group.services.slice(1).join(', ')}` : reason(group),
      group.after.map((i) => id(groups[i])),
    );
  }
}

export function planUp(project: Project, observed: Observed, options: UpPlanOptions = {}): Plan {
  return new UpPlanner(project, observed, options).plan();
}

/** Plans `up` one service at a time, dependencies first, remembering which services it replaces. */
class UpPlanner {
  private readonly b = new PlanGraph<Step>();
  private readonly graph: ServiceGraph;
  private readonly byService: Map<string, ObservedContainer[]>;
  /** Services getting new containers (recreated or created) in this plan. */
  private readonly replaced = new Set<string>();
  /** Services whose containers start again in this plan: created, recreated, started, restarted or re-run. */
  private readonly startedAgain = new Set<string>();
  /** `--from`: the stage and everything downstream of it. */
  private readonly downstream: Set<string>;

  constructor(
    private readonly project: Project,
    private readonly observed: Observed,
    private readonly options: UpPlanOptions,
  ) {
    this.graph = new ServiceGraph(project);
    this.byService = groupContainers(observed.containers);
    if (options.from) selectServices(project, this.graph, [options.from], true);
    this.downstream = options.from ? this.graph.withDependents([options.from]) : new Set();
  }

  plan(): Plan {
    const { b, graph, project, observed, options } = this;
    const selected = selectServices(project, graph, options.services, options.noDeps);
    const networkNodes = planNetworks(b, project, observed, selected, options.allResources);
    const volumeNodes = planVolumes(b, project, observed, selected, options, this.byService);
    b.warnings.push(...gpuWarnings(project, selected));
    const touched = this.startedAgain;
    for (const name of graph.order().filter((s) => selected.has(s))) {
      const service = project.services[name];
      const waits = dependencyNodes(b, graph, name, selected);
      const after = [
        ...attachedNetworks(service).flatMap((n) => networkNodes.get(n) ?? []),
        ...namedVolumes(service).flatMap((v) => volumeNodes.get(v) ?? []),
        ...waits,
      ];
      const ids = this.containers(service, after);
      if (ids.length) touched.add(name);
      // A dependency started again in this run is waited for even when this service is unchanged,
      // as Docker Compose does: a re-run job must succeed again, a restarted database be healthy.
      const depsTouched = graph.dependencies(name).some((d) => touched.has(d));
      b.add(`ready:${name}`, { kind: 'service-ready', service: name }, 'all replicas converged', [
        ...ids,
        ...(depsTouched ? waits : []),
      ]);
    }
    b.prune((n) => n.step.kind === 'await-service');

    if (!options.noCreate) planOrphans(b, project, this.byService, options, observed.containers);
    return b.plan();
  }

  /** The steps that bring one service's containers to the wanted state, each waiting on `after`. */
  private containers(service: Service, after: string[]): string[] {
    const { b, project, options } = this;
    const name = service.name;
    const existing = this.byService.get(name) ?? [];
    const want = options.scale?.[name] ?? replicaCount(service);
    const sources = { project, environment: options.environment ?? {} };
    const wanted = {
      hash: serviceConfigHash(service, sources),
      image: this.observed.images[imageRef(project.name, service)],
      volumes: namedVolumes(service).map((key) => project.volumes[key]?.name ?? key),
    };
    const start = !options.noStart;
    const separator = options.compatibility ? '_' : '-';
    // An interrupted replace can leave two containers with one number: keep the properly named one.
    const sorted = [...existing].sort(
      (x, y) =>
        x.number - y.number ||
        Number(y.name === containerName(project.name, service, y.number, separator)) -
          Number(x.name === containerName(project.name, service, x.number, separator)),
    );
    const keep = sorted.slice(0, want);
    const ids: string[] = [];

    if (options.noCreate) {
      for (const c of sorted.filter((c) => c.state !== 'running')) {
        ids.push(
          b.add(
            `container:${name}:${c.number}`,
            { kind: 'start-container', service: name, number: c.number, container: ref(c) },
            `container is ${c.state}`,
            after,
          ),
        );
      }
      return ids;
    }
    for (const c of sorted.slice(want)) {
      const stop = b.add(`stop:${c.name}`, { kind: 'stop-container', service: name, container: ref(c) }, 'scaled down');
      b.add(
        `remove:${c.name}`,
        { kind: 'remove-container', service: name, container: ref(c), volumes: false },
        'scaled down',
        [stop],
      );
    }

    const recreatedDeps = this.graph.dependencies(name).filter((d) => this.replaced.has(d));
    const job = isJob(service, this.graph);
    const gpus = describeGpus(service);
    // The progress line says which GPUs a container asks for, and why a job runs.
    const told = (reason: string, isJobStep = false) => ({
      reason: gpus ? `${reason}; GPUs: ${gpus}` : reason,
      explain: isJobStep || gpus !== undefined ? true : undefined,
    });
    const again = this.graph.dependencies(name).filter((d) => this.startedAgain.has(d));
    // A dependent reads what its dependency made: restart it when the dependency started again
    // with `restart: true`, or when it is a job that re-ran (its output changed).
    const restartDeps = again.filter((d) => {
      const how = this.graph.dependency(name, d);
      return how?.restart || how?.condition === 'service_completed_successfully';
    });
    const from = this.downstream.has(name) ? options.from : undefined;
    for (const c of keep) {
      const id = `container:${name}:${c.number}`;
      const expectedName = containerName(project.name, service, c.number, separator);
      const why =
        recreateReason(c, { ...wanted, service, sources }, options, recreatedDeps) ??
        (c.name !== expectedName && !options.noRecreate
          ? `container is named ${c.name}, not ${expectedName} (an interrupted replace?)`
          : undefined);
      if (why) {
        this.replaced.add(name);
        const { reason, explain } = told(why, job);
        ids.push(
          b.add(
            id,
            {
              kind: 'recreate-container',
              service: name,
              number: c.number,
              name: expectedName,
              old: ref(c),
              start,
              explain,
            },
            reason,
            after,
          ),
        );
      } else if (start && (job || c.state !== 'running')) {
        // A job runs again only when it is out of date; any other stopped container starts.
        const verdict = job
          ? jobVerdict({ container: c, restartedDeps: again, depsReadyAt: this.readyTimes(name), from })
          : undefined;
        if (verdict?.upToDate) {
          b.add(id, { kind: 'keep-job', service: name, number: c.number, container: ref(c) }, verdict.reason);
          continue;
        }
        const { reason, explain } = told(verdict?.reason ?? `container is ${c.state}`, job);
        ids.push(
          b.add(
            id,
            { kind: 'start-container', service: name, number: c.number, container: ref(c), explain },
            reason,
            after,
          ),
        );
      } else if ((restartDeps.length || from) && start) {
        const cause = from ? `--from ${from}` : restartDeps.map((d) => this.restartCause(name, d)).join('; ');
        const { reason, explain } = told(cause, true);
        ids.push(
          b.add(
            id,
            { kind: 'restart-container', service: name, number: c.number, container: ref(c), explain },
            reason,
            after,
          ),
        );
      }
    }
    const created = told(existing.length ? 'scaled up' : 'not found');
    let next = Math.max(0, ...existing.map((c) => c.number)) + 1;
    for (let i = keep.length; i < want; i++, next++) {
      const number = next;
      ids.push(
        b.add(
          `container:${name}:${number}`,
          {
            kind: 'create-container',
            service: name,
            number,
            name: containerName(project.name, service, number, separator),
            start,
            explain: created.explain,
          },
          created.reason,
          after,
        ),
      );
      this.replaced.add(name);
    }
    return ids;
  }

  /** Why `name` restarts for its dependency `dep`, which starts again in this plan. */
  private restartCause(name: string, dep: string): string {
    const what = this.replaced.has(dep)
      ? 'was recreated'
      : isJob(this.project.services[dep], this.graph)
        ? 're-runs'
        : 'was restarted';
    return `dependency ${dep} ${what}${this.graph.dependency(name, dep)?.restart ? ' (restart: true)' : ''}`;
  }

  /** When each dependency last became ready: a finished container's finish, a running one's start. */
  private readyTimes(name: string): Record<string, string | undefined> {
    return Object.fromEntries(
      this.graph
        .dependencies(name)
        .map((d) => [
          d,
          (this.byService.get(d) ?? [])
            .map((c) => (c.state === 'running' ? c.startedAt : c.finishedAt))
            .reduce<string | undefined>(later, undefined),
        ]),
    );
  }
}

function planNetworks(
  b: PlanGraph<Step>,
  project: Project,
  observed: Observed,
  selected: Set<string>,
  all?: boolean,
): Map<string, string> {
  const nodes = new Map<string, string>();
  const used = all
    ? new Set(Object.keys(project.networks))
    : new Set([...selected].flatMap((s) => attachedNetworks(project.services[s])));
  for (const key of used) {
    const network = project.networks[key];
    const found = observed.networks[network.name];
    if (network.external) {
      if (!found)
        throw new BerthError(
          'reference',
          `network "${network.name}" is declared as external, but could not be found: create it first (docker network create ${network.name})`,
        );
      continue;
    }
    if (!found) {
      nodes.set(key, b.add(`network:${key}`, { kind: 'create-network', key, name: network.name }, 'not found'));
    } else if (!found.project) {
      b.warnings.push(
        `network "${network.name}" exists but was not created by Compose or berth; using it as is (set external: true to say so)`,
      );
    } else if (found.configHash && found.configHash !== networkConfigHash(network)) {
      nodes.set(
        key,
        b.add(`network:${key}`, { kind: 'recreate-network', key, name: network.name }, 'network config changed'),
      );
    }
  }
  return nodes;
}

function planVolumes(
  b: PlanGraph<Step>,
  project: Project,
  observed: Observed,
  selected: Set<string>,
  options: Pick<UpPlanOptions, 'allResources' | 'recreateVolumes'>,
  byService: Map<string, ObservedContainer[]>,
): Map<string, string> {
  const nodes = new Map<string, string>();
  const used = options.allResources
    ? new Set(Object.keys(project.volumes))
    : new Set([...selected].flatMap((s) => namedVolumes(project.services[s])));
  for (const key of used) {
    const volume = project.volumes[key];
    const found = observed.volumes[volume.name];
    if (volume.external) {
      if (!found)
        throw new BerthError(
          'reference',
          `volume "${volume.name}" is declared as external, but could not be found: create it first (docker volume create ${volume.name})`,
        );
      continue;
    }
    if (!found) {
      nodes.set(key, b.add(`volume:${key}`, { kind: 'create-volume', key, name: volume.name }, 'not found'));
    } else if (!found.project) {
      b.warnings.push(
        `volume "${volume.name}" exists but was not created by Compose or berth; using it as is (set external: true to say so)`,
      );
    } else if (found.configHash && found.configHash !== volumeConfigHash(volume)) {
      // A volume holds data: it is never recreated without the user's explicit action.
      if (options.recreateVolumes) nodes.set(key, planVolumeRecreate(b, project, key, selected, byService));
      else
        b.warnings.push(
          `volume "${volume.name}" exists with a different configuration; keeping it (up -y recreates it, losing its data; down -v removes it)`,
        );
    }
  }
  return nodes;
}

/**
 * `up -y` on a changed volume: the containers that mount it are removed (and dropped from
 * `byService`, so that the plan creates them anew), then the volume is removed and created.
 * A service this `up` leaves out would lose its containers for good: refused, naming it.
 */
function planVolumeRecreate(
  b: PlanGraph<Step>,
  project: Project,
  key: string,
  selected: Set<string>,
  byService: Map<string, ObservedContainer[]>,
): string {
  const volume = project.volumes[key];
  const removed: string[] = [];
  for (const [service, containers] of byService) {
    if (!project.services[service] || !namedVolumes(project.services[service]).includes(key)) continue;
    if (containers.length && !selected.has(service))
      throw new BerthError(
        'conflict',
        `volume "${volume.name}" cannot be recreated: service "${service}" mounts it too, and this up leaves it out (name ${service} as well, or run up -y without service names)`,
      );
    for (const c of containers) {
      const why = `volume ${volume.name} is recreated (-y)`;
      const stop = b.add(`stop:${c.name}`, { kind: 'stop-container', service, container: ref(c) }, why);
      removed.push(
        b.add(`remove:${c.name}`, { kind: 'remove-container', service, container: ref(c), volumes: false }, why, [
          stop,
        ]),
      );
    }
    byService.set(service, []);
  }
  const reason = 'volume config changed (-y)';
  const gone = b.add(`remove-volume:${key}`, { kind: 'remove-volume', key, name: volume.name }, reason, removed);
  return b.add(`volume:${key}`, { kind: 'create-volume', key, name: volume.name }, reason, [gone]);
}

/** Nodes a service waits on before its containers may be created or started. */
function dependencyNodes(b: PlanGraph<Step>, graph: ServiceGraph, name: string, selected: Set<string>): string[] {
  // Under --no-deps, `selected` holds only the named services: they keep their order among themselves.
  const ids: string[] = [];
  for (const dep of graph.dependencies(name)) {
    if (!selected.has(dep)) continue;
    const how = graph.dependency(name, dep)!;
    if (how.condition === 'service_started') {
      ids.push(`ready:${dep}`);
      continue;
    }
    const id = `await:${dep}:${how.condition}`;
    const reason =
      how.condition === 'service_healthy'
        ? `"${name}" waits for it to be healthy`
        : `"${name}" waits for it to complete successfully`;
    ids.push(
      b.add(id, { kind: 'await-service', service: dep, condition: how.condition, required: how.required }, reason, [
        `ready:${dep}`,
      ]),
    );
  }
  return ids;
}

/** What the container should be now: its config hash, image ID, and what the hash covers. */
export interface WantedContainer {
  hash: string;
  image?: string;
  /** Engine names of the named volumes it mounts: the hash holds only their compose keys. */
  volumes?: string[];
  service: Service;
  sources: FileSources;
}

/** Why a container is replaced, in the words the user reads; undefined when it is kept. */
export function recreateReason(
  c: ObservedContainer,
  wanted: WantedContainer,
  options: Pick<UpPlanOptions, 'noRecreate' | 'forceRecreate'>,
  recreatedDeps: string[],
): string | undefined {
  const { hash, image, service } = wanted;
  if (options.noRecreate) return undefined;
  if (options.forceRecreate) return '--force-recreate';
  if (c.configHash !== hash) return configChanges(c, wanted) ?? 'config hash changed';
  if (image && c.imageLabel && c.imageLabel !== image)
    return `image: ${shortImageId(c.imageLabel)} -> ${shortImageId(image)}`;
  // A volume's `name:` (or an external one) changed under the same key: as Compose, check the mounts.
  const unmounted = c.volumes && wanted.volumes?.find((v) => !c.volumes!.includes(v));
  if (unmounted) return `volume ${unmounted} is not mounted`;
  const shares = [service.network_mode, service.ipc, service.pid, ...(service.volumes_from ?? [])]
    .filter((v): v is string => !!v)
    .map((v) => v.replace(/^service:/, '').split(':')[0]);
  const shared = recreatedDeps.find((d) => shares.includes(d));
  if (shared) return `shares a namespace or volumes with recreated service "${shared}"`;
  return undefined;
}

/** The attributes that differ from the config stored on the container; undefined when it has none (made by Compose or an older berth). */
function configChanges(c: ObservedContainer, wanted: WantedContainer): string | undefined {
  const stored = decodeConfigLabel(c.labels);
  if (stored === undefined) return undefined;
  const changes = diffConfig(stored, storableConfig(hashedServiceConfig(wanted.service, wanted.sources)));
  return changes.length ? describeChanges(changes) : undefined;
}

function planOrphans(
  b: PlanGraph<Step>,
  project: Project,
  byService: Map<string, ObservedContainer[]>,
  options: Pick<UpPlanOptions, 'removeOrphans' | 'disabled'>,
  observed: ObservedContainer[],
): void {
  // As Compose: one-off (`run`) containers that have exited are orphans too.
  const orphans = [...byService.entries()]
    .filter(([s]) => !project.services[s] && !options.disabled?.includes(s))
    .flatMap(([, cs]) => cs)
    .concat(observed.filter((c) => c.oneoff && (c.state === 'exited' || c.state === 'dead')));
  if (!orphans.length) return;
  if (!options.removeOrphans) {
    b.warnings.push(
      `found orphan containers (${orphans.map((c) => c.name).join(', ')}) for this project: if you removed or renamed their service, run with --remove-orphans to clean them up`,
    );
    return;
  }
  for (const c of orphans) {
    const stop = b.add(`stop:${c.name}`, { kind: 'stop-container', service: c.service, container: ref(c) }, 'orphan');
    b.add(
      `remove:${c.name}`,
      { kind: 'remove-container', service: c.service, container: ref(c), volumes: false },
      'orphan',
      [stop],
    );
  }
}

export interface DownPlanOptions {
  /** Also remove the project's named volumes and the containers' anonymous volumes (Compose keeps both by default). */
  volumes?: boolean;
  removeOrphans?: boolean;
  rmi?: 'local' | 'all';
  /** Only these services and the services that depend on them; networks, volumes and images the rest still use stay. */
  services?: string[];
}

/** Down: stop dependents before their dependencies, then remove networks and (if asked) volumes and images. */
export function planDown(project: Project, observed: Observed, options: DownPlanOptions = {}): Plan {
  const b = new PlanGraph<Step>();
  const graph = new ServiceGraph(project);
  const byService = groupContainers(observed.containers);
  const removed: string[] = [];
  const known = new Set(Object.keys(project.services));
  const volumes = !!options.volumes;
  const selected = options.services?.length
    ? graph.withDependents(selectServices(project, graph, options.services, true))
    : known;
  // Services left running keep what they use.
  const staying = [...byService.keys()].filter((s) => known.has(s) && !selected.has(s)).map((s) => project.services[s]);
  const inUse = (uses: (service: Service) => string[]) => new Set(staying.flatMap(uses));

  planStops(b, graph, byService, 'down', selected);
  for (const [service, containers] of byService) {
    if (known.has(service) && !selected.has(service)) continue;
    if (!known.has(service) && !options.removeOrphans) {
      if (containers.some((c) => !c.oneoff))
        b.warnings.push(
          `found orphan containers (${containers.map((c) => c.name).join(', ')}): run with --remove-orphans to remove them`,
        );
      continue;
    }
    for (const c of containers) {
      const stop = b.has(`stop:${c.name}`)
        ? `stop:${c.name}`
        : b.add(
            `stop:${c.name}`,
            { kind: 'stop-container', service, container: ref(c) },
            known.has(service) ? 'down' : 'orphan',
          );
      removed.push(
        b.add(`remove:${c.name}`, { kind: 'remove-container', service, container: ref(c), volumes }, 'down', [stop]),
      );
    }
  }
  // One-off containers (`run`) go too: they would keep networks in use.
  for (const c of observed.containers.filter((c) => c.oneoff && (selected.has(c.service) || !known.has(c.service)))) {
    const stop = b.add(
      `stop:${c.name}`,
      { kind: 'stop-container', service: c.service, container: ref(c) },
      'one-off container',
    );
    removed.push(
      b.add(
        `remove:${c.name}`,
        { kind: 'remove-container', service: c.service, container: ref(c), volumes },
        'one-off container',
        [stop],
      ),
    );
  }

  const usedNetworks = inUse(attachedNetworks);
  for (const [key, network] of Object.entries(project.networks)) {
    const found = observed.networks[network.name];
    if (network.external || !found || found.project !== project.name || usedNetworks.has(key)) continue;
    b.add(`network:${key}`, { kind: 'remove-network', key, name: network.name }, 'down', removed);
  }
  if (volumes) {
    const usedVolumes = inUse(namedVolumes);
    for (const [key, volume] of Object.entries(project.volumes)) {
      const found = observed.volumes[volume.name];
      if (volume.external || !found || found.project !== project.name || usedVolumes.has(key)) continue;
      b.add(`volume:${key}`, { kind: 'remove-volume', key, name: volume.name }, '--volumes', removed);
    }
  }
  if (options.rmi) {
    const usedImages = inUse((service) => [imageRef(project.name, service)]);
    const images = new Set<string>();
    for (const name of selected) {
      const service = project.services[name];
      if (options.rmi === 'all' || !service.image) images.add(imageRef(project.name, service));
    }
    for (const image of images)
      if (!usedImages.has(image))
        b.add(`image:${image}`, { kind: 'remove-image', image }, `--rmi ${options.rmi}`, removed);
  }
  return b.plan();
}

/** Stops every given container, dependents before their dependencies. */
function planStops(
  b: PlanGraph<Step>,
  graph: ServiceGraph,
  byService: Map<string, ObservedContainer[]>,
  reason: string,
  only?: Set<string>,
): void {
  const stopIds = new Map<string, string[]>();
  for (const name of [...graph.order()].reverse()) {
    if (only && !only.has(name)) continue;
    const after = graph.dependents(name).flatMap((d) => stopIds.get(d) ?? []);
    stopIds.set(
      name,
      (byService.get(name) ?? []).map((c) =>
        b.add(`stop:${c.name}`, { kind: 'stop-container', service: name, container: ref(c) }, reason, after),
      ),
    );
  }
}

/** `stop`: running containers of the selected services, dependents first. */
export function planStop(project: Project, observed: Observed, services?: string[]): Plan {
  const b = new PlanGraph<Step>();
  const graph = new ServiceGraph(project);
  const running = new Map(
    [...groupContainers(observed.containers)].map(([s, cs]) => [
      s,
      cs.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused'),
    ]),
  );
  planStops(b, graph, running, 'stop', services?.length ? new Set(services) : undefined);
  return b.plan();
}

/**
 * `restart`, as Compose v2: the selected services' containers and (unless `noDeps`) those of the
 * services that depend on them with `restart: true`, transitively. A service restarts after the
 * dependencies it restarts with; otherwise everything restarts in parallel.
 */
export function planRestart(project: Project, observed: Observed, services?: string[], noDeps = false): Plan {
  const b = new PlanGraph<Step>();
  const graph = new ServiceGraph(project);
  const byService = groupContainers(observed.containers);
  const restartsWith = (service: string, dep: string) => graph.dependency(service, dep)?.restart === true;
  const why = new Map((services?.length ? services : Object.keys(project.services)).map((s) => [s, 'restart']));
  if (services?.length && !noDeps) {
    const queue = [...why.keys()];
    for (let dep = queue.pop(); dep !== undefined; dep = queue.pop()) {
      for (const s of graph.dependents(dep).filter((d) => restartsWith(d, dep!) && !why.has(d))) {
        why.set(s, `depends on ${dep} with restart: true`);
        queue.push(s);
      }
    }
  }
  const ids = new Map<string, string[]>();
  for (const service of graph.order()) {
    const reason = why.get(service);
    if (reason === undefined) continue;
    const after = graph
      .dependencies(service)
      .filter((d) => restartsWith(service, d))
      .flatMap((d) => ids.get(d) ?? []);
    ids.set(
      service,
      (byService.get(service) ?? []).map((c) =>
        b.add(
          `restart:${c.name}`,
          { kind: 'restart-container', service, number: c.number, container: ref(c) },
          reason,
          after,
        ),
      ),
    );
  }
  return b.plan();
}

/** `rm`: stopped containers of the selected services (all of them with `stop`). */
export function planRemove(
  project: Project,
  observed: Observed,
  options: { services?: string[]; stop?: boolean; volumes?: boolean } = {},
): Plan {
  const b = new PlanGraph<Step>();
  for (const [service, containers] of groupContainers(observed.containers)) {
    if (!project.services[service] || (options.services?.length && !options.services.includes(service))) continue;
    for (const c of containers) {
      const stopped = c.state !== 'running' && c.state !== 'restarting' && c.state !== 'paused';
      if (!stopped && !options.stop) continue;
      const after = stopped
        ? []
        : [b.add(`stop:${c.name}`, { kind: 'stop-container', service, container: ref(c) }, 'rm --stop')];
      b.add(
        `remove:${c.name}`,
        { kind: 'remove-container', service, container: ref(c), volumes: !!options.volumes },
        'rm',
        after,
      );
    }
  }
  return b.plan();
}

function groupContainers(containers: ObservedContainer[]): Map<string, ObservedContainer[]> {
  const out = new Map<string, ObservedContainer[]>();
  for (const c of containers) {
    if (c.oneoff) continue;
    const list = out.get(c.service) ?? [];
    list.push(c);
    out.set(c.service, list);
  }
  return out;
}

function ref(c: ObservedContainer): ContainerRef {
  return { id: c.id, name: c.name };
}

export function attachedNetworks(service: Service): string[] {
  return service.network_mode ? [] : Object.keys(service.networks ?? {});
}

export function namedVolumes(service: Service): string[] {
  return (service.volumes ?? []).flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : []));
}

/** The plan as text, one step a line with the steps it waits on, for dry runs and golden tests. */
export function formatPlan(plan: Plan): string {
  return formatPlanGraph(plan, (n) => n.step.kind === 'service-ready');
}
