// `berth stats`: live resource usage of the project's containers, as `docker stats` prints it.
import { bytesSize, humanSize, stats, type ContainerStats } from '../api/stats.js';
import { defineCommand } from './command.js';
import { formatTable, shortId, tableOrJson } from './images.js';

export default defineCommand({
  name: 'stats',
  summary: 'Display a live stream of container resource usage statistics',
  args: '[SERVICE...]',
  options: {
    all: { type: 'boolean', short: 'a', description: 'Show all containers (default shows just running)' },
    'no-stream': { type: 'boolean', description: 'Print one snapshot and exit' },
    'no-trunc': { type: 'boolean', description: 'Do not truncate container IDs' },
    format: { type: 'string', description: 'table or json (one object per container and line)', value: 'FORMAT' },
  },
  async run(ctx, opts, services) {
    const format = tableOrJson(ctx, opts.format);
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const render = (list: ContainerStats[]) =>
      format === 'json'
        ? list.map((s) => `${JSON.stringify(statsJson(s, !opts['no-trunc']))}\n`).join('')
        : statsTable(list, !opts['no-trunc']);
    const snapshot = () => stats(loaded, { services, all: opts.all });
    if (opts['no-stream']) {
      ctx.stdout.write(render(await snapshot()));
      return 0;
    }
    // Stream: one sample a second (the engine needs that long to measure CPU) until interrupted.
    const tty = (ctx.stdout as NodeJS.WriteStream).isTTY === true;
    let stopped = false;
    const interrupt = () => {
      stopped = true;
    };
    process.once('SIGINT', interrupt);
    try {
      while (!stopped) {
        const text = render(await snapshot());
        if (stopped) break;
        ctx.stdout.write(tty ? `\x1b[H\x1b[2J${text}` : text);
      }
    } finally {
      process.off('SIGINT', interrupt);
    }
    return 0;
  },
});

function cells(s: ContainerStats, trunc: boolean) {
  return {
    BlockIO: `${humanSize(s.blockRead)} / ${humanSize(s.blockWrite)}`,
    CPUPerc: `${s.cpuPercent.toFixed(2)}%`,
    Container: shortId(s.id),
    ID: trunc ? shortId(s.id) : s.id,
    MemPerc: `${s.memoryPercent.toFixed(2)}%`,
    MemUsage: `${bytesSize(s.memoryUsage)} / ${bytesSize(s.memoryLimit)}`,
    Name: s.name,
    NetIO: `${humanSize(s.networkRx)} / ${humanSize(s.networkTx)}`,
    PIDs: String(s.pids),
  };
}

/** `docker stats --format json`: the template fields, keys sorted as Go prints them. */
function statsJson(s: ContainerStats, trunc: boolean): Record<string, string> {
  return cells(s, trunc);
}

function statsTable(list: ContainerStats[], trunc: boolean): string {
  return formatTable([
    ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'],
    ...list.map((s) => {
      const c = cells(s, trunc);
      return [c.ID, c.Name, c.CPUPerc, c.MemUsage, c.MemPerc, c.NetIO, c.BlockIO, c.PIDs];
    }),
  ]);
}
