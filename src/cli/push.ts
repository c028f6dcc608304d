// `berth push`: push the images the project builds to their registries.
import { push } from '../api/push.js';
import { defineCommand } from './command.js';
import { withQuietableProgress } from './pull.js';

export default defineCommand({
  name: 'push',
  summary: 'Push service images',
  args: '[SERVICE...]',
  options: {
    'ignore-push-failures': { type: 'boolean', description: 'Push what it can and ignore images with push failures' },
    'include-deps': { type: 'boolean', description: 'Also push images of services declared as dependencies' },
    quiet: { type: 'boolean', short: 'q', description: 'Push without printing progress information' },
  },
  async run(ctx, opts, services) {
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    return withQuietableProgress(ctx, !!opts.quiet, async (onEvent) => {
      await push(loaded, {
        services,
        includeDeps: opts['include-deps'],
        ignoreFailures: opts['ignore-push-failures'],
        onEvent,
      });
    });
  },
});
