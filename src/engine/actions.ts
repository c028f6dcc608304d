// The engine operations behind each kind of plan step. Each one is idempotent where the
// engine allows ("not found" on a removal is success), so an interrupted run can be re-run.
import type Docker from 'dockerode';
import {
  BerthError,
  isConflict,
  isNotFound,
  isNotModified,
  engineMessage,
  engineStatus,
  ServiceError,
} from '../errors.js';
import { Label, projectLabels } from '../model/labels.js';
import { networkConfigHash, serviceConfigHash, volumeConfigHash } from '../model/hash.js';
import type { LoadedProject, Network, Service } from '../model/types.js';
import type { PlanNode, Step } from '../reconcile/plan.js';
import { KEPT, type StepRunner } from '../reconcile/execute.js';
import { checkAllPresent, completedSuccessfully, isHealthy, withLastLogs, type ContainerEvents } from './wait.js';
import { imageRef, replicaCount } from '../model/naming.js';
import { engineCapabilities } from './capabilities.js';
import type { Engine } from './connect.js';
import { containerSpec } from './convert.js';
import { volumesFromContainers } from './convert-mounts.js';
import { runPostStartHooks, runPreStopHooks } from './hooks.js';
import { containerLabels, containerLookup, createFromSpec } from './container-create.js';
import { bodyOnly } from './request-body.js';
import type { Throttle } from './throttle.js';
import { toSeconds } from './duration.js';

export interface ActionContext {
  engine: Engine;
  loaded: LoadedProject;
  events: ContainerEvents;
  /** `-t/--timeout`: seconds to wait for a container to stop before killing it. */
  stopTimeout?: number;
  /** `-V`: do not carry anonymous volumes over to recreated containers. */
  renewAnonVolumes?: boolean;
  /** `--scale`: replica counts that override the project's. */
  scale?: Record<string, number>;
  /** Builds a service's image; provided by the build module. */
  build?: (service: Service, image: string, tags?: string[]) => Promise<void>;
  /** Pull progress, one line per status change. */
  onPullProgress?: (service: string, message: string) => void;
  warn: (message: string) => void;
  /** Image inspections shared by every container of the run. */
  imageCache?: Map<string, Promise<Docker.ImageInspectInfo>>;
  /** Bounds how many containers start or stop at once (engine/throttle.ts). */
  throttle: Throttle;
}

export function engineStepRunner(ctx: ActionContext): StepRunner<PlanNode> {
  const project = ctx.loaded.project;
  return async (step: Step, node: PlanNode) => {
    switch (step.kind) {
      case 'create-network':
        return createNetwork(ctx, step.key, project.networks[step.key]);
      case 'recreate-network':
        return recreateNetwork(ctx, step.key, project.networks[step.key]);
      case 'create-volume': {
        const volume = project.volumes[step.key];
        await ctx.engine.createVolume(
          bodyOnly({
            Name: volume.name,
            Driver: volume.driver,
            DriverOpts: volume.driver_opts,
            Labels: {
              ...volume.labels,
              ...projectLabels(project.name),
              [Label.volume]: step.key,
              [Label.configHash]: volumeConfigHash(volume),
            },
          }),
        );
        return;
      }
      case 'pull-image':
        return pullImage(ctx, step.service, step.image);
      case 'build-image':
        if (!ctx.build) throw new ServiceError('build', step.service, 'building images is not available here');
        return ctx.build(project.services[step.service], step.image, step.tags);
      case 'create-container':
        return createContainer(ctx, project.services[step.service], step.number, step.name, step.start);
      case 'recreate-container':
        return recreateContainer(ctx, project.services[step.service], step.number, step.name, step.old, step.start);
      case 'start-container':
        return startContainer(ctx, step.service, step.container.id);
      case 'restart-container':
        await ctx.throttle(() =>
          ctx.engine.getContainer(step.container.id).restart({ t: stopSeconds(ctx, project.services[step.service]) }),
        );
        return runPostStartHooks(ctx, project.services[step.service], step.container.id);
      case 'stop-container': {
        const hooks = await runPreStopHooks(ctx, project.services[step.service], step.container.id);
        await stopContainer(ctx, project.services[step.service], step.container.id);
        return hooks;
      }
      case 'remove-container':
        return removeContainer(ctx, step.container.id, step.volumes);
      case 'await-service':
        return awaitService(ctx, step.service, step.condition, step.required);
      case 'service-ready':
      case 'keep-job':
        return;
      case 'remove-network':
        return removeNetworks(ctx, step.name);
      case 'remove-volume':
        return removeOrWarn(ctx, `volume ${step.name}`, ctx.engine.getVolume(step.name).remove());
      case 'remove-image':
        return removeOrWarn(ctx, `image ${step.image}`, ctx.engine.getImage(step.image).remove());
      default:
        throw new Error(`no engine action for step ${node.id}`);
    }
  };
}

