// A normalized service -> a Swarm ServiceSpec, as `docker stack deploy` builds it, plus what
// berth adds: the legacy resource attributes honoured, GPU reservations as generic resources,
// and two hashes stored in labels so a redeploy can tell what changed without comparing the
// engine-filled spec. Pure: the same service always yields the same spec.
import { createHash } from 'node:crypto';
import { ServiceError } from '../errors.js';
import { toNanoseconds } from '../engine/duration.js';
import { canonicalJson } from '../model/hash.js';
import { Label, projectLabels } from '../model/labels.js';
import type {
  DeviceRequest,
  Project,
  Service,
  ServiceVolume,
  UpdateConfig as ComposeUpdateConfig,
} from '../model/types.js';
import {
  STACK_IMAGE,
  STACK_NAMESPACE,
  type ContainerSpec,
  type EndpointSpec,
  type GenericResource,
  type ModeName,
  type Mount,
  type ServiceMode,
  type ServiceSpec,
  type TaskSpec,
  type UpdateConfig,
} from './types.js';

export interface SwarmServiceInput {
  project: Project;
  service: Service;
  /** Engine names of the secrets and configs the service refers to, by compose key. */
  secretNames: Record<string, string>;
  configNames: Record<string, string>;
  /** berth's own environment, for `environment` entries given without a value. */
  hostEnv: Record<string, string | undefined>;
}

export interface SwarmService {
  /** The compose key. */
  key: string;
  /** `<project>_<service>`, as Docker's stack tooling names it. */
  name: string;
  /** Secret and config IDs are empty: they are filled in when the plan runs. */
  spec: ServiceSpec;
  mode: ModeName;
  /** Hash of the whole spec, stored in the service's config-hash label. */
  specHash: string;
  /** Hash of the task template, stored in each task's container labels: tells current tasks from old ones. */
  taskHash: string;
  /** What could be converted only approximately. */
  warnings: string[];
}

export function stackServiceName(project: string, service: string): string {
  return `${project}_${service}`;
}

export function swarmService(input: SwarmServiceInput): SwarmService {
  const { project, service } = input;
  const fail = (message: string) => new ServiceError('usage', service.name, message);
  if (!service.image)
    throw fail(
      'Swarm runs images, and this service has only build: set image: to the name the built image is pushed as',
    );
  const warnings: string[] = [];
  const mode = modeName(service, fail);
  const name = stackServiceName(project.name, service.name);

  const containerLabels = { ...service.labels, [STACK_NAMESPACE]: project.name };
  const task: TaskSpec = {
    ContainerSpec: containerSpec(input, containerLabels, warnings),
    Resources: resources(service),
    RestartPolicy: restartPolicy(service, fail),
    Placement: placement(service),
    Networks: networks(input),
    LogDriver: service.logging?.driver ? { Name: service.logging.driver, Options: service.logging.options } : undefined,
  };
  const taskHash = hash(task);
  task.ContainerSpec.Labels = { ...containerLabels, [Label.configHash]: taskHash };

  const spec: ServiceSpec = {
    Name: name,
    Labels: {
      ...service.deploy?.labels,
      ...projectLabels(project.name),
      [STACK_NAMESPACE]: project.name,
      [Label.service]: service.name,
      [STACK_IMAGE]: service.image,
    },
    TaskTemplate: task,
    Mode: serviceMode(service, mode, fail),
    UpdateConfig: updateConfig(service.deploy?.update_config),
    RollbackConfig: updateConfig(service.deploy?.rollback_config),
    EndpointSpec: endpointSpec(service, fail),
  };
  const specHash = hash(spec);
  spec.Labels[Label.configHash] = specHash;
  return { key: service.name, name, spec: stripUndefined(spec), mode, specHash, taskHash, warnings };
}

function hash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(stripUndefined(value)))
    .digest('hex');
}

/** JSON without undefined members, so a hash never depends on which optional fields were spelled out. */
function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function modeName(service: Service, fail: (m: string) => Error): ModeName {
  const mode = service.deploy?.mode ?? 'replicated';
  if (mode === 'replicated' || mode === 'global' || mode === 'replicated-job' || mode === 'global-job') return mode;
  throw fail(`deploy.mode "${mode}" is not one of replicated, global, replicated-job, global-job`);
}

function serviceMode(service: Service, mode: ModeName, fail: (m: string) => Error): ServiceMode {
  const replicas = service.deploy?.replicas ?? service.scale;
  if ((mode === 'global' || mode === 'global-job') && service.deploy?.replicas !== undefined) {
    throw fail(`deploy.replicas cannot be used with mode ${mode} (one task per node)`);
  }
  switch (mode) {
    case 'global':
      return { Global: {} };
    case 'global-job':
      return { GlobalJob: {} };
    case 'replicated-job':
      return { ReplicatedJob: { MaxConcurrent: replicas ?? 1, TotalCompletions: replicas ?? 1 } };
    case 'replicated':
      return { Replicated: { Replicas: replicas ?? 1 } };
  }
}

