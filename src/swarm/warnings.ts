// What Swarm cannot honour. `docker stack deploy` drops these silently; berth names each one,
// per service, so a user learns before production that the cluster runs something else than
// their laptop did. A table: adding an attribute is adding a row.
import type { Project, Service } from '../model/types.js';

/** Service attributes a Swarm service has no field for, and what to do instead. */
const IGNORED: Record<string, string> = {
  annotations: 'Swarm services carry no container annotations',
  blkio_config: 'Swarm services have no block I/O limits',
  build: 'Swarm runs images: build and push the image first (berth build, berth push)',
  cgroup: 'Swarm tasks always get a private cgroup namespace',
  cgroup_parent: 'Swarm chooses the cgroup of its tasks',
  container_name: 'Swarm names task containers itself (<stack>_<service>.<slot>.<task>)',
  cpu_count: 'use deploy.resources.limits.cpus',
  cpu_percent: 'use deploy.resources.limits.cpus',
  cpu_period: 'use deploy.resources.limits.cpus',
  cpu_quota: 'use deploy.resources.limits.cpus',
  cpu_rt_period: 'Swarm services have no realtime CPU settings',
  cpu_rt_runtime: 'Swarm services have no realtime CPU settings',
  cpu_shares: 'use deploy.resources.reservations.cpus',
  cpuset: 'Swarm services cannot pin CPUs',
  credential_spec: 'berth does not convert credential specs for Swarm yet',
  depends_on: 'Swarm starts services in any order: make the service retry until its dependencies answer',
  device_cgroup_rules: 'Swarm services cannot add device cgroup rules',
  devices: 'Swarm services cannot map host devices (GPUs: deploy.resources.reservations.devices)',
  domainname: 'Swarm services have no domain name setting',
  external_links: 'use networks shared with the other stack',
  gpus: 'use deploy.resources.reservations.devices, which Swarm reserves as generic resources',
  ipc: 'Swarm tasks cannot share an IPC namespace',
  links: 'services reach each other by name on their shared networks',
  mac_address: 'Swarm assigns MAC addresses',
  mem_swappiness: 'Swarm services have no swappiness setting',
  memswap_limit: 'Swarm services have no swap limit',
  network_mode: 'attach the service to networks instead',
  oom_kill_disable: 'Swarm services have no OOM-killer setting',
  oom_score_adj: 'not available with this Engine API version',
  pid: 'Swarm tasks cannot share a PID namespace',
  post_start: 'Swarm has no lifecycle hooks',
  pre_stop: 'Swarm has no lifecycle hooks',
  privileged: 'Swarm services cannot be privileged: add the capabilities they need with cap_add',
  provider: 'provider services run on one host only',
  pull_policy: 'each node pulls (or uses) the image itself',
  runtime: 'Swarm uses the default runtime of each node',
  security_opt: 'Swarm services take no security options',
  shm_size: 'Swarm services cannot size /dev/shm (mount a tmpfs at /dev/shm)',
  storage_opt: 'Swarm services have no storage options',
  use_api_socket: 'Swarm does not mount the Docker API socket',
  userns_mode: "Swarm tasks use the engine's user namespace setting",
  uts: 'Swarm tasks cannot share a UTS namespace',
  volumes_from: 'declare the shared volume in both services instead',
};

/** One warning per attribute Swarm ignores, naming the service. */
export function unsupportedAttributes(service: Service): string[] {
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(service)) {
    if (value === undefined || value === null) continue;
    const why = IGNORED[key];
    if (why === undefined) continue;
    // The loader turns links and shared namespaces into depends_on: one warning is enough.
    if (key === 'depends_on' && Object.keys(value as object).length === 0) continue;
    if (key === 'privileged' && value === false) continue;
    warnings.push(`service "${service.name}": ${key} is ignored by Swarm (${why})`);
  }
  for (const [network, options] of Object.entries(service.networks ?? {})) {
    for (const field of [
      'ipv4_address',
      'ipv6_address',
      'link_local_ips',
      'mac_address',
      'priority',
      'gw_priority',
      'interface_name',
    ] as const) {
      if (options?.[field] !== undefined)
        warnings.push(
          `service "${service.name}": networks.${network}.${field} is ignored by Swarm (it assigns addresses itself)`,
        );
    }
  }
  for (const [i, port] of (service.ports ?? []).entries()) {
    if (port.host_ip) {
      warnings.push(
        `service "${service.name}": ports[${i}] asks for host address ${port.host_ip}, which Swarm cannot honour: port ${port.published ?? port.target} is published on every address of every node`,
      );
    }
  }
  if (service.healthcheck?.start_interval !== undefined) {
    warnings.push(
      `service "${service.name}": healthcheck.start_interval is ignored by Swarm (not available with this Engine API version)`,
    );
  }
  for (const [i, volume] of (service.volumes ?? []).entries()) {
    if (volume.type === 'volume' && volume.volume?.subpath)
      warnings.push(
        `service "${service.name}": volumes[${i}].volume.subpath is ignored by Swarm (not available with this Engine API version)`,
      );
    if (volume.type === 'bind' && volume.bind?.selinux)
      warnings.push(
        `service "${service.name}": volumes[${i}].bind.selinux is ignored by Swarm (relabel the path on each node)`,
      );
  }
  if (service.deploy?.mode?.endsWith('job') && (service.deploy.update_config || service.deploy.rollback_config)) {
    warnings.push(
      `service "${service.name}": a job runs to completion; update_config and rollback_config apply when a changed job is run again`,
    );
  }
  return warnings;
}

/** Project-level parts Swarm has no counterpart for. */
export function unsupportedProjectParts(project: Project): string[] {
  const warnings: string[] = [];
  if (project.models && Object.keys(project.models).length) warnings.push('models are ignored by Swarm');
  for (const [key, config] of Object.entries(project.configs)) {
    if (config.driver) warnings.push(`config "${key}": driver is ignored (Swarm configs have no driver)`);
  }
  return warnings;
}
