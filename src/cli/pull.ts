// `berth pull`: pull the services' images.
import { pull } from '../api/pull.js';
import type { ProgressListener } from '../progress/events.js';
import { defineCommand, type CliContext } from './command.js';

export default defineCommand({
  name: 'pull',
  summary: 'Pull service images',
  args: '[SERVICE...]',
  options: {
    'ignore-pull-failures': { type: 'boolean', description: 'Pull what it can and ignore images with pull failures' },
    'ignore-buildable': { type: 'boolean', description: 'Ignore images that can be built' },
    'include-deps': { type: 'boolean', description: 'Also pull services declared as dependencies' },
    policy: {
      type: 'string',
      description: 'Apply pull policy: missing (skip images present locally) or always',
      value: 'POLICY',
    },
    quiet: { type: 'boolean', short: 'q', description: 'Pull without printing progress information' },
  },
  async run(ctx, opts, services) {
    if (opts.policy !== undefined && opts.policy !== 'missing' && opts.policy !== 'always')
      ctx.usage(`--policy must be missing or always, got "${opts.policy}"`);
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    return withQuietableProgress(ctx, !!opts.quiet, async (onEvent) => {
      await pull(loaded, {
        services,
        includeDeps: opts['include-deps'],
        policy: opts.policy as 'missing' | 'always' | undefined,
        ignoreFailures: opts['ignore-pull-failures'],
        ignoreBuildable: opts['ignore-buildable'],
        onEvent,
      });
    });
  },
});

/** Progress through the renderer; with `quiet`, only warnings (on stderr). */
export async function withQuietableProgress(
  ctx: CliContext,
  quiet: boolean,
  action: (onEvent: ProgressListener) => Promise<void>,
): Promise<number> {
  if (quiet) {
    await action((event) => {
      if (event.type === 'warning') ctx.stderr.write(`warning: ${event.message}\n`);
    });
    return 0;
  }
  const renderer = ctx.renderer();
  try {
    await action(renderer.listener);
  } finally {
    await renderer.finish();
  }
  return 0;
}
