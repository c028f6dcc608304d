// Jobs: run-to-completion services that `up` treats the way make treats targets. A job that
// exited 0 with its current config, after each of its dependencies last became ready, is up
// to date and is not run again. Pure: the planner passes what the engine reported.
import type { ServiceGraph } from '../graph/graph.js';
import type { Service } from '../model/types.js';
import type { ObservedContainer } from './observed.js';

/** The `x-berth` extension on a service; Docker Compose ignores `x-` keys, so the file stays valid for it. */
export interface BerthExtension {
  /** Run to completion once and keep the result, even though nothing waits for it to complete. */
  job?: boolean;
}

/**
 * A job is a service another service waits on to complete successfully, or one marked with
 * `x-berth: {job: true}`. Never inferred from an exit code alone: a server the user stopped
 * may have exited 0 too, and `up` must start it again.
 */
export function isJob(service: Service, graph: ServiceGraph): boolean {
  const extension = service['x-berth'] as BerthExtension | undefined;
  if (extension?.job === true) return true;
  return graph
    .dependents(service.name)
    .some((d) => graph.dependency(d, service.name)?.condition === 'service_completed_successfully');
}

/** What the planner knows of one job container and its dependencies. */
export interface JobFacts {
  container: ObservedContainer;
  /** Dependencies `up` starts again in this run (re-run, recreated, restarted or started). */
  restartedDeps: string[];
  /** When each dependency last became ready: an upstream job's finish, a long-running service's start. */
  depsReadyAt: Record<string, string | undefined>;
  /** `--from`: the stage this run re-runs from, when this job is it or downstream of it. */
  from?: string;
}

export type JobVerdict = { upToDate: true; reason: string } | { upToDate: false; reason: string };

/** Whether a job whose config is unchanged must run again, with the words the user reads. */
export function jobVerdict(facts: JobFacts): JobVerdict {
  const c = facts.container;
  if (facts.from) return { upToDate: false, reason: `re-run: --from ${facts.from}` };
  if (c.state === 'created') return { upToDate: false, reason: 're-run: never ran' };
  if (c.state !== 'exited' && c.state !== 'dead') return { upToDate: true, reason: `still ${c.state}` };
  const finished = engineTime(c.finishedAt);
  const at = finished === undefined ? '' : ` at ${clock(c.finishedAt!)}`;
  if (c.exitCode !== 0) return { upToDate: false, reason: `re-run: exited ${c.exitCode ?? '?'}${at}` };
  if (facts.restartedDeps.length) {
    const names = facts.restartedDeps.join(', ');
    return {
      upToDate: false,
      reason: `re-run: dependency ${names} ${facts.restartedDeps.length > 1 ? 'start' : 'starts'} again`,
    };
  }
  const started = engineTime(c.startedAt);
  for (const [dep, readyAt] of Object.entries(facts.depsReadyAt)) {
    const ready = engineTime(readyAt);
    if (ready !== undefined && (started === undefined || started < ready))
      return {
        upToDate: false,
        reason: `re-run: dependency ${dep} became ready at ${clock(readyAt!)}, after this job ran`,
      };
  }
  return { upToDate: true, reason: `up to date: exited 0${at}, config unchanged` };
}

/**
 * An engine timestamp (RFC 3339 with up to nine fraction digits) as nanoseconds since the
 * epoch; undefined for the engine's zero time ("never"). Date.parse would drop the
 * nanoseconds, and two stages can start within the same millisecond.
 */
export function engineTime(text: string | undefined): bigint | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The later of two engine timestamps. */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  const ta = engineTime(a);
  const tb = engineTime(b);
  if (ta === undefined) return tb === undefined ? undefined : b;
  return tb === undefined || ta >= tb ? a : b;
}

/** A time of day as the user reads it, in local time: `14:02:07`. */
function clock(text: string): string {
  const d = new Date(Date.parse(text));
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}
