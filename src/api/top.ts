// `top`: the processes running in each of a project's running containers.
import { connectEngine } from '../engine/connect.js';
import { projectContainers } from '../engine/service-containers.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';
import { engineStatus } from '../errors.js';

export interface ContainerProcesses {
  containerId: string;
  name: string;
  service: string;
  number: number;
  /** Column titles as `ps` printed them: UID, PID, PPID, C, STIME, TTY, TIME, CMD. */
  titles: string[];
  processes: string[][];
}

export interface TopOptions extends Pick<EngineOptions, 'engine'> {
  /** Only these services; default all. */
  services?: string[];
}

export async function top(loaded: LoadedProject, options: TopOptions = {}): Promise<ContainerProcesses[]> {
  const engine = options.engine ?? (await connectEngine());
  const containers = await projectContainers(engine, loaded.project.name, options.services);
  const results = await Promise.all(
    containers.map(async (c) => {
      try {
        const { Titles, Processes } = (await engine.getContainer(c.id).top()) as {
          Titles: string[];
          Processes: string[][] | null;
        };
        return {
          containerId: c.id,
          name: c.name,
          service: c.service,
          number: c.number,
          titles: Titles,
          processes: Processes ?? [],
        };
      } catch (err) {
        // Stopped or removed since it was listed: it has no processes to show.
        const status = engineStatus(err);
        if (status === 404 || status === 409) return undefined;
        throw err;
      }
    }),
  );
  return results.filter((r): r is ContainerProcesses => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
}
