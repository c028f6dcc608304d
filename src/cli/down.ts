// `berth down`: stop and remove containers and networks (volumes and images when asked).
import { down, type VolumeRemoval } from '../api/down.js';
import { printPlans } from './dry-run-output.js';
import { defineCommand, intOption } from './command.js';
import { loadExisting } from './existing-project.js';
import { confirmRemoval, volumeList } from './volume-removals.js';

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
    yes: {
      type: 'boolean',
      short: 'y',
      description: 'With --volumes, remove the volumes without asking (berth asks only on a terminal)',
    },
  },
  async run(ctx, opts, services) {
    if (opts.rmi !== undefined && opts.rmi !== 'local' && opts.rmi !== 'all')
      ctx.usage(`--rmi must be local or all, got "${opts.rmi}"`);
    const connecting = ctx.connect();
    const loaded = await loadExisting(ctx);
    const renderer = ctx.renderer();
    const dryRun = opts['dry-run'] || ctx.globals.dryRun;
    let listed = '';
    const onVolumes = async (volumes: VolumeRemoval[]) => {
      listed = volumeList(volumes);
      if (dryRun) return true;
      ctx.stderr.write(listed);
      const terminal = process.stdin.isTTY === true && ctx.stderr.isTTY === true;
      return opts.yes || !terminal || confirmRemoval(process.stdin, ctx.stderr);
    };
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
      onVolumes: opts.volumes ? onVolumes : undefined,
    });
    await renderer.finish();
    if (dryRun) {
      printPlans(ctx, [plan]);
      ctx.stdout.write(ctx.redactor().text(listed));
    }
    return 0;
  },
});
