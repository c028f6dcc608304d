// `berth down`: stop and remove containers and networks (volumes and images when asked).
import { down } from '../api/down.js';
import { printPlans } from './dry-run-output.js';
import { defineCommand, intOption } from './command.js';
import { loadExisting } from './existing-project.js';

export default defineCommand({
  name: 'down',
  summary: 'Stop and remove containers, networks',
  args: '[SERVICE...]',
  options: {
    volumes: {
      type: 'boolean',
      short: 'v',
      description: 'Remove named volumes declared in the volumes section and anonymous volumes attached to containers',
    },
    'remove-orphans': {
      type: 'boolean',
      description: 'Remove containers for services not defined in the compose file',
    },
    rmi: {
      type: 'string',
      description: 'Remove images used by services: "local" (images without a custom tag) or "all"',
      value: 'TYPE',
    },
    timeout: {
      type: 'string',
      short: 't',
      description: 'Seconds to wait for containers to stop before killing them',
      value: 'SECONDS',
    },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
  },
  async run(ctx, opts, services) {
    if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all')
      ctx.usage(`--rmi must be local or all, got "${opts.rmi}"`);
    const connecting = ctx.connect();
    const loaded = await loadExisting(ctx);
    const renderer = ctx.renderer();
    const dryRun = opts['dry-run'] || ctx.globals.dryRun;
    // An interrupt ends the run through the library, which releases the project's lock on its way out.
    const plan = await down(loaded, {
      engine: await connecting,
      services,
      volumes: opts.volumes,
      removeOrphans: opts['remove-orphans'],
      rmi: opts.rmi as 'local' | 'all' | undefined,
      timeout: intOption(opts.timeout, 'timeout'),
      onEvent: renderer.listener,
      signal: ctx.signal,
      dryRun,
    });
    await renderer.finish();
    if (dryRun) printPlans(ctx, [plan]);
    return 0;
  },
});
