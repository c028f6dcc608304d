// A normalized service -> the Engine API's container-create body, plus what has to happen
// between create and start (extra networks, injected secret and config files). Pure apart from
// reading seccomp profiles, so the same service always yields the same request.
import type Dockerode from 'dockerode';
import type { FileObject, Healthcheck, Service } from '../model/types.js';
import type { InjectFile } from './convert-files.js';
import { storageSettings } from './convert-mounts.js';
import { namespaceMode, networkSettings } from './convert-network.js';
import { portSettings } from './convert-ports.js';
import { cdiGpuDevices, resourceSettings, type ResourceOptions } from './convert-resources.js';
import { securitySettings } from './convert-security.js';
import { toNanoseconds, toSeconds } from './duration.js';

export { deviceRequests } from './convert-resources.js';
export type { InjectFile } from './convert-files.js';

export interface ContainerSpecInput {
  projectName: string;
  service: Service;
  /** 1-based replica number. */
  number: number;
  /** Engine name of the container to create, e.g. "proj-web-1" (caller decides). */
  containerName: string;
  /** Labels the reconciler computed (project, service, number, config-hash, oneoff, ...): merged OVER the service's own labels so users cannot break ownership. */
  ownershipLabels: Record<string, string>;
  /** Engine names of the project's networks and volumes, keyed by their compose keys. */
  networks: Record<string, { name: string; external?: boolean }>;
  volumes: Record<string, { name: string }>;
  secrets: Record<string, FileObject>;
  configs: Record<string, FileObject>;
  /** Image reference to run (the caller picks `<project>-<service>` for built services without image). */
  image: string;
  /** Resolves `service:x` (network_mode, ipc, pid, volumes_from) to a container id or name of service x. */
  containerOf: (service: string) => string;
  /** The names of service x's containers, for `links`. */
  containerNamesOf: (service: string) => string[];
  /** Anonymous volumes of the container being replaced, by mount target: the new one mounts them again. */
  inheritedVolumes?: Record<string, string>;
  /** berth's own environment, for `environment` entries whose value is null (pass-through) and `environment`-backed secrets and configs. */
  hostEnv: Record<string, string | undefined>;
  /** Contents of the service's env_file entries, already parsed and merged in order (the caller reads the files). */
  envFromFiles: Record<string, string>;
  /** Project directory, against which a relative seccomp profile path resolves; the process's cwd if absent. */
  workingDir?: string;
  /** What the engine takes for GPUs (engineCapabilities()): CDI device names on Podman, if its API takes CDI at all. */
  capabilities?: ResourceOptions;
}

export interface ContainerSpec {
  create: Dockerode.ContainerCreateOptions;
  /** Networks to connect after create, in priority order, with their endpoint config (aliases, static IPs). */
  connectAfterCreate: { network: string; endpoint: Dockerode.EndpointSettings }[];
  /** Files to copy into the container before start (secrets/configs from `content` or `environment`). */
  injectFiles: InjectFile[];
  /** Settings a single host ignores, for the caller to show. */
  warnings: string[];
}

/** HostConfig fields the engine knows that @types/dockerode lacks. */
type HostConfig = Dockerode.HostConfig & { CgroupnsMode?: string; Annotations?: Record<string, string> };

