// `berth logs [SERVICE...]`: the containers' output, each line prefixed `web-1  | `.
import { logs, type LogSource } from '../api/logs.js';
import { serviceColor } from './colors.js';
import { defineCommand, intOption, type CliContext } from './command.js';
import { loadExisting } from './existing-project.js';

export default defineCommand({
  name: 'logs',
  summary: 'View output from containers',
  args: '[SERVICE...]',
  options: {
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'Follow log output, including containers started or recreated later',
    },
    tail: {
      type: 'string',
      short: 'n',
      description: 'Number of lines to show from the end of the logs of each container, or "all"',
      value: 'N',
    },
    since: {
      type: 'string',
      description: 'Show logs since a timestamp (2024-01-02T15:04:05Z) or a relative time (42m)',
      value: 'TIME',
    },
    until: { type: 'string', description: 'Show logs before a timestamp or a relative time', value: 'TIME' },
    timestamps: { type: 'boolean', short: 't', description: 'Show timestamps' },
    'no-color': { type: 'boolean', description: 'Produce monochrome output' },
    'no-log-prefix': { type: 'boolean', description: 'Do not print the container name prefix' },
    index: { type: 'string', description: 'Only the container with this replica number', value: 'N' },
  },
  async run(ctx, opts, services) {
    const tail = tailOption(ctx, opts.tail);
    const index = intOption(opts.index, 'index');
    const connecting = ctx.connect();
    const loaded = await loadExisting(ctx);
    for (const s of services) ctx.service(loaded.project, s);
    const engine = await connecting;
    const color = !opts['no-color'] && useColor(ctx);
    const prefix = !opts['no-log-prefix'];
    let width = 0;
    const prefixes = new Map<string, string>();
    const prefixOf = (entry: LogSource) => {
      let text = prefixes.get(entry.containerId);
      if (text === undefined) {
        const label = `${entry.name.padEnd(width)} | `;
        text = color ? serviceColor(entry.service)(label) : label;
        prefixes.set(entry.containerId, text);
      }
      return text;
    };
    const aborter = new AbortController();
    const interrupt = () => aborter.abort();
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      await logs(loaded, {
        engine,
        services,
        index,
        follow: opts.follow,
        tail,
        since: opts.since,
        until: opts.until,
        timestamps: opts.timestamps,
        signal: aborter.signal,
        onContainers: (sources) => {
          const wider = Math.max(width, ...sources.map((s) => s.name.length));
          if (wider !== width) {
            width = wider;
            prefixes.clear();
          }
        },
        // Compose prints both streams of every container to stdout.
        onLine: (entry) => ctx.stdout.write(`${prefix ? prefixOf(entry) : ''}${entry.line}\n`),
      });
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    return 0;
  },
});

function tailOption(ctx: CliContext, value: string | undefined): number | 'all' | undefined {
  if (value === undefined || value === 'all') return value;
  if (!/^-?\d+$/.test(value)) ctx.usage(`--tail expects a number of lines or "all", got "${value}"`);
  const n = Number(value);
  // As docker: a negative count means all.
  return n < 0 ? 'all' : n;
}

function useColor(ctx: CliContext): boolean {
  if (ctx.globals.ansi === 'never') return false;
  if (ctx.globals.ansi === 'always') return true;
  return (ctx.stdout as NodeJS.WriteStream).isTTY === true;
}
