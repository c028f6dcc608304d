// Checks run before `up` creates anything: each looks for something the project needs that
// another holds, and fails with the holder's name and the compose line, instead of the
// engine's error halfway through a run with some services already started.
import { checkPorts } from './port-check.js';
import type { Precheck, PrecheckContext } from './precheck-context.js';
import { checkContainerNames, checkDonors } from './precheck-containers.js';

/** Every check, in order; one more check is one more entry. */
export const PRECHECKS: Precheck[] = [checkPorts, checkContainerNames, checkDonors];

export async function precheck(ctx: PrecheckContext): Promise<void> {
  for (const check of PRECHECKS) await check(ctx);
}