async function ignoring(statuses: number[], op: Promise<unknown>): Promise<void> {
  try {
    await op;
  } catch (err) {
    if (!statuses.includes(engineStatus(err) ?? 0)) throw err;
  }
}

async function removeOrWarn(ctx: ActionContext, what: string, op: Promise<unknown>): Promise<typeof KEPT | undefined> {
  try {
    await op;
  } catch (err) {
    const status = engineStatus(err);
    if (status === 404) return;
    if (status === 409 || status === 403) {
      ctx.warn(`${what} is still in use and was kept`);
      return KEPT;
    }
    throw err;
  }
}

/** Removes the project's networks of that name: a race between two tools can leave more than one. */
async function removeNetworks(ctx: ActionContext, name: string): Promise<typeof KEPT | undefined> {
  const found = await ctx.engine.listNetworks({
    filters: { name: [name], label: [`${Label.project}=${ctx.loaded.project.name}`] },
  });
  const exact = found.filter((n) => n.Name === name);
  const outcomes = await Promise.all(
    exact.map((n) => removeOrWarn(ctx, `network ${name}`, ctx.engine.getNetwork(n.Id).remove())),
  );
  return outcomes.includes(KEPT) ? KEPT : undefined;
}

function stopSeconds(ctx: ActionContext, service: Service | undefined): number | undefined {
  return ctx.stopTimeout ?? toSeconds(service?.stop_grace_period);
}

function networkCreateOptions(ctx: ActionContext, key: string, network: Network): Docker.NetworkCreateOptions {
  const ipam = network.ipam && {
    Driver: network.ipam.driver ?? 'default',
    Config: network.ipam.config?.map((c) => ({
      Subnet: c.subnet,
      IPRange: c.ip_range,
      Gateway: c.gateway,
      AuxiliaryAddresses: c.aux_addresses,
    })),
    Options: network.ipam.options,
  };
  return bodyOnly({
    Name: network.name,
    Driver: network.driver,
    Options: network.driver_opts,
    Internal: network.internal,
    Attachable: network.attachable,
    EnableIPv6: network.enable_ipv6,
    CheckDuplicate: true,
    IPAM: ipam as Docker.IPAM | undefined,
    Labels: {
      ...network.labels,
      ...projectLabels(ctx.loaded.project.name),
      [Label.network]: key,
      [Label.configHash]: networkConfigHash(network),
    },
  });
}

async function createNetwork(ctx: ActionContext, key: string, network: Network): Promise<void> {
  try {
    await ctx.engine.createNetwork(networkCreateOptions(ctx, key, network));
  } catch (err) {
    // Another run created it a moment ago: the same labels mean it is ours.
    const status = engineStatus(err);
    if (status !== 409) throw err;
  }
}

/**
 * Disconnects the network's containers, replaces the network, and reconnects them with the
 * endpoints they had: they keep their identity, as with Docker Compose. Stopped containers
 * count too: the network's own inspect lists only running ones, and a stopped container left
 * pointing at the removed network could never start again.
 */
async function recreateNetwork(ctx: ActionContext, key: string, network: Network): Promise<void> {
  const current = ctx.engine.getNetwork(network.name);
  const attached = await ctx.engine.listContainers({ all: true, filters: { network: [network.name] } });
  const endpoints = await Promise.all(
    attached.map(async ({ Id }) => {
      const networks = (await ctx.engine.getContainer(Id).inspect()).NetworkSettings.Networks as Record<
        string,
        Docker.EndpointSettings | undefined
      >;
      const { Aliases, IPAMConfig, Links, DriverOpts } = networks[network.name] ?? {};
      return { id: Id, config: { Aliases, IPAMConfig, Links, DriverOpts } };
    }),
  );
  await Promise.all(endpoints.map((e) => current.disconnect({ Container: e.id, Force: true })));
  await current.remove();
  await ctx.engine.createNetwork(networkCreateOptions(ctx, key, network));
  const replaced = ctx.engine.getNetwork(network.name);
  await Promise.all(endpoints.map((e) => replaced.connect({ Container: e.id, EndpointConfig: e.config })));
}

async function pullImage(ctx: ActionContext, service: string, image: string): Promise<void> {
  try {
    const stream = await ctx.engine.pull(image);
    await new Promise<void>((resolve, reject) => {
      ctx.engine.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; error?: string }) => {
          if (event.error) reject(new Error(event.error));
          else if (event.status) ctx.onPullProgress?.(service, event.status);
        },
      );
    });
  } catch (err) {
    const reason = ((err as { json?: { message?: string } }).json?.message ?? (err as Error).message).trim();
    throw new ServiceError('pull', service, `cannot pull image "${image}": ${reason}`, { cause: err });
  }
}

