// `berth pause` / `berth unpause`: freeze and thaw the services' containers.
import { pause as pauseContainers, unpause as unpauseContainers, type ContainerRefResult } from '../api/pause.js';
import type { LoadedProject } from '../model/types.js';
import { defineCommand, type CliContext } from './command.js';

/** Loads the project, checks the service names, runs `action`, and reports each container on stderr. */
export async function containerAction(
  ctx: CliContext,
  services: string[],
  done: string,
  action: (loaded: LoadedProject) => Promise<ContainerRefResult[]>,
): Promise<ContainerRefResult[]> {
  const loaded = await ctx.load();
  for (const s of services) ctx.service(loaded.project, s);
  const affected = await action(loaded);
  if (ctx.globals.progress !== 'quiet')
    ctx.stderr.write(affected.map((c) => ` Container ${c.name}  ${done}\n`).join(''));
  return affected;
}

export const pause = defineCommand({
  name: 'pause',
  summary: 'Pause services',
  args: '[SERVICE...]',
  options: {},
  async run(ctx, _opts, services) {
    await containerAction(ctx, services, 'Paused', (loaded) => pauseContainers(loaded, { services }));
    return 0;
  },
});

export const unpause = defineCommand({
  name: 'unpause',
  summary: 'Unpause services',
  args: '[SERVICE...]',
  options: {},
  async run(ctx, _opts, services) {
    await containerAction(ctx, services, 'Unpaused', (loaded) => unpauseContainers(loaded, { services }));
    return 0;
  },
});
