// Resources: CPU, memory, PIDs, block I/O, ulimits and devices, from the legacy attributes and
// `deploy.resources` (whose limits win, as in Compose).
import type Dockerode from 'dockerode';
import { ServiceError } from '../errors.js';
import type { BlkioConfig, DeviceMapping, DeviceRequest, Service } from '../model/types.js';
import { claimedDevices, gpuRequests } from '../reconcile/gpus.js';
import type { EngineCapabilities } from './capabilities.js';

/** What the engine takes for GPUs: CDI device names (Podman), and whether its API takes CDI at all. */
export type ResourceOptions = Partial<Pick<EngineCapabilities, 'cdiGpus' | 'cdiRefusal'>>;

export function resourceSettings(service: Service, options: ResourceOptions = {}): Dockerode.HostConfig {
  const limits = service.deploy?.resources?.limits;
  const reservations = service.deploy?.resources?.reservations;
  const cpus = limits?.cpus ?? service.cpus;
  const devices = (service.devices ?? []).filter((d) => !isCdi(d));
  const requests = deviceRequests(service, options);
  return {
    CgroupParent: service.cgroup_parent,
    CpuShares: service.cpu_shares,
    CpuPeriod: service.cpu_period,
    CpuQuota: service.cpu_quota,
    CpuRealtimePeriod: service.cpu_rt_period,
    CpuRealtimeRuntime: service.cpu_rt_runtime,
    CpuCount: service.cpu_count,
    CpuPercent: service.cpu_percent,
    NanoCpus: cpus === undefined ? undefined : Math.round(cpus * 1e9),
    CpusetCpus: service.cpuset,
    Memory: limits?.memory ?? service.mem_limit,
    MemoryReservation: reservations?.memory ?? service.mem_reservation,
    MemorySwap: service.memswap_limit,
    MemorySwappiness: service.mem_swappiness,
    OomKillDisable: service.oom_kill_disable,
    PidsLimit: limits?.pids ?? service.pids_limit,
    ...blkioSettings(service.blkio_config),
    Ulimits: service.ulimits
      ? Object.entries(service.ulimits).map(([name, u]) => ({ Name: name, Soft: u.soft, Hard: u.hard }))
      : undefined,
    Devices: devices.length
      ? devices.map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions }))
      : undefined,
    DeviceCgroupRules: service.device_cgroup_rules,
    DeviceRequests: requests.length ? requests : undefined,
  };
}

function blkioSettings(blkio: BlkioConfig | undefined): Dockerode.HostConfig {
  if (!blkio) return {};
  const throttle = (devices?: { path: string; rate: number }[]) =>
    devices?.map((d) => ({ Path: d.path, Rate: d.rate }));
  return {
    BlkioWeight: blkio.weight,
    BlkioWeightDevice: blkio.weight_device?.map((d) => ({ Path: d.path, Weight: d.weight })),
    BlkioDeviceReadBps: throttle(blkio.device_read_bps),
    BlkioDeviceWriteBps: throttle(blkio.device_write_bps),
    BlkioDeviceReadIOps: throttle(blkio.device_read_iops),
    BlkioDeviceWriteIOps: throttle(blkio.device_write_iops),
  };
}

/**
 * Every device request of a service: reservations, CDI devices, then `gpus`, in Compose's order.
 * Where GPUs go by CDI name (Podman), the one request is the CDI one, GPUs included: the only
 * kind Podman's Docker-compatible API honors (from 5.4; Compose sends CDI devices the same way).
 */
export function deviceRequests(service: Service, options: ResourceOptions = {}): Dockerode.DeviceRequest[] {
  const reserved = (service.deploy?.resources?.reservations?.devices ?? []).map((request, i) =>
    deviceRequest(service.name, `deploy.resources.reservations.devices[${i}]`, request, request.capabilities ?? []),
  );
  const cdi = cdiDevices(service, options);
  const cdiRequest = cdi.length ? [{ Driver: 'cdi', DeviceIDs: cdi }] : [];
  const gpus = (service.gpus ?? []).map((request, i) => {
    const capabilities = request.capabilities ?? [];
    return deviceRequest(
      service.name,
      `gpus[${i}]`,
      request,
      capabilities.includes('gpu') ? capabilities : [...capabilities, 'gpu'],
    );
  });
  // Built on every engine: the checks of each request (count against device_ids) hold on Podman too.
  return options.cdiGpus ? cdiRequest : [...reserved, ...cdiRequest, ...gpus];
}

/** The CDI device names a service asks for: its own `devices` of that kind, and its GPUs where they go by CDI. */
function cdiDevices(service: Service, options: ResourceOptions): string[] {
  const own = (service.devices ?? []).filter(isCdi).map((d) => d.source);
  const names = [...new Set([...own, ...(options.cdiGpus ? cdiGpuDevices(service) : [])])];
  if (names.length && options.cdiRefusal) {
    throw new ServiceError(
      'engine',
      service.name,
      `GPUs on Podman are CDI devices (here ${names.join(', ')}), but ${options.cdiRefusal}: ` +
        'upgrade Podman, or remove the request (deploy.resources.reservations.devices, gpus, devices)',
    );
  }
  return names;
}

function deviceRequest(
  serviceName: string,
  field: string,
  request: DeviceRequest,
  capabilities: string[],
): Dockerode.DeviceRequest {
  // The loader gives -1 for `all`; a model built by hand may still say "all".
  const raw = request.count as number | 'all' | undefined;
  const count = raw === 'all' ? -1 : raw;
  const ids = request.device_ids?.length ? request.device_ids : undefined;
  if (count !== undefined && ids) {
    throw new ServiceError('usage', serviceName, `${field}: count and device_ids are mutually exclusive`);
  }
  return {
    Driver: request.driver,
    // Neither count nor device_ids means every device.
    Count: ids ? undefined : (count ?? -1),
    DeviceIDs: ids,
    Capabilities: [capabilities],
    Options: request.options,
  };
}

/**
 * A service's GPU requests as CDI device names, the way Podman takes GPUs: `nvidia.com/gpu=all`,
 * or one name per device (`nvidia.com/gpu=0`) for device IDs or a count.
 */
export function cdiGpuDevices(service: Service): string[] {
  const claims = gpuRequests(service).map(claimedDevices);
  if (claims.includes('all')) return ['nvidia.com/gpu=all'];
  return [...new Set(claims.flat())].map((id) => `nvidia.com/gpu=${id}`);
}

/** A CDI device is named `vendor/class=name` in place of a host path. */
function isCdi(device: DeviceMapping): boolean {
  return device.source === device.target && /^[\w.-]+\/[\w.-]+=[\w.:-]+$/.test(device.source);
}