function containerSpec(input: SwarmServiceInput, labels: Record<string, string>, warnings: string[]): ContainerSpec {
  const { service } = input;
  const sorted = <T extends { File: { Name: string } }>(refs: T[]) =>
    refs.sort((a, b) => (a.File.Name < b.File.Name ? -1 : a.File.Name > b.File.Name ? 1 : 0));
  const secrets = sorted(
    (service.secrets ?? []).map((ref) => ({
      File: { Name: ref.target ?? ref.source, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: ref.mode ?? 0o444 },
      SecretID: '',
      SecretName: objectName(input, 'secret', ref.source),
    })),
  );
  const configs = sorted(
    (service.configs ?? []).map((ref) => ({
      File: { Name: ref.target ?? `/${ref.source}`, UID: ref.uid ?? '0', GID: ref.gid ?? '0', Mode: ref.mode ?? 0o444 },
      ConfigID: '',
      ConfigName: objectName(input, 'config', ref.source),
    })),
  );
  const check = service.healthcheck;
  const dns = service.dns?.length || service.dns_search?.length || service.dns_opt?.length;
  const mounts = [
    ...(service.volumes ?? []).map((v) => mount(v, input, warnings)),
    ...(service.tmpfs ?? []).map(tmpfsMount),
  ];
  return {
    Image: service.image!,
    Labels: labels,
    Command: service.entrypoint ?? undefined,
    Args: service.command ?? undefined,
    Hostname: service.hostname,
    Env: environment(input),
    Dir: service.working_dir,
    User: service.user,
    Groups: service.group_add,
    TTY: service.tty,
    OpenStdin: service.stdin_open,
    ReadOnly: service.read_only,
    Mounts: mounts.length ? mounts : undefined,
    StopSignal: service.stop_signal,
    StopGracePeriod: toNanoseconds(service.stop_grace_period),
    Healthcheck:
      check &&
      (check.disable
        ? { Test: ['NONE'] }
        : {
            Test: check.test,
            Interval: toNanoseconds(check.interval),
            Timeout: toNanoseconds(check.timeout),
            Retries: check.retries,
            StartPeriod: toNanoseconds(check.start_period),
          }),
    // SwarmKit writes /etc/hosts lines: "IP hostname".
    Hosts: service.extra_hosts
      ? Object.entries(service.extra_hosts).flatMap(([host, ips]) => ips.map((ip) => `${ip} ${host}`))
      : undefined,
    DNSConfig: dns ? { Nameservers: service.dns, Search: service.dns_search, Options: service.dns_opt } : undefined,
    Secrets: secrets.length ? secrets : undefined,
    Configs: configs.length ? configs : undefined,
    Isolation: service.isolation,
    Init: service.init,
    Sysctls: service.sysctls,
    CapabilityAdd: service.cap_add,
    CapabilityDrop: service.cap_drop,
    Ulimits: service.ulimits
      ? Object.entries(service.ulimits)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([Name, u]) => ({ Name, Soft: u.soft, Hard: u.hard }))
      : undefined,
  };
}

function objectName(input: SwarmServiceInput, noun: 'secret' | 'config', key: string): string {
  const name = (noun === 'secret' ? input.secretNames : input.configNames)[key];
  if (name === undefined)
    throw new ServiceError('reference', input.service.name, `refers to undefined ${noun} "${key}"`);
  return name;
}

/** `environment` (env_file already merged in by the loader), sorted; a variable without value passes berth's own through, or is left out. */
function environment(input: SwarmServiceInput): string[] | undefined {
  const env = new Map<string, string>();
  for (const [key, value] of Object.entries(input.service.environment ?? {})) {
    const resolved = value ?? input.hostEnv[key];
    if (resolved !== undefined) env.set(key, resolved);
  }
  return env.size ? [...env].map(([key, value]) => `${key}=${value}`).sort() : undefined;
}

