// A service's containers as the commands that act on one of them (exec, cp, port, top, logs)
// find them: by the project and service labels, numbered by `container-number`.
import { BerthError } from '../errors.js';
import { Label } from '../model/labels.js';
import type { Engine } from './connect.js';

export interface ServiceContainer {
  id: string;
  /** Engine name, without the leading slash. */
  name: string;
  service: string;
  number: number;
  /** created, running, paused, restarting, exited, dead. */
  state: string;
  oneoff: boolean;
  labels: Record<string, string>;
}

export interface FindOptions {
  /** Include stopped containers. */
  all?: boolean;
  /** Include one-off (`run`) containers. */
  oneoff?: boolean;
}

/** The project's containers (of some services, when given), sorted by service then number. */
export async function projectContainers(
  engine: Engine,
  project: string,
  services: string[] = [],
  options: FindOptions = {},
): Promise<ServiceContainer[]> {
  const filters = [`${Label.project}=${project}`, ...(options.oneoff ? [] : [`${Label.oneoff}=False`])];
  const list = await engine.listContainers({ all: options.all ?? false, filters: { label: filters } });
  return list
    .filter((c) => c.Labels[Label.service] && (!services.length || services.includes(c.Labels[Label.service])))
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      service: c.Labels[Label.service],
      number: Number(c.Labels[Label.containerNumber] ?? 0),
      state: c.State,
      oneoff: c.Labels[Label.oneoff] === 'True',
      labels: c.Labels,
    }))
    .sort(
      (a, b) =>
        a.service.localeCompare(b.service) ||
        Number(a.oneoff) - Number(b.oneoff) ||
        a.number - b.number ||
        a.name.localeCompare(b.name),
    );
}

/**
 * Replica `index` (1-based) of a service. Without `all`, only running containers count, and the
 * errors say so as Compose does: `service "web" is not running`.
 */
export async function serviceContainer(
  engine: Engine,
  project: string,
  service: string,
  index = 1,
  options: FindOptions = {},
): Promise<ServiceContainer> {
  const containers = (await projectContainers(engine, project, [service], options)).filter((c) => !c.oneoff);
  if (!containers.length) {
    throw new BerthError(
      'engine',
      options.all ? `no container found for service "${service}"` : `service "${service}" is not running`,
    );
  }
  const found = containers.find((c) => c.number === index);
  if (!found) {
    const numbers = containers.map((c) => `#${c.number}`).join(', ');
    throw new BerthError(
      'reference',
      `service "${service}" has no ${options.all ? '' : 'running '}container #${index} (${options.all ? 'containers' : 'running'}: ${numbers})`,
    );
  }
  return found;
}

/** `web-1` for `proj-web-1`: the name without the project prefix, as Compose prefixes log lines. */
export function shortName(project: string, containerName: string): string {
  return containerName.startsWith(`${project}-`) ? containerName.slice(project.length + 1) : containerName;
}

/** A 1-based replica number given on the command line or by a library caller. */
export function checkIndex(index: number | undefined): number {
  if (index === undefined) return 1;
  if (!Number.isInteger(index) || index < 1)
    throw new BerthError('usage', `--index must be a whole number from 1, got "${index}"`);
  return index;
}
