// `berth ps`: the project's containers; for a project deployed to a Swarm, its tasks per node.
import { stackTasks, type StackTask } from '../api/deploy.js';
import { ps, type ContainerSummary } from '../api/ps.js';
import { defineCommand, type CliContext } from './command.js';

export default defineCommand({
  name: 'ps',
  summary: 'List containers',
  args: '[SERVICE...]',
  options: {
    all: {
      type: 'boolean',
      short: 'a',
      description: 'Show all containers, including stopped ones (deployed stack: tasks that were shut down too)',
    },
    quiet: { type: 'boolean', short: 'q', description: 'Only display IDs' },
    services: { type: 'boolean', description: 'Display services' },
    status: {
      type: 'string',
      multiple: true,
      description:
        'Filter by status: created, restarting, running, removing, paused, exited, dead (deployed stack: task states such as running, failed, complete)',
      value: 'STATUS',
    },
    format: { type: 'string', description: 'table or json', value: 'FORMAT' },
  },
  async run(ctx, opts, services) {
    const format = opts.format ?? 'table';
    if (format !== 'table' && format !== 'json') ctx.usage(`--format must be table or json, got "${format}"`);
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const engine = await connecting;
    const tasks = await stackTasks(loaded, { engine, all: opts.all, services });
    if (tasks) return stackView(ctx, tasks, { ...opts, format });
    const list = await ps(loaded, { engine, all: opts.all, services, status: opts.status });
    if (opts.quiet) ctx.stdout.write(list.map((c) => `${c.id}\n`).join(''));
    else if (opts.services) ctx.stdout.write([...new Set(list.map((c) => c.service))].map((s) => `${s}\n`).join(''));
    else if (format === 'json') ctx.stdout.write(`${JSON.stringify(list)}\n`);
    else ctx.stdout.write(table(list));
    return 0;
  },
});

function table(list: ContainerSummary[]): string {
  const rows = [
    ['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS'],
    ...list.map((c) => [
      c.name,
      c.image,
      JSON.stringify(truncate(c.command, 20)),
      c.service,
      ago(c.created),
      c.status,
      ports(c),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
          .join('   ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function ago(created: number): string {
  const s = Math.max(0, Math.floor(Date.now() / 1000 - created));
  if (s < 60) return `${s} seconds ago`;
  if (s < 3600) return `${Math.floor(s / 60)} minutes ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} hours ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

function ports(c: ContainerSummary): string {
  return c.publishers
    .map((p) =>
      p.publishedPort ? `${p.url}:${p.publishedPort}->${p.targetPort}/${p.protocol}` : `${p.targetPort}/${p.protocol}`,
    )
    .join(', ');
}

/** A deployed stack: one line per task, with the node it runs on, as `docker stack ps` shows it. */
function stackView(
  ctx: CliContext,
  tasks: StackTask[],
  opts: { quiet?: boolean; services?: boolean; status?: string[]; format: string },
): number {
  const list = opts.status?.length ? tasks.filter((t) => opts.status!.includes(t.state)) : tasks;
  if (opts.quiet) ctx.stdout.write(list.map((t) => `${t.id}\n`).join(''));
  else if (opts.services) ctx.stdout.write([...new Set(list.map((t) => t.service))].map((s) => `${s}\n`).join(''));
  else if (opts.format === 'json') ctx.stdout.write(`${JSON.stringify(list)}\n`);
  else {
    const rows = [
      ['NAME', 'SERVICE', 'IMAGE', 'NODE', 'DESIRED STATE', 'CURRENT STATE', 'ERROR'],
      ...list.map((t) => [
        t.name,
        t.service,
        t.image,
        t.node,
        capitalize(t.desiredState),
        `${capitalize(t.state)}${t.since ? ` ${isoAgo(t.since)}` : ''}`,
        t.error ?? '',
      ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    ctx.stdout.write(
      rows
        .map((r) =>
          r
            .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
            .join('   ')
            .trimEnd(),
        )
        .join('\n') + '\n',
    );
  }
  return 0;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function isoAgo(timestamp: string): string {
  const seconds = Date.parse(timestamp) / 1000;
  return Number.isNaN(seconds) ? '' : ago(seconds);
}
