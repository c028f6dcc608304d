// How Docker Compose names what it creates for a service.
import type { Service } from './types.js';

/** `separator` is `_` under `--compatibility`, as Compose v1 named containers. */
export function containerName(project: string, service: Service, number: number, separator = '-'): string {
  return service.container_name ?? [project, service.name, number].join(separator);
}

/** The image a service runs: `image:`, else `<project>-<service>` for a built service. */
export function imageRef(project: string, service: Service): string {
  return service.image ?? `${project}-${service.name}`;
}

export function replicaCount(service: Service): number {
  return service.scale ?? service.deploy?.replicas ?? 1;
}
