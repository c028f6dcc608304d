// Prefixed, interleaved output of a project's containers: attached `up` and `logs`.
import type { Engine } from '../engine/connect.js';
import { streamLogs, type LogFollower, type LogOptions } from '../engine/log-stream.js';
import { Label } from '../model/labels.js';
import type { LoadedProject } from '../model/types.js';
import { serviceColor } from './colors.js';

export interface AttachOptions extends LogOptions {
  services?: string[];
  color: boolean;
  prefix: boolean;
}

export interface ContainerExit {
  name: string;
  service: string;
  exitCode: number;
}

export interface AttachSession {
  /** The first container whose output ended, with its exit code. */
  firstExit: Promise<ContainerExit>;
  /** Every followed container's output ended. */
  allExited: Promise<void>;
  exitCodeOf(service: string): Promise<number>;
  close(): void;
}

export async function attachToProject(
  engine: Engine,
  loaded: LoadedProject,
  out: NodeJS.WritableStream,
  options: AttachOptions,
): Promise<AttachSession> {
  const list = await engine.listContainers({
    all: true,
    filters: { label: [`${Label.project}=${loaded.project.name}`, `${Label.oneoff}=False`] },
  });
  const containers = list
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      service: c.Labels[Label.service],
      number: c.Labels[Label.containerNumber],
    }))
    .filter((c) => !options.services?.length || options.services.includes(c.service))
    .sort((a, b) => a.service.localeCompare(b.service) || Number(a.number) - Number(b.number));
  const labels = containers.map((c) => `${c.service}-${c.number}`);
  const width = Math.max(0, ...labels.map((l) => l.length));
  let resolveFirst: (exit: ContainerExit) => void = () => {};
  const firstExit = new Promise<ContainerExit>((resolve) => (resolveFirst = resolve));
  const followers: LogFollower[] = [];
  const exitCode = async (id: string) => (await engine.getContainer(id).inspect()).State.ExitCode ?? 0;

  await Promise.all(
    containers.map(async (c, i) => {
      const label = labels[i].padEnd(width);
      const paint = options.color ? serviceColor(c.service) : (t: string) => t;
      const prefix = options.prefix ? paint(`${label} | `) : '';
      const follower = await streamLogs(engine, c.id, options, (_stream, line) => out.write(`${prefix}${line}\n`));
      followers.push(follower);
      void follower.done.then(async () =>
        resolveFirst({ name: c.name, service: c.service, exitCode: await exitCode(c.id).catch(() => 0) }),
      );
    }),
  );
  return {
    firstExit,
    allExited: Promise.all(followers.map((f) => f.done)).then(() => undefined),
    exitCodeOf: async (service) => {
      const c = containers.find((x) => x.service === service);
      return c ? exitCode(c.id) : 0;
    },
    close: () => followers.forEach((f) => f.stop()),
  };
}
