// `berth kill`: signal the services' running containers (SIGKILL unless told otherwise).
import { kill } from '../api/kill.js';
import { defineCommand } from './command.js';
import { containerAction } from './pause.js';

export default defineCommand({
  name: 'kill',
  summary: 'Force stop service containers',
  args: '[SERVICE...]',
  options: {
    signal: {
      type: 'string',
      short: 's',
      description: 'Signal to send to the containers (default SIGKILL)',
      value: 'SIGNAL',
    },
    'remove-orphans': {
      type: 'boolean',
      description: 'Also kill containers of services not defined in the compose file',
    },
  },
  async run(ctx, opts, services) {
    if (opts.signal !== undefined && !/^(SIG)?[A-Z0-9+-]+$|^\d+$/i.test(opts.signal))
      ctx.usage(`--signal expects a signal name or number, got "${opts.signal}"`);
    const step = { done: 'Killed', verb: 'Kill', reason: opts.signal ?? 'SIGKILL' };
    const killed = await containerAction(ctx, services, step, (loaded, dryRun) =>
      kill(loaded, { services, signal: opts.signal, removeOrphans: opts['remove-orphans'], dryRun }),
    );
    if (!killed.length && !ctx.globals.dryRun) ctx.stderr.write('no container to kill\n');
    return 0;
  },
});
