// The project a command on existing containers acts on: the compose files' when there are any;
// without them, given a project name (`-p`, COMPOSE_PROJECT_NAME), the one the engine's labels
// describe, as Docker Compose does for `down`, `ps`, `logs`, `stop` and the like.
import { projectFromLabels } from '../api/project-from-labels.js';
import { LoadError } from '../errors.js';
import type { LoadedProject } from '../model/types.js';
import type { CliContext } from './command.js';

export async function loadExisting(ctx: CliContext): Promise<LoadedProject> {
  try {
    return await ctx.load();
  } catch (err) {
    const env = ctx.globals.load.environment ?? process.env;
    const name = ctx.globals.load.projectName || env.COMPOSE_PROJECT_NAME;
    // Files named with -f or COMPOSE_FILE must exist: only a folder without any falls back.
    const named = ctx.globals.load.files?.length || env.COMPOSE_FILE;
    if (!(err instanceof LoadError && err.code === 'file-not-found') || named || !name) throw err;
    return projectFromLabels(await ctx.connect(), name);
  }
}
