// `berth scale SERVICE=REPLICAS...`: as Compose's `scale`, the services brought to that many containers.
import { scale } from '../api/scale.js';
import { defineCommand, intOption } from './command.js';
import { printPlans } from './dry-run-output.js';
import { parseReplicaArgs } from './replicas.js';

export default defineCommand({
  name: 'scale',
  summary: 'Scale services',
  args: 'SERVICE=REPLICAS...',
  options: {
    'no-deps': { type: 'boolean', description: 'Do not start the services they depend on' },
    timeout: {
      type: 'string',
      short: 't',
      description: 'Seconds to wait for containers to stop when removing replicas',
      value: 'SECONDS',
    },
  },
  async run(ctx, opts, args) {
    if (!args.length) ctx.usage('scale needs at least one SERVICE=REPLICAS');
    const replicas = parseReplicaArgs(ctx, 'scale', args);
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    for (const s of Object.keys(replicas)) ctx.service(loaded.project, s);
    const renderer = ctx.renderer();
    const dryRun = ctx.globals.dryRun;
    try {
      const result = await scale(loaded, {
        engine: await connecting,
        replicas,
        noDeps: opts['no-deps'],
        timeout: intOption(opts.timeout, 'timeout'),
        onEvent: renderer.listener,
        signal: ctx.signal,
        dryRun,
      });
      if (dryRun) printPlans(ctx, [result.images, result.plan]);
    } finally {
      await renderer.finish();
    }
    return 0;
  },
});

/** `SERVICE=NUM` arguments as replica counts by service. */
