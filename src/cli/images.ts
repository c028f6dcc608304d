// `berth images`: the images the project's containers use.
import { images, type ImageSummary } from '../api/images.js';
import { humanSize } from '../api/stats.js';
import { defineCommand, type CliContext } from './command.js';

export default defineCommand({
  name: 'images',
  summary: 'List images used by the created containers',
  args: '[SERVICE...]',
  options: {
    quiet: { type: 'boolean', short: 'q', description: 'Only display image IDs' },
    format: { type: 'string', description: 'table or json', value: 'FORMAT' },
  },
  async run(ctx, opts, services) {
    const format = tableOrJson(ctx, opts.format);
    const loaded = await ctx.load();
    for (const s of services) ctx.service(loaded.project, s);
    const list = await images(loaded, { services });
    if (opts.quiet)
      ctx.stdout.write([...new Set(list.map((i) => i.id.replace(/^[^:]*:/, '')))].map((id) => `${id}\n`).join(''));
    else if (format === 'json') ctx.stdout.write(`${JSON.stringify(list.map(composeJson))}\n`);
    else {
      ctx.stdout.write(
        formatTable([
          ['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE'],
          ...list.map((i) => [
            i.container,
            i.repository || '<none>',
            i.tag || '<none>',
            shortId(i.id),
            humanSize(i.size),
          ]),
        ]),
      );
    }
    return 0;
  },
});

/** Docker Compose's JSON fields. */
function composeJson(i: ImageSummary): Record<string, unknown> {
  return {
    ID: i.id,
    ContainerName: i.container,
    Repository: i.repository,
    Tag: i.tag,
    Platform: i.platform,
    Size: i.size,
    ...(i.created ? { Created: i.created } : {}),
    ...(i.lastTagTime ? { LastTagTime: i.lastTagTime } : {}),
  };
}

/** The 12-character form of an ID, without its `sha256:` prefix. */
export function shortId(id: string): string {
  return id.replace(/^[^:]*:/, '').slice(0, 12);
}

/** `--format`: table (the default) or json; anything else is a usage error. */
export function tableOrJson(ctx: CliContext, format: string | undefined): 'table' | 'json' {
  const value = format ?? 'table';
  if (value !== 'table' && value !== 'json') ctx.usage(`--format must be table or json, got "${value}"`);
  return value;
}

/** Columns padded to their widest cell, three spaces apart (the last one unpadded). */
export function formatTable(rows: string[][]): string {
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
