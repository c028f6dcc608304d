// `berth top [SERVICE...]`: per running container, its name and a table of its processes.
import { top, type ContainerProcesses } from '../api/top.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'top',
  summary: 'Display the running processes',
  args: '[SERVICE...]',
  options: {},
  async run(ctx, _opts, services) {
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const list = await top(loaded, { services });
    ctx.stdout.write(list.map(formatTop).join('\n'));
    return 0;
  },
});

/** The container's name, then the processes as a table aligned on two-space gaps (as Compose prints them). */
export function formatTop(c: ContainerProcesses): string {
  const rows = [c.titles, ...c.processes];
  const widths = c.titles.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const table = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : (cell ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  return `${c.name}\n${table.join('\n')}\n`;
}
