// `kill`: send a signal (SIGKILL by default) to the services' running containers.
import { engineMessage, ServiceError } from '../errors.js';
import { connectEngine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { containerRef, projectContainers, type ContainerRefResult } from './pause.js';
import type { EngineOptions } from './up.js';

export interface KillOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
  /** A signal name (`SIGTERM`, `TERM`) or number; default SIGKILL. */
  signal?: string;
  /** Also kill containers of services no longer in the project (orphans). */
  removeOrphans?: boolean;
  /** Return the containers it would signal, and change nothing. */
  dryRun?: boolean;
}

/** Signals every running container of the selected services; returns those it signalled (none: nothing runs, as Compose). */
export async function kill(loaded: LoadedProject, options: KillOptions = {}): Promise<ContainerRefResult[]> {
  const engine = options.engine ?? (await connectEngine());
  const project = loaded.project;
  const known = new Set([...Object.keys(project.services), ...Object.keys(loaded.disabledServices)]);
  const containers = (
    await projectContainers(engine, project.name, {
      services: options.services,
      states: ['running', 'restarting', 'paused'],
    })
  ).filter((c) => options.removeOrphans || known.has(c.Labels[Label.service]));
  const signal = options.signal ?? 'SIGKILL';
  const refs = containers.map(containerRef);
  if (options.dryRun) return refs;
  await Promise.all(
    refs.map(async (ref) => {
      try {
        await engine.getContainer(ref.id).kill({ signal });
      } catch (err) {
        throw new ServiceError('engine', ref.service, `cannot kill ${ref.name} with ${signal}: ${engineMessage(err)}`, {
          cause: err,
        });
      }
    }),
  );
  return refs;
}
