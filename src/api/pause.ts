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
  /** Return the containers it would act on, and change nothing. */
  dryRun?: boolean;
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
 * Applies one operation to the services' containers (one-offs aside) that are in `from` state,
 * as Compose does: a service without such a container is left as it is. A container already
 * in the `to` state is an error when `strict`, before anything changes.
 */
async function each(
  loaded: LoadedProject,
  options: PauseOptions,
  states: { from: string; to: string; verb: string; already: string; strict: boolean },
  op: (c: Docker.Container) => Promise<unknown>,
): Promise<ContainerRefResult[]> {
  const engine = options.engine ?? (await connectEngine());
  const containers = (
    await projectContainers(engine, loaded.project.name, {
      services: options.services,
      states: [states.from, states.to],
    })
  ).filter((c) => c.Labels[Label.oneoff] !== 'True');
  const already = containers.find((c) => c.State === states.to);
  if (already && states.strict) {
    const ref = containerRef(already);
    throw new ServiceError('engine', ref.service, `container ${ref.name} ${states.already}`);
  }
  const refs = containers.filter((c) => c.State === states.from).map(containerRef);
  if (options.dryRun) return refs;
  await Promise.all(
    refs.map(async (ref) => {
      try {
        await op(engine.getContainer(ref.id));
      } catch (err) {
        throw new ServiceError('engine', ref.service, `cannot ${states.verb} ${ref.name}: ${engineMessage(err)}`, {
          cause: err,
        });
      }
    }),
  );
  return refs;
}

/** Pauses the running containers; returns those it paused. */
export function pause(loaded: LoadedProject, options: PauseOptions = {}): Promise<ContainerRefResult[]> {
  const states = { from: 'running', to: 'paused', verb: 'pause', already: 'is already paused', strict: true };
  return each(loaded, options, states, (c) => c.pause());
}

/** Unpauses the paused containers; returns those it unpaused. */
export function unpause(loaded: LoadedProject, options: PauseOptions = {}): Promise<ContainerRefResult[]> {
  // Unpausing everything leaves running containers be; a service named must be paused.
  const strict = !!options.services?.length;
  const states = { from: 'paused', to: 'running', verb: 'unpause', already: 'is not paused', strict };
  return each(loaded, options, states, (c) => c.unpause());
}
