// How many containers berth starts or stops at once. Asked to stop twenty containers together,
// the engine tears down their networks and mounts all at the same moment, and on a small
// machine that takes longer in all than a few at a time (on two cores, 20 stops take ~12%
// longer than the same stops six at a time). A step still running after `releaseAfterMs` (a
// container using its grace period to stop, a slow start) stops counting, so slow containers
// never wait for each other.
import { availableParallelism } from 'node:os';

export type Throttle = <T>(op: () => Promise<T>) => Promise<T>;

export function throttle(limit: number, releaseAfterMs: number): Throttle {
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
    const timer = setTimeout(releaseOnce, releaseAfterMs);
    try {
      return await op();
    } finally {
      releaseOnce();
    }
  };
}

/** Three container starts or stops per core of this machine (the engine's, for a local one). */
export function engineThrottle(): Throttle {
  return throttle(Math.max(4, 3 * availableParallelism()), 500);
}
