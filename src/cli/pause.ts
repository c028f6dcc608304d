// `berth pause` / `berth unpause`: freeze and thaw the services' containers.
import { pause as pauseContainers, unpause as unpauseContainers, type ContainerRefResult } from '../api/pause.js';
import type { LoadedProject } from '../model/types.js';
import { printDryRun } from './dry-run-output.js';
import { defineCommand, type CliContext } from './command.js';
import { loadExisting } from './existing-project.js';

/**
 * Loads the project (from the engine's labels when no compose file is there), checks the
 * service names, runs `action`, and reports each container on stderr; under --dry-run, prints
 * the step it would take on each container (` Container proj-web-1  Pause (pause)`) instead.
 */
export async function containerAction(
  ctx: CliContext,
  services: string[],
  step: { done: string; verb: string; reason: string },
  action: (loaded: LoadedProject, dryRun: boolean) => Promise<ContainerRefResult[]>,
): Promise<ContainerRefResult[]> {
  const loaded = await loadExisting(ctx);
  for (const s of services) ctx.service(loaded.project, s);
  const dryRun = ctx.globals.dryRun;
  const affected = await action(loaded, dryRun);
  if (dryRun)
    printDryRun(
      ctx,
      affected.map((c) => ` Container ${c.name}  ${step.verb} (${step.reason})`),
    );
  else if (ctx.globals.progress !== 'quiet')
    ctx.stderr.write(affected.map((c) => ` Container ${c.name}  ${step.done}\n`).join(''));
  return affected;
}

export const pause = defineCommand({
  name: 'pause',
  summary: 'Pause services',
  args: '[SERVICE...]',
  options: {},
  async run(ctx, _opts, services) {
    const step = { done: 'Paused', verb: 'Pause', reason: 'pause' };
    await containerAction(ctx, services, step, (loaded, dryRun) => pauseContainers(loaded, { services, dryRun }));
    return 0;
  },
});

export const unpause = defineCommand({
  name: 'unpause',
  summary: 'Unpause services',
  args: '[SERVICE...]',
  options: {},
  async run(ctx, _opts, services) {
    const step = { done: 'Unpaused', verb: 'Unpause', reason: 'unpause' };
    await containerAction(ctx, services, step, (loaded, dryRun) => unpauseContainers(loaded, { services, dryRun }));
    return 0;
  },
});