export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { service } = input;
  const { injectFiles, warnings, ...storage } = storageSettings(input);
  const { connectAfterCreate, NetworkingConfig, NetworkDisabled, MacAddress, ...network } = networkSettings(input);
  const { ExposedPorts, PortBindings } = portSettings(service);
  const namespace = (mode: string | undefined) => namespaceMode(mode, input.containerOf);

  const HostConfig: HostConfig = {
    ...resourceSettings(service, input.capabilities),
    ...storage,
    ...network,
    ...securitySettings(service, input.workingDir ?? process.cwd()),
    PortBindings,
    Annotations: service.annotations,
    CapAdd: service.cap_add,
    CapDrop: service.cap_drop,
    Init: service.init,
    Privileged: service.privileged,
    ReadonlyRootfs: service.read_only,
    IpcMode: namespace(service.ipc),
    PidMode: namespace(service.pid),
    UTSMode: service.uts,
    UsernsMode: service.userns_mode,
    CgroupnsMode: service.cgroup,
    RestartPolicy: restartPolicy(service),
    ShmSize: service.shm_size,
    Sysctls: service.sysctls,
    StorageOpt: service.storage_opt,
    Dns: service.dns,
    DnsOptions: service.dns_opt,
    DnsSearch: service.dns_search,
    ExtraHosts: service.extra_hosts
      ? Object.entries(service.extra_hosts).flatMap(([host, ips]) => ips.map((ip) => `${host}:${ip}`))
      : undefined,
    GroupAdd: service.group_add,
    OomScoreAdj: service.oom_score_adj,
    Isolation: service.isolation,
    Runtime: service.runtime,
    LogConfig: service.logging && { Type: service.logging.driver ?? '', Config: service.logging.options ?? {} },
  };

  const create: Dockerode.ContainerCreateOptions = {
    name: input.containerName,
    // A query parameter since API 1.41: the engine refuses an image of another platform.
    platform: service.platform,
    Image: input.image,
    Cmd: service.command ?? undefined,
    Entrypoint: service.entrypoint ?? undefined,
    Env: environment(input),
    Labels: { ...service.labels, ...input.ownershipLabels },
    Hostname: service.hostname,
    Domainname: service.domainname,
    User: service.user,
    WorkingDir: service.working_dir,
    ExposedPorts,
    Tty: service.tty,
    OpenStdin: service.stdin_open,
    AttachStdout: true,
    AttachStderr: true,
    StopSignal: service.stop_signal,
    StopTimeout: toSeconds(service.stop_grace_period),
    Healthcheck: healthcheck(service.healthcheck),
    MacAddress,
    NetworkDisabled,
    HostConfig,
    NetworkingConfig,
  };
  const cdi = input.capabilities?.cdiGpus ? cdiGpuDevices(service) : [];
  if (cdi.length) warnings.push(`GPUs requested as CDI devices: ${cdi.join(', ')}`);
  return { create, connectAfterCreate, injectFiles, warnings };
}

/**
 * env_file values, overridden by `environment`; a null value passes berth's own through. One
 * berth does not have either goes as a bare name, which the engine reads as "unset": the
 * image's own value is removed too, as with Compose.
 */
function environment(input: ContainerSpecInput): string[] | undefined {
  // A Map: variable names are user data and must not reach Object.prototype.
  const env = new Map<string, string | undefined>(Object.entries(input.envFromFiles));
  for (const [key, value] of Object.entries(input.service.environment ?? {})) {
    env.set(key, value ?? input.hostEnv[key]);
  }
  return env.size ? [...env].map(([key, value]) => (value === undefined ? key : `${key}=${value}`)) : undefined;
}

function healthcheck(check: Healthcheck | undefined): Dockerode.HealthConfig | undefined {
  if (!check) return undefined;
  if (check.disable) return { Test: ['NONE'] };
  return {
    Test: check.test,
    Interval: toNanoseconds(check.interval),
    Timeout: toNanoseconds(check.timeout),
    StartPeriod: toNanoseconds(check.start_period),
    StartInterval: toNanoseconds(check.start_interval),
    Retries: check.retries,
  };
}

/** Compose and Swarm condition names -> engine restart policy names. */
const RESTART_POLICIES: Record<string, string> = {
  no: 'no',
  none: 'no',
  always: 'always',
  any: 'always',
  'on-failure': 'on-failure',
  'unless-stopped': 'unless-stopped',
};

/** `deploy.restart_policy` wins over `restart`, as in Compose; its condition defaults to "any". */
function restartPolicy(service: Service): Dockerode.HostRestartPolicy | undefined {
  const deploy = service.deploy?.restart_policy;
  if (deploy) return policy(deploy.condition ?? 'any', deploy.max_attempts);
  if (!service.restart) return undefined;
  const [condition, attempts] = service.restart.split(':');
  return policy(condition, attempts === undefined ? undefined : Number(attempts));
}

function policy(condition: string, attempts: number | undefined): Dockerode.HostRestartPolicy {
  const Name = RESTART_POLICIES[condition] ?? condition;
  // Engines reject a retry count on any other policy.
  return Name === 'on-failure' && attempts !== undefined ? { Name, MaximumRetryCount: attempts } : { Name };
}
