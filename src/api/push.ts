// `push`: the images the project builds and names (`build` and `image:`, plus `build.tags`),
// pushed in parallel, as Docker Compose does. Other services are skipped: their image is
// someone else's.
import type Docker from 'dockerode';
import { engineMessage, ServiceError } from '../errors.js';
import { connectEngine, type Engine } from '../engine/connect.js';
import { ServiceGraph } from '../graph/graph.js';
import type { LoadedProject } from '../model/types.js';
import { selectServices } from '../reconcile/plan.js';
import type { EngineOptions } from './up.js';

export interface PushOptions extends EngineOptions {
  services?: string[];
  /** Also push the images of the named services' dependencies. */
  includeDeps?: boolean;
  /** A failed push is a warning, not an error. */
  ignoreFailures?: boolean;
}

export interface PushResult {
  pushed: { service: string; image: string }[];
  skipped: { service: string; reason: string }[];
  failed: { service: string; image: string; error: string }[];
}

export async function push(loaded: LoadedProject, options: PushOptions = {}): Promise<PushResult> {
  const project = loaded.project;
  const selected = selectServices(project, new ServiceGraph(project), options.services, !options.includeDeps);
  const result: PushResult = { pushed: [], skipped: [], failed: [] };
  const jobs: { service: string; image: string }[] = [];
  for (const name of [...selected].sort()) {
    const service = project.services[name];
    if (!service.build || !service.image) {
      const reason = service.build ? 'no image name to push to (add image:)' : 'not built by this project';
      result.skipped.push({ service: name, reason });
      options.onEvent?.({ type: 'output', service: name, line: `Skipped - ${reason}` });
      continue;
    }
    for (const image of new Set([service.image, ...(service.build.tags ?? [])])) jobs.push({ service: name, image });
  }
  if (!jobs.length) return result;

  const engine = options.engine ?? (await connectEngine());
  const outcomes = await Promise.all(
    jobs.map(async (job) => {
      try {
        await pushImage(engine, job.image, (line) => options.onEvent?.({ type: 'output', service: job.service, line }));
        options.onEvent?.({ type: 'output', service: job.service, line: `Pushed ${job.image}` });
        return { job };
      } catch (err) {
        return { job, error: `cannot push image "${job.image}": ${engineMessage(err)}` };
      }
    }),
  );
  for (const { job, error } of outcomes) {
    if (error === undefined) {
      result.pushed.push(job);
      continue;
    }
    if (!options.ignoreFailures) throw new ServiceError('engine', job.service, error);
    result.failed.push({ ...job, error });
    options.onEvent?.({
      type: 'warning',
      message: `service "${job.service}": ${error} (ignored: --ignore-push-failures)`,
    });
  }
  return result;
}

/** `name[:tag]` (a registry port is not a tag). */
export function splitReference(ref: string): { repository: string; tag?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { repository: ref.slice(0, at) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repository: ref };
}

async function pushImage(engine: Engine, image: string, onStatus: (line: string) => void): Promise<void> {
  const { repository, tag } = splitReference(image);
  // The engine wants an X-Registry-Auth header; an empty one uses no credentials.
  const stream = await engine.getImage(repository).push({ tag: tag ?? 'latest', authconfig: {} as Docker.AuthConfig });
  await new Promise<void>((resolve, reject) => {
    let failed: Error | undefined;
    engine.modem.followProgress(
      stream,
      (err: Error | null) => ((err ?? failed) ? reject(err ?? failed) : resolve()),
      (event: { status?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error) failed ??= new Error(event.errorDetail?.message ?? event.error);
        else if (event.status) onStatus(event.status);
      },
    );
  });
}
