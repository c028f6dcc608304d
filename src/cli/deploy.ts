// `berth deploy` / `berth undeploy`: the project as a stack on the engine's Swarm.
import { deploy as deployStack, undeploy as undeployStack } from '../api/deploy.js';
import { formatSwarmPlan } from '../swarm/plan.js';
import { defineCommand, intOption } from './command.js';

export const deploy = defineCommand({
  name: 'deploy',
  summary: 'Deploy the project as a stack to the Swarm this engine manages',
  options: {
    wait: {
      type: 'boolean',
      description: 'Wait until every service has converged (tasks running, healthy where checked; jobs completed)',
    },
    'wait-timeout': { type: 'string', description: 'Maximum seconds to wait with --wait', value: 'SECONDS' },
    prune: { type: 'boolean', description: 'Remove services of the stack that are no longer in the compose file' },
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
  },
  async run(ctx, opts) {
    const waitTimeout = intOption(opts['wait-timeout'], 'wait-timeout');
    if (waitTimeout !== undefined && !opts.wait) ctx.usage('--wait-timeout needs --wait');
    const loaded = await ctx.load();
    const dryRun = opts['dry-run'] || ctx.globals.dryRun;
    const renderer = ctx.renderer();
    const aborter = new AbortController();
    const interrupt = () => aborter.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      const plan = await deployStack(loaded, {
        onEvent: renderer.listener,
        signal: aborter.signal,
        prune: opts.prune,
        wait: opts.wait,
        waitTimeout,
        dryRun,
      });
      await renderer.finish();
      if (dryRun) ctx.stdout.write(`${formatSwarmPlan(plan) || 'nothing to do'}\n`);
    } finally {
      await renderer.finish();
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    return 0;
  },
});

export const undeploy = defineCommand({
  name: 'undeploy',
  summary: "Remove the project's stack from the Swarm: services, networks, secrets, configs",
  options: {
    'dry-run': { type: 'boolean', description: 'Print the plan and change nothing' },
  },
  async run(ctx, opts) {
    const loaded = await ctx.load();
    const dryRun = opts['dry-run'] || ctx.globals.dryRun;
    const renderer = ctx.renderer();
    const plan = await undeployStack(loaded, { onEvent: renderer.listener, dryRun });
    await renderer.finish();
    if (dryRun) ctx.stdout.write(`${formatSwarmPlan(plan) || 'nothing to do'}\n`);
    else if (!plan.nodes.length)
      ctx.stderr.write(`nothing to remove: stack "${loaded.project.name}" is not deployed\n`);
    return 0;
  },
});
