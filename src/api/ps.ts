// `ps`: the project's containers as the engine reports them.
import { connectEngine } from '../engine/connect.js';
import { containerRuns } from '../engine/container-runs.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import type { EngineOptions } from './up.js';

export interface ContainerSummary {
  id: string;
  name: string;
  service: string;
  number: number;
  image: string;
  command: string;
  /** Unix seconds. */
  created: number;
  /** created, running, paused, restarting, exited, dead. */
  state: string;
  /** The engine's human status ("Up 3 minutes (healthy)"). */
  status: string;
  health?: string;
  exitCode?: number;
  /** Seconds the container ran before it exited (a completed job's duration). */
  ranFor?: number;
  /** The GPUs it asked for: `nvidia, 1 device`. */
  gpus?: string;
  publishers: { url: string; targetPort: number; publishedPort?: number; protocol: string }[];
  oneoff: boolean;
  project: string;
  labels: Record<string, string>;
  /** Volume names, or the source of other mounts. */
  mounts: string[];
  /** How many of the mounts are volumes of the `local` driver. */
  localVolumes: number;
  networks: string[];
}

export interface PsOptions extends Pick<EngineOptions, 'engine'> {
  /** Include stopped containers. */
  all?: boolean;
  services?: string[];
  /** Only containers in these states. */
  status?: string[];
  /** Include one-off (`run`) containers. */
  oneoff?: boolean;
}

export async function ps(loaded: LoadedProject, options: PsOptions = {}): Promise<ContainerSummary[]> {
  const engine = options.engine ?? (await connectEngine());
  const list = await engine.listContainers({
    all: options.all || !!options.status?.length,
    filters: { label: [`${Label.project}=${loaded.project.name}`] },
  });
  const runs = await containerRuns(
    engine,
    list.map((c) => c.Id),
  );
  return list
    .map((c) => {
      const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', '');
      const exit = /^Exited \((\d+)\)/.exec(c.Status)?.[1];
      return {
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        service: c.Labels[Label.service] ?? '',
        number: Number(c.Labels[Label.containerNumber] ?? 0),
        image: c.Image,
        command: c.Command,
        created: c.Created,
        state: c.State,
        status: c.Status,
        health,
        exitCode: exit === undefined ? undefined : Number(exit),
        ...runs.get(c.Id),
        publishers: c.Ports.map((p) => ({
          url: p.IP ?? '',
          targetPort: p.PrivatePort,
          publishedPort: p.PublicPort,
          protocol: p.Type,
        })),
        oneoff: c.Labels[Label.oneoff] === 'True',
        project: c.Labels[Label.project] ?? '',
        labels: c.Labels,
        mounts: (c.Mounts ?? []).map((m) => m.Name || m.Source),
        localVolumes: (c.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Driver === 'local').length,
        networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
      };
    })
    .filter(
      (c) =>
        (options.oneoff || !c.oneoff) &&
        (!options.services?.length || options.services.includes(c.service)) &&
        (!options.status?.length || options.status.includes(c.state)),
    )
    .sort((a, b) => a.service.localeCompare(b.service) || a.number - b.number);
}