interface CreateRequest {
  service: Service;
  number: number;
  /** Name to create under (a temporary one when replacing). */
  createName: string;
  extraLabels?: Record<string, string>;
  /** Anonymous volumes of the replaced container, by mount target. */
  inheritedVolumes?: Record<string, string>;
}

async function create(ctx: ActionContext, req: CreateRequest): Promise<Docker.Container> {
  const project = ctx.loaded.project;
  const image = imageRef(project.name, req.service);
  const cache = (ctx.imageCache ??= new Map());
  if (!cache.has(image)) cache.set(image, ctx.engine.getImage(image).inspect());
  const imageInfo = await cache.get(image)!.catch(() => {
    throw new ServiceError('engine', req.service.name, `image "${image}" is not present on the engine`);
  });
  const lookup = await containerLookup(ctx.engine, project.name, req.service);
  const inheritedVolumes = await notShared(
    ctx,
    req.inheritedVolumes,
    volumesFromContainers(req.service, lookup.containerOf),
  );
  const spec = containerSpec({
    capabilities: await engineCapabilities(ctx.engine),
    projectName: project.name,
    service: req.service,
    number: req.number,
    containerName: req.createName,
    ownershipLabels: {
      ...containerLabels(ctx.loaded, req.service, { number: req.number, imageId: imageInfo.Id }),
      ...req.extraLabels,
    },
    networks: project.networks,
    volumes: project.volumes,
    secrets: project.secrets,
    configs: project.configs,
    image,
    ...lookup,
    hostEnv: ctx.loaded.environment,
    envFromFiles: {},
    inheritedVolumes,
  });
  for (const message of spec.warnings) ctx.warn(message);
  const mounted = new Set((spec.create.HostConfig?.Mounts ?? []).map((m) => m.Source));
  for (const [target, volume] of Object.entries(inheritedVolumes ?? {})) {
    if (!mounted.has(volume))
      ctx.warn(
        `service "${req.service.name}": anonymous volume ${volume} (at ${target}) is no longer mounted and was kept; remove it with "docker volume rm ${volume}" once its data is not needed`,
      );
  }
  return createFromSpec(ctx.engine, req.service.name, spec);
}

/** Leaves out the volumes `volumes_from` provides: those follow the other container, not the replaced one. */
async function notShared(
  ctx: ActionContext,
  inherited: Record<string, string> | undefined,
  sources: string[],
): Promise<Record<string, string> | undefined> {
  if (!inherited || !sources.length) return inherited;
  const infos = await Promise.all(
    sources.map((id) =>
      ctx.engine
        .getContainer(id)
        .inspect()
        .catch(() => undefined),
    ),
  );
  const shared = new Set(infos.flatMap((info) => (info?.Mounts ?? []).map((m) => m.Destination)));
  return Object.fromEntries(Object.entries(inherited).filter(([target]) => !shared.has(target)));
}

/**
 * A container's anonymous volumes, by mount target: the engine names them with 64 hex digits.
 * A project volume is never one of them, whatever its name.
 */
function anonymousVolumes(ctx: ActionContext, info: Docker.ContainerInspectInfo): Record<string, string> {
  const declared = new Set(Object.values(ctx.loaded.project.volumes).map((v) => v.name));
  return Object.fromEntries(
    (info.Mounts ?? [])
      .filter((m) => m.Type === 'volume' && m.Name && /^[0-9a-f]{64}$/.test(m.Name) && !declared.has(m.Name))
      .map((m) => [m.Destination, m.Name!]),
  );
}

/**
 * Removes a container and, with `volumes`, its anonymous volumes. The engine's own `v` skips a
 * volume the container was given by name, which every volume carried over from a replaced
 * container is: those are removed here. One still in use elsewhere is kept, as the engine does.
 */
async function removeContainer(ctx: ActionContext, id: string, volumes: boolean): Promise<void> {
  const info = volumes
    ? await ctx.engine
        .getContainer(id)
        .inspect()
        .catch(() => undefined)
    : undefined;
  await ignoring([404, 409], ctx.engine.getContainer(id).remove({ force: true, v: volumes }));
  const anonymous = info ? Object.values(anonymousVolumes(ctx, info)) : [];
  await Promise.all(anonymous.map((name) => ignoring([404, 409], ctx.engine.getVolume(name).remove())));
}

async function createContainer(
  ctx: ActionContext,
  service: Service,
  number: number,
  name: string,
  start: boolean,
): Promise<string> {
  let id: string;
  try {
    id = (await create(ctx, { service, number, createName: name })).id;
  } catch (err) {
    if (!isNameConflict(err)) throw err;
    id = await adoptConcurrentlyCreated(ctx, service, name);
  }
  if (start) await startContainer(ctx, service.name, id);
  return id;
}