function mount(volume: ServiceVolume, input: SwarmServiceInput, warnings: string[]): Mount {
  const { service, project } = input;
  const base = { Target: volume.target, ReadOnly: volume.read_only || undefined, Consistency: volume.consistency };
  switch (volume.type) {
    case 'bind':
      warnings.push(
        `service "${service.name}": bind mount ${volume.source} must exist on every node the service runs on (Swarm does not create it)`,
      );
      return {
        ...base,
        Type: 'bind',
        Source: volume.source,
        BindOptions:
          volume.bind?.propagation || volume.bind?.recursive === 'disabled'
            ? { Propagation: volume.bind.propagation, NonRecursive: volume.bind.recursive === 'disabled' || undefined }
            : undefined,
      };
    case 'volume': {
      if (volume.source === undefined)
        return { ...base, Type: 'volume', VolumeOptions: volume.volume?.nocopy ? { NoCopy: true } : undefined };
      const declared = project.volumes[volume.source];
      if (!declared) throw new ServiceError('reference', service.name, `refers to undefined volume "${volume.source}"`);
      // Each node creates the volume when a task first needs it: its driver, options and
      // labels travel in the mount.
      const options = declared.external
        ? { NoCopy: volume.volume?.nocopy }
        : {
            NoCopy: volume.volume?.nocopy,
            Labels: {
              ...declared.labels,
              ...projectLabels(project.name),
              [Label.volume]: volume.source,
              [STACK_NAMESPACE]: project.name,
            },
            DriverConfig:
              declared.driver || declared.driver_opts
                ? { Name: declared.driver, Options: declared.driver_opts }
                : undefined,
          };
      return { ...base, Type: 'volume', Source: declared.name, VolumeOptions: options };
    }
    case 'tmpfs':
      return {
        ...base,
        Type: 'tmpfs',
        TmpfsOptions: volume.tmpfs && { SizeBytes: volume.tmpfs.size, Mode: volume.tmpfs.mode },
      };
    case 'npipe':
      return { ...base, Type: 'npipe', Source: volume.source };
    default:
      throw new ServiceError(
        'usage',
        service.name,
        `volume at ${volume.target}: mounts of type ${volume.type} are not supported by Swarm services`,
      );
  }
}

/** `tmpfs: /path[:size=N,mode=M]` -> a tmpfs mount. */
function tmpfsMount(entry: string): Mount {
  const [target, options = ''] = entry.split(/:(.*)/s);
  const opts = Object.fromEntries(
    options
      .split(',')
      .filter(Boolean)
      .map((o) => o.split('=') as [string, string]),
  );
  const size = opts.size === undefined ? undefined : Number.parseInt(opts.size, 10);
  const mode = opts.mode === undefined ? undefined : Number.parseInt(opts.mode, 8);
  return {
    Type: 'tmpfs',
    Target: target,
    TmpfsOptions: size !== undefined || mode !== undefined ? { SizeBytes: size, Mode: mode } : undefined,
  };
}

/** deploy.resources, falling back to the legacy cpus, mem_limit, mem_reservation and pids_limit. */
function resources(service: Service): TaskSpec['Resources'] {
  const limits = service.deploy?.resources?.limits;
  const reservations = service.deploy?.resources?.reservations;
  const cpus = limits?.cpus ?? service.cpus;
  const memory = limits?.memory ?? service.mem_limit;
  const pids = limits?.pids ?? service.pids_limit;
  const reservedCpus = reservations?.cpus;
  const reservedMemory = reservations?.memory ?? service.mem_reservation;
  const generic = genericResources(service);
  const Limits =
    cpus !== undefined || memory !== undefined || pids !== undefined
      ? { NanoCPUs: cpus === undefined ? undefined : Math.round(cpus * 1e9), MemoryBytes: memory, Pids: pids }
      : undefined;
  const Reservations =
    reservedCpus !== undefined || reservedMemory !== undefined || generic.length
      ? {
          NanoCPUs: reservedCpus === undefined ? undefined : Math.round(reservedCpus * 1e9),
          MemoryBytes: reservedMemory,
          GenericResources: generic.length ? generic : undefined,
        }
      : undefined;
  return Limits || Reservations ? { Limits, Reservations } : undefined;
}

/**
 * `generic_resources` as given, and GPU device reservations as Swarm schedules them: a count
 * of the kind "NVIDIA-GPU" (nodes advertise it with `node-generic-resources`), or the named
 * devices when `device_ids` lists them.
 */
export function genericResources(service: Service): GenericResource[] {
  const reservations = service.deploy?.resources?.reservations;
  const out: GenericResource[] = (reservations?.generic_resources ?? []).map((r) => ({
    DiscreteResourceSpec: { Kind: r.discrete_resource_spec.kind, Value: r.discrete_resource_spec.value },
  }));
  (reservations?.devices ?? []).forEach((device, i) =>
    out.push(...deviceResources(service, device, `deploy.resources.reservations.devices[${i}]`)),
  );
  return out;
}

