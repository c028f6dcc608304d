// What `ps` adds to the engine's list for pipelines: how long an exited container ran, and
// which GPUs it was given. The list API has neither, so each comes from an inspect.
import type Docker from 'dockerode';
import { isNotFound } from '../errors.js';
import { describeRequest } from '../reconcile/gpus.js';
import type { Engine } from './connect.js';

export interface ContainerRun {
  /** Seconds between the last start and finish, for a container that ran and exited. */
  ranFor?: number;
  /** `nvidia, 1 device`: the GPU requests the container was created with. */
  gpus?: string;
}

/** Runs by container id; a container removed since the list has none. */
export async function containerRuns(engine: Engine, ids: string[]): Promise<Map<string, ContainerRun>> {
  const runs = await Promise.all(
    ids.map(async (id) => {
      try {
        return [id, runOf(await engine.getContainer(id).inspect())] as const;
      } catch (err) {
        if (isNotFound(err)) return [id, {}] as const;
        throw err;
      }
    }),
  );
  return new Map(runs);
}

export function runOf(info: Docker.ContainerInspectInfo): ContainerRun {
  const { StartedAt, FinishedAt, Running } = info.State;
  const started = Date.parse(StartedAt);
  const finished = Date.parse(FinishedAt);
  const ran = !Running && StartedAt > '0001-01-02' && FinishedAt > '0001-01-02';
  const requests = (info.HostConfig.DeviceRequests ?? []).filter(
    (r) => r.Driver === 'nvidia' || (r.Capabilities ?? []).some((set) => set.includes('gpu')),
  );
  const gpus = requests.map((r) =>
    describeRequest({
      driver: r.Driver || undefined,
      count: r.DeviceIDs?.length ? undefined : r.Count,
      device_ids: r.DeviceIDs ?? undefined,
    }),
  );
  return {
    // The engine records a start once the process runs: a quick one can finish "before" it.
    ranFor: ran ? Math.max(0, Math.round((finished - started) / 1000)) : undefined,
    gpus: gpus.length ? gpus.join(' + ') : undefined,
  };
}
