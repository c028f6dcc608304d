// One-off containers (`run`): the service's configuration with the command line's changes, a
// random slug in the name (`<project>-<service>-run-<12 hex>`), and the labels Compose gives
// them (`oneoff=True`, `slug`), so that `ps`, `down` and the planner know them for what they are.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { BerthError, ServiceError } from '../errors.js';
import { resolveBindSource } from '../loader/resolve-paths.js';
import { parsePortSpec } from '../loader/short-syntax/ports.js';
import { parseVolume } from '../loader/short-syntax/volumes.js';
import type { LoadedProject, PortConfig, Service, ServiceVolume } from '../model/types.js';
import { imageRef } from '../model/naming.js';
import { containerLabels, containerLookup, createFromSpec } from './container-create.js';
import { engineCapabilities } from './capabilities.js';
import type { Engine } from './connect.js';
import { containerSpec } from './convert.js';

export interface OneOffChanges {
  /** Replaces the service's command. */
  command?: string[];
  /** Replaces the entrypoint; without a command it also clears the service's command, as Compose does. */
  entrypoint?: string[];
  /** Set over the service's environment. */
  env?: Record<string, string>;
  /** Added to the service's volumes; one with the same target replaces the service's. */
  volumes?: ServiceVolume[];
  /** Ports to publish. The service's own are published only with `servicePorts`. */
  ports?: PortConfig[];
  servicePorts?: boolean;
  user?: string;
  workdir?: string;
  labels?: Record<string, string>;
  tty: boolean;
  /** Keep stdin open. */
  interactive: boolean;
}

/** The service as a one-off container runs it (Compose's applyRunOptions): no restart policy, one replica, no container_name. */
export function oneOffService(service: Service, changes: OneOffChanges): Service {
  const result: Service = { ...service, tty: changes.tty, stdin_open: changes.interactive, scale: 1 };
  delete result.container_name;
  delete result.restart;
  if (result.deploy) {
    const { restart_policy: _ignored, ...deploy } = result.deploy;
    result.deploy = { ...deploy, replicas: 1 };
  }
  if (changes.command?.length) result.command = changes.command;
  if (changes.entrypoint) {
    result.entrypoint = changes.entrypoint;
    if (!changes.command?.length) result.command = [];
  }
  if (changes.user) result.user = changes.user;
  if (changes.workdir) result.working_dir = changes.workdir;
  if (changes.env && Object.keys(changes.env).length) result.environment = { ...service.environment, ...changes.env };
  if (changes.labels && Object.keys(changes.labels).length) result.labels = { ...service.labels, ...changes.labels };
  if (changes.volumes?.length) {
    const targets = new Set(changes.volumes.map((v) => v.target));
    result.volumes = [...(service.volumes ?? []).filter((v) => !targets.has(v.target)), ...changes.volumes];
  }
  result.ports = changes.servicePorts ? service.ports : changes.ports?.length ? changes.ports : undefined;
  if (!result.ports) delete result.ports;
  return result;
}

/** A new slug: 64 hex digits, the first 12 of which name the container. */
export function newSlug(): string {
  return randomBytes(32).toString('hex');
}

export function oneOffName(project: string, service: string, slug: string): string {
  return `${project}-${service}-run-${slug.slice(0, 12)}`;
}

/** `-v` values in the short syntax, bind sources made absolute against `cwd`. */
export function parseVolumeArgs(values: readonly string[], cwd: string): ServiceVolume[] {
  return values.map((value) => {
    const mount = resolveBindSource(parseFlag('-v/--volume', value, parseVolume), cwd);
    return mount as unknown as ServiceVolume;
  });
}

/** `-p` values in the short syntax (`[ip:][host:]container[/protocol]`, ranges too). */
export function parsePortArgs(values: readonly string[]): PortConfig[] {
  return values.flatMap((value) => parseFlag('-p/--publish', value, parsePortSpec) as unknown as PortConfig[]);
}

/** A flag's value read by its short-syntax parser; a fault names the flag and the value. */
function parseFlag<T>(flag: string, value: string, parse: (spec: string) => T): T {
  try {
    return parse(value);
  } catch (err) {
    throw new BerthError('usage', `${flag} "${value}": ${(err as Error).message}`);
  }
}

export interface CreateOneOffOptions {
  /** The service after `oneOffService`. */
  service: Service;
  name: string;
  slug: string;
  /** Remove the container when it exits (the engine's AutoRemove). */
  autoRemove?: boolean;
  /** Give the container the service's network aliases, so other services reach it by the service name. */
  useAliases?: boolean;
  /** The process's stdin will be attached: close the container's stdin when it ends. */
  attachStdin?: boolean;
}

/** Creates the one-off container (networks connected, secret and config files in place), not started. */
export async function createOneOff(
  engine: Engine,
  loaded: LoadedProject,
  options: CreateOneOffOptions,
): Promise<Docker.Container> {
  const project = loaded.project;
  const { service } = options;
  const image = imageRef(project.name, service);
  const imageInfo = await engine
    .getImage(image)
    .inspect()
    .catch(() => {
      throw new ServiceError('engine', service.name, `image "${image}" is not present on the engine`);
    });
  // A named volume given with -v that the project does not declare is used by its own name.
  const volumes = { ...project.volumes } as Record<string, { name: string }>;
  for (const v of service.volumes ?? []) {
    if (v.type === 'volume' && v.source && !volumes[v.source]) volumes[v.source] = { name: v.source };
  }
  const spec = containerSpec({
    capabilities: await engineCapabilities(engine),
    projectName: project.name,
    service,
    number: 1,
    containerName: options.name,
    ownershipLabels: containerLabels(loaded, service, { number: 1, imageId: imageInfo.Id, oneoffSlug: options.slug }),
    networks: project.networks,
    volumes,
    secrets: project.secrets,
    configs: project.configs,
    image,
    ...(await containerLookup(engine, project.name, service)),
    hostEnv: loaded.environment,
    envFromFiles: {},
    workingDir: loaded.workingDir,
  });
  const create = spec.create;
  create.HostConfig = { ...create.HostConfig, AutoRemove: options.autoRemove || undefined };
  create.AttachStdin = options.attachStdin ?? false;
  create.StdinOnce = (options.attachStdin ?? false) && service.stdin_open === true;
  if (!options.useAliases) {
    // As Compose: a one-off container is reached by its own name only, never in place of the service.
    for (const endpoint of Object.values(create.NetworkingConfig?.EndpointsConfig ?? {})) delete endpoint.Aliases;
    for (const { endpoint } of spec.connectAfterCreate) delete endpoint.Aliases;
  }
  return createFromSpec(engine, service.name, spec);
}
