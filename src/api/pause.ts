// `pause` / `unpause`: freeze and thaw the processes of the services' containers.
import type Docker from 'dockerode';
import { engineMessage, ServiceError } from '../errors.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface ContainerRefResult {
  id: string;
  name: string;
  service: string;
}

export interface PauseOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
}

/** The project's containers (services and one-offs), optionally of some services, in the given states. */
export async function projectContainers(
  engine: Engine,
  projectName: string,
  filter: { services?: string[]; states?: string[] } = {},
): Promise<Docker.ContainerInfo[]> {
  const list = await engine.listContainers({ all: true, filters: { label: [`${Label.project}=${projectName}`] } });
  return list
    .filter(
      (c) =>
        (!filter.services?.length || filter.services.includes(c.Labels[Label.service])) &&
        (!filter.states || filter.states.includes(c.State)),
    )
    .sort((a, b) => a.Names[0].localeCompare(b.Names[0]));
}

export function containerRef(c: Docker.ContainerInfo): ContainerRefResult {
  return { id: c.Id, name: (c.Names[0] ?? '').replace(/^\//, ''), service: c.Labels[Label.service] ?? '' };
}

/**
 * Applies one operation to every container in `from` state; a service named explicitly that
 * has no such container is an error (there is nothing to pause in a stopped service).
 */
async function each(
  loaded: LoadedProject,
  options: PauseOptions,
  from: string,
  verb: string,
  op: (c: Docker.Container) => Promise<unknown>,
): Promise<ContainerRefResult[]> {
  const engine = options.engine ?? (await connectEngine());
  const containers = await projectContainers(engine, loaded.project.name, {
    services: options.services,
    states: [from],
  });
  for (const service of options.services ?? []) {
    if (!containers.some((c) => c.Labels[Label.service] === service)) {
      throw new ServiceError('engine', service, `no ${from} container to ${verb}`);
    }
  }
  const refs = containers.map(containerRef);
  await Promise.all(
    refs.map(async (ref) => {
      try {
        await op(engine.getContainer(ref.id));
      } catch (err) {
        throw new ServiceError('engine', ref.service, `cannot ${verb} ${ref.name}: ${engineMessage(err)}`, {
          cause: err,
        });
      }
    }),
  );
  return refs;
}

/** Pauses the running containers; returns those it paused. */
export function pause(loaded: LoadedProject, options: PauseOptions = {}): Promise<ContainerRefResult[]> {
  return each(loaded, options, 'running', 'pause', (c) => c.pause());
}

/** Unpauses the paused containers; returns those it unpaused. */
export function unpause(loaded: LoadedProject, options: PauseOptions = {}): Promise<ContainerRefResult[]> {
  return each(loaded, options, 'paused', 'unpause', (c) => c.unpause());
}
