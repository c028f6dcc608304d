// `berth ps`: the project's containers; for a project deployed to a Swarm, its tasks per node.
import { stackTasks, type StackTask } from '../api/deploy.js';
import { ps, type ContainerSummary } from '../api/ps.js';
import { formatDuration } from '../reconcile/pipeline-summary.js';
import { defineCommand, type CliContext } from './command.js';
import { loadExisting } from './existing-project.js';
import { renderFormat, type Row } from './go-template.js';

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
    format: {
      type: 'string',
      description: "table, json (one object a line), or a Go template: '{{.Name}}', 'table {{.Name}}\\t{{.State}}'",
      value: 'FORMAT',
    },
    'no-trunc': { type: 'boolean', description: 'Do not truncate IDs and commands' },
  },
  async run(ctx, opts, services) {
    const format = opts.format ?? 'table';
    if (format !== 'table' && format !== 'json' && !format.includes('{{'))
      ctx.usage(`--format must be table, json or a template such as '{{.Name}}', got "${format}"`);
    const connecting = ctx.connect();
    const loaded = await loadExisting(ctx);
    for (const s of services) ctx.service(loaded.project, s);
    const engine = await connecting;
    const tasks = await stackTasks(loaded, { engine, all: opts.all, services });
    if (tasks) return stackView(ctx, tasks, { ...opts, format });
    const list = await ps(loaded, { engine, all: opts.all, services, status: opts.status });
    if (opts.quiet) ctx.stdout.write(list.map((c) => `${c.id}\n`).join(''));
    else if (opts.services) ctx.stdout.write([...new Set(list.map((c) => c.service))].map((s) => `${s}\n`).join(''));
    else {
      const extra = pipelineFields(list);
      const rows = list.map((c, i) => ({ ...composeRow(c, !opts['no-trunc']), ...extra.rows[i] }));
      const table = DEFAULT_TABLE + extra.fields.map((f) => `\\t{{.${f}}}`).join('');
      ctx.stdout.write(renderFormat(format === 'table' ? table : format, rows, HEADERS));
    }
    return 0;
  },
});

// Compose's default columns, and the headers it gives fields whose name is not their header.
const DEFAULT_TABLE =
  'table {{.Name}}\\t{{.Image}}\\t{{.Command}}\\t{{.Service}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}';
const HEADERS = { ID: 'CONTAINER ID', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', RanFor: 'RAN FOR' };

/**
 * berth's fields beyond Compose's, present only when a listed container has them (so the rest
 * reads as Compose's): how long an exited job ran, and which GPUs each container asked for.
 */
function pipelineFields(list: ContainerSummary[]): { fields: string[]; rows: Row[] } {
  const fields = [
    ...(list.some((c) => c.ranFor !== undefined) ? ['RanFor'] : []),
    ...(list.some((c) => c.gpus) ? ['GPUs'] : []),
  ];
  const value = (c: ContainerSummary, field: string) =>
    field === 'GPUs' ? (c.gpus ?? '') : c.ranFor === undefined ? '' : formatDuration(c.ranFor);
  return { fields, rows: list.map((c) => Object.fromEntries(fields.map((f) => [f, value(c, f)]))) };
}

/** A container as Compose's `ps` gives it to `--format`: its fields, its names, keys sorted as Go prints them. */
function composeRow(c: ContainerSummary, trunc: boolean): Row {
  return {
    Command: JSON.stringify(trunc ? truncate(c.command, 20) : c.command),
    CreatedAt: goTime(c.created),
    ExitCode: c.exitCode ?? 0,
    Health: c.health ?? '',
    ID: trunc ? c.id.slice(0, 12) : c.id,
    Image: c.image,
    Labels: Object.entries(c.labels)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(','),
    LocalVolumes: String(c.localVolumes),
    Mounts: c.mounts.join(','),
    Name: c.name,
    Names: c.name,
    Networks: c.networks.join(','),
    Ports: ports(c),
    Project: c.project,
    Publishers: c.publishers
      .map((p) => ({ URL: p.url, TargetPort: p.targetPort, PublishedPort: p.publishedPort ?? 0, Protocol: p.protocol }))
      .sort((a, b) => a.TargetPort - b.TargetPort || a.URL.localeCompare(b.URL)),
    RunningFor: ago(c.created),
    Service: c.service,
    State: c.state,
    Status: c.status,
  };
}

/** Unix seconds as Go prints a time in UTC: `2024-01-02 15:04:05 +0000 UTC`. */
function goTime(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** How long ago, in the docker CLI's words: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`... `ago`. */
function ago(created: number): string {
  const seconds = Math.max(0, Date.now() / 1000 - created);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.round(seconds / 3600);
  const days = Math.floor(hours / 24);
  const words: [boolean, string][] = [
    [seconds < 1, 'Less than a second'],
    [seconds < 2, '1 second'],
    [seconds < 60, `${Math.floor(seconds)} seconds`],
    [minutes === 1, 'About a minute'],
    [minutes < 60, `${minutes} minutes`],
    [hours === 1, 'About an hour'],
    [hours < 48, `${hours} hours`],
    [hours < 24 * 14, `${days} days`],
    [hours < 24 * 60, `${Math.floor(days / 7)} weeks`],
    [hours < 24 * 365 * 2, `${Math.floor(days / 30)} months`],
  ];
  return `${words.find(([when]) => when)?.[1] ?? `${Math.floor(days / 365)} years`} ago`;
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
