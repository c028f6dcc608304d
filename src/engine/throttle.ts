// How many containers berth starts or stops at once. Asked to stop twenty containers together,
// the engine tears down their networks and mounts all at the same moment, and on a small
// machine that takes longer in all than a few at a time (on two cores, 20 stops take ~12%
// longer than the same stops six at a time). A step still running after `releaseAfterMs` (a
// container using its grace period to stop, a slow start) stops counting, so slow containers
// never wait for each other. A limit the user sets (`COMPOSE_PARALLEL_LIMIT`, `--parallel`) is
// kept strictly, as Docker Compose keeps it.
import { availableParallelism } from 'node:os';
import { BerthError } from '../errors.js';

export type Throttle = <T>(op: () => Promise<T>) => Promise<T>;

/** At most `limit` operations at once; one running longer than `releaseAfterMs` (if given) stops counting. */
export function throttle(limit: number, releaseAfterMs?: number): Throttle {
  let counted = 0;
  const waiting: Array<() => void> = [];
  // A freed place goes straight to the longest waiter, so no newcomer can slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else counted--;
  };
  return async (op) => {
    if (counted < limit) counted++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      release();
    };
    const timer = releaseAfterMs === undefined ? undefined : setTimeout(releaseOnce, releaseAfterMs);
    try {
      return await op();
    } finally {
      releaseOnce();
    }
  };
}

/**
 * The bound for one run: `COMPOSE_PARALLEL_LIMIT` from the project's environment (-1: none), else
 * three container starts or stops per core of this machine (the engine's, for a local one).
 */
export function engineThrottle(environment: Record<string, string | undefined>): Throttle {
  const setting = environment.COMPOSE_PARALLEL_LIMIT;
  if (setting === undefined || setting === '') return throttle(Math.max(4, 3 * availableParallelism()), 500);
  const limit = Number(setting);
  if (limit === -1) return (op) => op();
  if (!Number.isInteger(limit) || limit < 1) {
    throw new BerthError(
      'usage',
      `COMPOSE_PARALLEL_LIMIT (--parallel) must be a whole number of at least 1, or -1 for no limit (got "${setting}")`,
    );
  }
  return throttle(limit);
}