function deviceResources(service: Service, device: DeviceRequest, field: string): GenericResource[] {
  const fail = (message: string) => new ServiceError('usage', service.name, `${field}: ${message}`);
  const gpu = device.driver === 'nvidia' || (device.capabilities ?? []).includes('gpu');
  if (!gpu)
    throw fail(
      `Swarm reserves only GPUs (driver nvidia or capability gpu) as generic resources; got driver "${device.driver ?? ''}" with capabilities [${(device.capabilities ?? []).join(', ')}]`,
    );
  const kind = 'NVIDIA-GPU';
  if (device.device_ids?.length) {
    if (device.count !== undefined) throw fail('count and device_ids are mutually exclusive');
    return device.device_ids.map((id) => ({ NamedResourceSpec: { Kind: kind, Value: id } }));
  }
  const count = device.count as number | 'all' | undefined;
  if (count === undefined || count === -1 || count === 'all') {
    throw fail('Swarm reserves GPUs by number: set count to how many each task needs (it cannot reserve "all")');
  }
  return [{ DiscreteResourceSpec: { Kind: kind, Value: count } }];
}

/** deploy.restart_policy, else `restart:` translated as Docker's stack tooling does ("no" is kept as none). */
function restartPolicy(service: Service, fail: (m: string) => Error): TaskSpec['RestartPolicy'] {
  const policy = service.deploy?.restart_policy;
  if (policy) {
    return {
      Condition: policy.condition,
      Delay: toNanoseconds(policy.delay),
      MaxAttempts: policy.max_attempts,
      Window: toNanoseconds(policy.window),
    };
  }
  if (!service.restart) return undefined;
  const [name, attempts] = service.restart.split(':');
  const max = attempts === undefined ? undefined : Number(attempts) || undefined;
  switch (name) {
    case 'no':
      return { Condition: 'none' };
    case 'always':
    case 'unless-stopped':
      return { Condition: 'any', MaxAttempts: max };
    case 'on-failure':
      return { Condition: 'on-failure', MaxAttempts: max };
    default:
      throw fail(`restart "${service.restart}" is not one of no, always, on-failure, unless-stopped`);
  }
}

function placement(service: Service): TaskSpec['Placement'] {
  const p = service.deploy?.placement;
  const platform = service.platform?.split('/');
  const out = {
    Constraints: p?.constraints?.length ? p.constraints : undefined,
    Preferences: p?.preferences?.length
      ? p.preferences.map((pref) => ({ Spread: { SpreadDescriptor: pref.spread } }))
      : undefined,
    MaxReplicas: p?.max_replicas_per_node,
    Platforms: platform ? [{ OS: platform[0], Architecture: platform[1] }] : undefined,
  };
  return Object.values(out).some((v) => v !== undefined) ? out : undefined;
}

/** Overlay attachments, sorted, each with the service's name as an alias (as `docker stack deploy` does). */
function networks(input: SwarmServiceInput): TaskSpec['Networks'] {
  const { service, project } = input;
  const out = Object.entries(service.networks ?? {}).map(([key, options]) => {
    const network = project.networks[key];
    if (!network) throw new ServiceError('reference', service.name, `refers to undefined network "${key}"`);
    const builtin = ['host', 'bridge', 'none', 'ingress'].includes(network.name);
    return {
      Target: network.name,
      Aliases: builtin ? undefined : [...(options?.aliases ?? []), service.name],
      DriverOpts: options?.driver_opts,
    };
  });
  out.sort((a, b) => (a.Target < b.Target ? -1 : a.Target > b.Target ? 1 : 0));
  return out.length ? out : undefined;
}

function updateConfig(config: ComposeUpdateConfig | undefined): UpdateConfig | undefined {
  if (!config) return undefined;
  return {
    Parallelism: config.parallelism ?? 1,
    Delay: toNanoseconds(config.delay),
    FailureAction: config.failure_action,
    Monitor: toNanoseconds(config.monitor),
    MaxFailureRatio: config.max_failure_ratio,
    Order: config.order,
  };
}

function endpointSpec(service: Service, fail: (m: string) => Error): EndpointSpec {
  const ports = (service.ports ?? []).map((p, i) => {
    let published: number | undefined;
    if (p.published !== undefined && p.published !== '') {
      if (!/^\d+$/.test(p.published))
        throw fail(`ports[${i}]: Swarm publishes single ports, not the range "${p.published}"`);
      published = Number(p.published);
    }
    return {
      Name: p.name,
      Protocol: p.protocol ?? 'tcp',
      TargetPort: p.target,
      PublishedPort: published,
      PublishMode: p.mode ?? 'ingress',
    };
  });
  ports.sort(
    (a, b) =>
      a.TargetPort - b.TargetPort ||
      (a.PublishedPort ?? 0) - (b.PublishedPort ?? 0) ||
      a.Protocol.localeCompare(b.Protocol),
  );
  // Always sent: an update without it would keep ports the file no longer publishes.
  return { Mode: service.deploy?.endpoint_mode ?? 'vip', Ports: ports.length ? ports : undefined };
}
