// `berth watch`: start the services (unless --no-up), then follow their develop.watch rules
// until Ctrl-C. One line per action on stdout; problems as warnings on stderr.
import { up } from '../api/up.js';
import { watch, watchedServices, type WatchEvent, type WatchOptions } from '../api/watch.js';
import { createRenderer } from '../progress/render.js';
import { defineCommand, type CliContext } from './command.js';

export default defineCommand({
  name: 'watch',
  summary:
    'Watch the files of services with develop.watch rules and sync, restart or rebuild their containers when they change',
  args: '[SERVICE...]',
  options: {
    'no-up': { type: 'boolean', description: 'Do not build and start the services before watching' },
    prune: { type: 'boolean', description: 'After a rebuild, remove the image it replaced when nothing uses it' },
    quiet: { type: 'boolean', description: 'Hide build output' },
  },
  async run(ctx, opts, services) {
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    watchedServices(loaded, services);
    const engine = await connecting;
    const aborter = new AbortController();
    const interrupt = () => aborter.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      if (!opts['no-up']) {
        const renderer = ctx.renderer();
        await up(loaded, {
          engine,
          services,
          signal: aborter.signal,
          onEvent: (e) => (opts.quiet && e.type === 'output' ? undefined : renderer.listener(e)),
        });
        await renderer.finish();
      }
      await watch(loaded, {
        engine,
        services,
        noUp: true,
        prune: opts.prune,
        quiet: opts.quiet,
        signal: aborter.signal,
        ...watchOutput(ctx),
      });
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    return 0;
  },
});

/** How `watch` and `up --watch` print: action lines on stdout, warnings and build output on stderr. */
export function watchOutput(
  ctx: CliContext,
  onEvent?: (event: WatchEvent) => void,
): Pick<WatchOptions, 'onEvent' | 'onWatchEvent'> {
  const progress = createRenderer(ctx.stderr, ctx.globals.progress === 'quiet' ? 'quiet' : 'plain');
  return {
    // Step lines would repeat the action lines; warnings and build output are kept.
    onEvent: (e) => (e.type === 'warning' || e.type === 'output' ? progress.listener(e) : undefined),
    onWatchEvent: (e) => {
      if (e.type === 'failed') ctx.stderr.write(`warning: ${e.message}\n`);
      else if (e.type !== 'restarted') ctx.stdout.write(`${e.message}\n`);
      onEvent?.(e);
    },
  };
}
