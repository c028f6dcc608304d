// `berth wait`: block until the services' containers stop; exit with the first one's code.
import { wait } from '../api/wait.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'wait',
  summary: 'Block until containers of all (or specified) services stop',
  args: 'SERVICE [SERVICE...]',
  options: {
    'down-project': {
      type: 'boolean',
      description: 'Drop the project (down --remove-orphans) once the first container stops',
    },
  },
  async run(ctx, opts, services) {
    if (!services.length) ctx.usage('wait: name at least one service');
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const renderer = opts['down-project'] ? ctx.renderer() : undefined;
    try {
      const result = await wait(loaded, {
        services,
        downProject: opts['down-project'],
        onEvent: renderer?.listener,
        onExit: (exit) => ctx.stdout.write(`container "${exit.name}" exited with status code ${exit.exitCode}\n`),
      });
      return result.exitCode;
    } finally {
      await renderer?.finish();
    }
  },
});
