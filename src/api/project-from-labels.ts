// A project rebuilt from what the engine holds, for commands on existing containers run where
// no compose file is (`berth -p NAME down` from any folder), as Docker Compose does: services
// from the containers' `service` and `depends_on` labels, networks and volumes from theirs.
import type { Engine } from '../engine/connect.js';
import { Label, projectFilter } from '../model/labels.js';
import type {
  DependencyCondition,
  LoadedProject,
  Network,
  Service,
  ServiceDependency,
  Volume,
} from '../model/types.js';

const CONDITIONS: readonly string[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

export async function projectFromLabels(engine: Engine, name: string): Promise<LoadedProject> {
  const filters = projectFilter(name);
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers({ all: true, filters }),
    engine.listNetworks({ filters }),
    engine.listVolumes({ filters }),
  ]);
  // A service whose only containers are one-offs (`run`) is still the project's.
  const services: Record<string, Service> = {};
  for (const c of containers) {
    const service = c.Labels[Label.service];
    if (service && !services[service]) services[service] = { name: service, image: c.Image };
  }
  for (const c of containers) {
    const service = services[c.Labels[Label.service]];
    if (service && !service.depends_on && c.Labels[Label.oneoff] !== 'True')
      service.depends_on = dependencies(c.Labels[Label.dependsOn], services);
  }
  const first = containers[0]?.Labels ?? {};
  return {
    project: {
      name,
      services,
      networks: byKey(networks, Label.network, (n) => ({ name: n.Name })),
      volumes: byKey(volumes.Volumes ?? [], Label.volume, (v): Volume => ({ name: v.Name })),
      secrets: {},
      configs: {},
    },
    workingDir: first[Label.workingDir] ?? process.cwd(),
    configFiles: (first[Label.configFiles] ?? '').split(',').filter(Boolean),
    envFiles: (first[Label.environmentFile] ?? '').split(',').filter(Boolean),
    environment: {},
    profiles: [],
    disabledServices: {},
  };
}

/** The `depends_on` label (`db:service_healthy:false,...`), keeping only services the engine still has. */
function dependencies(label: string | undefined, services: Record<string, Service>): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  for (const entry of (label ?? '').split(',').filter(Boolean)) {
    const [service, condition, restart] = entry.split(':');
    if (!services[service]) continue;
    out[service] = {
      condition: (CONDITIONS.includes(condition) ? condition : 'service_started') as DependencyCondition,
      required: true,
      restart: restart === 'true',
    };
  }
  return out;
}

/** Resources keyed by their compose key label; unlabelled ones are not the project's. */
function byKey<R extends { Labels?: Record<string, string> | null }, T extends Network | Volume>(
  resources: R[],
  keyLabel: string,
  make: (r: R) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const r of resources) {
    const key = r.Labels?.[keyLabel];
    if (key) out[key] = make(r);
  }
  return out;
}
