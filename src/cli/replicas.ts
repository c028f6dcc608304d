// `SERVICE=N` arguments, as `up --scale` and `scale` take them.
import { MAX_REPLICAS } from '../model/limits.js';
import type { CliContext } from './command.js';

/** Replica counts by service; `flag` names the option or command in usage errors. */
export function parseReplicaArgs(ctx: CliContext, flag: string, values: string[]): Record<string, number> {
  return Object.fromEntries(
    values.map((v) => {
      const m = /^([^=]+)=(\d+)$/.exec(v);
      if (!m) ctx.usage(`${flag} expects SERVICE=REPLICAS, got "${v}"`);
      if (Number(m[2]) > MAX_REPLICAS)
        ctx.usage(`${flag} ${m[1]}=${m[2]}: at most ${MAX_REPLICAS} replicas of a service`);
      return [m[1], Number(m[2])];
    }),
  );
}
