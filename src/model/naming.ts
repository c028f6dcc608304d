// How Docker Compose names what it creates for a service.
import type { Service } from './types.js';

export function containerName(project: string, service: Service, number: number): string {
  return service.container_name ?? `${project}-${service.name}-${number}`;
}

/** The image a service runs: `image:`, else `<project>-<service>` for a built service. */
export function imageRef(project: string, service: Service): string {
  return service.image ?? `${project}-${service.name}`;
}

export function replicaCount(service: Service): number {
  return service.scale ?? service.deploy?.replicas ?? 1;
}
