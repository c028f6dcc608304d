// `berth ls`: the Compose projects on this engine (no compose file needed).
import { listProjects } from '../api/ls.js';
import { defineCommand } from './command.js';
import { formatTable, tableOrJson } from './images.js';

export default defineCommand({
  name: 'ls',
  summary: 'List running compose projects',
  options: {
    all: { type: 'boolean', short: 'a', description: 'Show all projects, including stopped ones' },
    quiet: { type: 'boolean', short: 'q', description: 'Only display project names' },
    filter: {
      type: 'string',
      multiple: true,
      description: 'Filter output: name=<pattern> (repeatable)',
      value: 'FILTER',
    },
    format: { type: 'string', description: 'table or json', value: 'FORMAT' },
  },
  async run(ctx, opts) {
    const format = tableOrJson(ctx, opts.format);
    const projects = await listProjects({ all: opts.all, filters: opts.filter });
    if (opts.quiet) ctx.stdout.write(projects.map((p) => `${p.name}\n`).join(''));
    else if (format === 'json')
      ctx.stdout.write(
        `${JSON.stringify(projects.map((p) => ({ Name: p.name, Status: p.status, ConfigFiles: p.configFiles })))}\n`,
      );
    else
      ctx.stdout.write(
        formatTable([['NAME', 'STATUS', 'CONFIG FILES'], ...projects.map((p) => [p.name, p.status, p.configFiles])]),
      );
    return 0;
  },
});
