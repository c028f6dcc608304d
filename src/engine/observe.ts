// Observe: one snapshot of what the engine holds for a project, found by labels. The planner
// works only from this snapshot, so planning stays a pure function.
import { Label } from '../model/labels.js';
import type { Project } from '../model/types.js';
import type { Observed, ObservedContainer, ObservedResource } from '../reconcile/observed.js';
import type { Engine } from './connect.js';
import { isNotFound } from '../errors.js';

export async function observe(
  engine: Engine,
  project: Pick<Project, 'name' | 'networks' | 'volumes'>,
  imageRefs: string[] = [],
): Promise<Observed> {
  // Only the names the project declares: an engine may hold hundreds of other volumes. The
  // engine's name filter also matches parts of names, so the exact ones are picked out below.
  const networkNames = Object.values(project.networks).map((n) => n.name);
  const volumeNames = Object.values(project.volumes).map((v) => v.name);
  const [containers, networks, volumes, images] = await Promise.all([
    engine.listContainers({ all: true, filters: { label: [`${Label.project}=${project.name}`] } }),
    networkNames.length ? engine.listNetworks({ filters: { name: networkNames } }) : [],
    volumeNames.length ? engine.listVolumes({ filters: { name: volumeNames } }) : { Volumes: [] },
    Promise.all(imageRefs.map(async (ref) => [ref, await imageId(engine, ref)] as const)),
  ]);
  // Only containers a Compose tool created: they have a config hash (a container of a
  // project's image inherits the image's project label, but not this one).
  const ours = containers.filter((c) => c.Labels[Label.service] && c.Labels[Label.configHash]);
  const runs = await Promise.all(ours.map((c) => lastRun(engine, c.Id)));
  return {
    containers: ours.map((c, i) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      service: c.Labels[Label.service],
      number: Number(c.Labels[Label.containerNumber] ?? 0),
      oneoff: c.Labels[Label.oneoff] === 'True',
      configHash: c.Labels[Label.configHash],
      imageId: c.ImageID,
      imageLabel: c.Labels[Label.image],
      state: c.State,
      labels: c.Labels,
      volumes: (c.Mounts ?? []).flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : [])),
      ...runs[i],
    })),
    networks: Object.fromEntries(
      networks
        .filter((n) => networkNames.includes(n.Name))
        .map((n) => [n.Name, { id: n.Id, ...resource(n.Name, n.Labels ?? {}, Label.network) }]),
    ),
    volumes: Object.fromEntries(
      (volumes.Volumes ?? [])
        .filter((v) => volumeNames.includes(v.Name))
        .map((v) => [v.Name, resource(v.Name, (v.Labels as Record<string, string> | null) ?? {}, Label.volume)]),
    ),
    images: Object.fromEntries(images.filter((e): e is readonly [string, string] => e[1] !== undefined)),
  };
}

function resource(name: string, labels: Record<string, string>, keyLabel: string): ObservedResource {
  return { name, configHash: labels[Label.configHash], key: labels[keyLabel], project: labels[Label.project] };
}

/** Exit code and start/finish times: the list API gives only a status sentence, so jobs need an inspect. */
async function lastRun(
  engine: Engine,
  id: string,
): Promise<Pick<ObservedContainer, 'exitCode' | 'startedAt' | 'finishedAt' | 'health'>> {
  try {
    const { State } = await engine.getContainer(id).inspect();
    const ran = !State.StartedAt.startsWith('0001-');
    return {
      exitCode: ran ? State.ExitCode : undefined,
      startedAt: ran ? State.StartedAt : undefined,
      finishedAt: State.FinishedAt.startsWith('0001-') ? undefined : State.FinishedAt,
      health: State.Health?.Status,
    };
  } catch (err) {
    // Removed since the list: the plan treats it as it was listed, with no run known.
    if (isNotFound(err)) return {};
    throw err;
  }
}

async function imageId(engine: Engine, ref: string): Promise<string | undefined> {
  try {
    return (await engine.getImage(ref).inspect()).Id;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
