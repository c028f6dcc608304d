// GPU requests as the user reads them, and the warnings a GPU pipeline needs before it runs.
// Pure: works on the model, so the plan (and its tests) can say it without an engine.
import type { DeviceRequest, Project, Service } from '../model/types.js';

/** The GPU requests of a service: `deploy.resources.reservations.devices` asking for a GPU, then `gpus`. */
export function gpuRequests(service: Service): DeviceRequest[] {
  const reserved = (service.deploy?.resources?.reservations?.devices ?? []).filter(
    (r) => r.capabilities?.includes('gpu') || r.driver === 'nvidia',
  );
  return [...reserved, ...(service.gpus ?? [])];
}

/** `nvidia, 1 device`, `nvidia, devices 0,1`, `any driver, all devices`; undefined without a GPU request. */
export function describeGpus(service: Service): string | undefined {
  const requests = gpuRequests(service);
  if (!requests.length) return undefined;
  return requests.map(describeRequest).join(' + ');
}

export function describeRequest(r: DeviceRequest): string {
  const driver = r.driver || 'any driver';
  if (r.device_ids?.length) return `${driver}, device${r.device_ids.length > 1 ? 's' : ''} ${r.device_ids.join(',')}`;
  const count = (r.count as number | 'all' | undefined) ?? -1;
  if (count === -1 || count === 'all') return `${driver}, all devices`;
  return `${driver}, ${count} device${count === 1 ? '' : 's'}`;
}

/**
 * Devices a request takes: its ids, or with a count the first `count` devices (the NVIDIA
 * runtime hands out devices from 0), or every device.
 */
export function claimedDevices(r: DeviceRequest): string[] | 'all' {
  if (r.device_ids?.length) return r.device_ids;
  const count = (r.count as number | 'all' | undefined) ?? -1;
  if (count === -1 || count === 'all') return 'all';
  return Array.from({ length: count }, (_, i) => String(i));
}

/** Warnings for the selected services: two services on one device, and GPU services left at a 64 MB /dev/shm. */
export function gpuWarnings(project: Project, selected: Set<string>): string[] {
  const warnings: string[] = [];
  const claims: { service: string; devices: string[] | 'all' }[] = [];
  for (const name of [...selected].sort()) {
    const service = project.services[name];
    const requests = gpuRequests(service);
    if (!requests.length) continue;
    for (const r of requests) claims.push({ service: name, devices: claimedDevices(r) });
    if (service.shm_size === undefined && !service.ipc?.match(/^(host|service:|container:)/)) {
      warnings.push(
        `service "${name}" uses a GPU with the default 64 MB /dev/shm: PyTorch data loaders with workers need more (set shm_size, such as "2gb", or ipc: host)`,
      );
    }
  }
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const [a, b] = [claims[i], claims[j]];
      if (a.service === b.service) continue;
      const shared =
        a.devices === 'all' || b.devices === 'all'
          ? 'the same GPUs (one of them asks for all devices)'
          : a.devices.filter((d) => (b.devices as string[]).includes(d)).map((d) => `GPU ${d}`)[0];
      if (shared)
        warnings.push(
          `services "${a.service}" and "${b.service}" both reserve ${shared}: they will share it (give each its own device_ids to keep them apart)`,
        );
    }
  }
  return warnings;
}