/** Bounded wait for another process to remove a container (up to a minute). */
async function waitUntilGone(ctx: ActionContext, id: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      await ctx.engine.getContainer(id).inspect();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new BerthError(
    'lock',
    `container ${id.slice(0, 12)} is being replaced by another run that did not finish within a minute`,
  );
}

function isNameConflict(err: unknown): boolean {
  return err instanceof Error && isConflict(err.cause);
}

/**
 * Another run (berth or Docker Compose) created the container a moment ago: if it is the
 * same service with the same configuration, that run converged it for us; anything else
 * with that name is reported, never removed.
 */
async function adoptConcurrentlyCreated(ctx: ActionContext, service: Service, name: string): Promise<string> {
  const existing = await ctx.engine.getContainer(name).inspect();
  const labels = existing.Config.Labels ?? {};
  if (labels[Label.project] !== ctx.loaded.project.name || labels[Label.service] !== service.name) {
    throw new ServiceError(
      'engine',
      service.name,
      `a container named "${name}" already exists and does not belong to this project's service: remove or rename it, or set container_name`,
    );
  }
  if (labels[Label.configHash] !== serviceConfigHash(service, ctx.loaded)) {
    throw new ServiceError(
      'lock',
      service.name,
      `container "${name}" was just created by another run with a different configuration: run up again once the other run has finished`,
    );
  }
  ctx.warn(`container ${name} was created by another run at the same time; using it`);
  return existing.Id;
}

/** Create the replacement under a temporary name, then stop and remove the old one, then rename: the service always has a container definition. */
async function recreateContainer(
  ctx: ActionContext,
  service: Service,
  number: number,
  name: string,
  old: { id: string; name: string },
  start: boolean,
): Promise<string> {
  // `-V` starts on fresh anonymous volumes; otherwise the replacement mounts the old ones.
  const inheritedVolumes = ctx.renewAnonVolumes
    ? undefined
    : anonymousVolumes(ctx, await ctx.engine.getContainer(old.id).inspect());
  let container: Docker.Container;
  try {
    container = await create(ctx, {
      service,
      number,
      createName: `${old.id.slice(0, 12)}_${name}`,
      extraLabels: { [Label.replace]: old.name },
      inheritedVolumes,
    });
  } catch (err) {
    if (!isNameConflict(err)) throw err;
    // Another run is replacing this very container: let it finish, then use its result.
    await waitUntilGone(ctx, old.id);
    return adoptConcurrentlyCreated(ctx, service, name);
  }
  await runPreStopHooks(ctx, service, old.id);
  await stopContainer(ctx, service, old.id);
  await removeContainer(ctx, old.id, !!ctx.renewAnonVolumes);
  await container.rename({ name });
  if (start) await startContainer(ctx, service.name, container.id);
  return container.id;
}

function stopContainer(ctx: ActionContext, service: Service, id: string): Promise<void> {
  return ctx.throttle(() => ignoring([304, 404], ctx.engine.getContainer(id).stop({ t: stopSeconds(ctx, service) })));
}

async function startContainer(ctx: ActionContext, service: string, id: string): Promise<void> {
  try {
    await ctx.throttle(() => ctx.engine.getContainer(id).start());
  } catch (err) {
    if (isNotModified(err)) return;
    throw new ServiceError('engine', service, `cannot start: ${engineMessage(err)}`, { cause: err });
  }
  await runPostStartHooks(ctx, ctx.loaded.project.services[service], id);
}

async function awaitService(
  ctx: ActionContext,
  service: string,
  condition: 'service_healthy' | 'service_completed_successfully',
  required: boolean,
): Promise<void> {
  const containers = await ctx.engine.listContainers({
    all: true,
    filters: {
      label: [`${Label.project}=${ctx.loaded.project.name}`, `${Label.service}=${service}`, `${Label.oneoff}=False`],
    },
  });
  const predicate = condition === 'service_healthy' ? isHealthy : completedSuccessfully;
  const expected = ctx.scale?.[service] ?? replicaCount(ctx.loaded.project.services[service]);
  try {
    checkAllPresent(service, expected, containers);
    await Promise.all(containers.map((c) => ctx.events.waitFor(c.Id, predicate)));
  } catch (err) {
    // The engine went away, or the run stopped waiting (Ctrl-C, another stage failed): not this service's failure.
    if (err instanceof BerthError && (err.code === 'engine-unreachable' || err.code === 'interrupted')) throw err;
    const failed = containers[0]?.Id;
    const message = failed ? await withLastLogs(ctx.engine, failed, (err as Error).message) : (err as Error).message;
    if (!required) {
      ctx.warn(`optional dependency "${service}" failed: ${message}`);
      return;
    }
    const outcome = condition === 'service_healthy' ? 'did not become healthy' : 'did not complete successfully';
    throw new ServiceError('dependency-failed', service, `${outcome}: ${message}`, { cause: err });
  }
}
