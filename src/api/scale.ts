// `scale`: set the number of containers of some services, as Compose's `scale` does: `up` of
// those services (and, unless `noDeps`, what they depend on) with the replica counts given.
import { BerthError } from '../errors.js';
import { MAX_REPLICAS } from '../model/limits.js';
import type { LoadedProject } from '../model/types.js';
import { up, type UpOptions, type UpResult } from './up.js';

export interface ScaleOptions extends Pick<
  UpOptions,
  'engine' | 'onEvent' | 'signal' | 'noDeps' | 'timeout' | 'dryRun'
> {
  /** Wanted containers by service name. */
  replicas: Record<string, number>;
}

export function scale(loaded: LoadedProject, options: ScaleOptions): Promise<UpResult> {
  const { replicas, ...rest } = options;
  const services = Object.keys(replicas);
  if (!services.length) throw new BerthError('usage', 'scale needs at least one SERVICE=REPLICAS');
  for (const [service, count] of Object.entries(replicas)) {
    if (!Number.isInteger(count) || count < 0 || count > MAX_REPLICAS)
      throw new BerthError(
        'usage',
        `scale ${service}=${count}: replicas must be a whole number from 0 to ${MAX_REPLICAS}`,
      );
  }
  return up(loaded, { ...rest, services, scale: replicas });
}
