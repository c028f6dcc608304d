// `berth events`: stream the project's container events until interrupted.
import { events, formatEvent } from '../api/events.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'events',
  summary: 'Receive real time events from containers',
  args: '[SERVICE...]',
  options: {
    json: { type: 'boolean', description: 'Output events as a stream of JSON objects, one per line' },
  },
  async run(ctx, opts, services) {
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const stop = new AbortController();
    const interrupt = () => stop.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      await events(
        loaded,
        (e) => {
          // Docker Compose's fields, in the order Go prints a map (sorted keys).
          const line = opts.json
            ? JSON.stringify({
                action: e.action,
                attributes: e.attributes,
                id: e.id,
                service: e.service,
                time: e.time,
                type: e.type,
              })
            : formatEvent(e);
          ctx.stdout.write(`${line}\n`);
        },
        { services, signal: stop.signal },
      );
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    return 0;
  },
});
