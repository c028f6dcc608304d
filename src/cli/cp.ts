// `berth cp`: copy files between a service's containers and this machine.
import { copy } from '../api/cp.js';
import { defineCommand, intOption } from './command.js';

export default defineCommand({
  name: 'cp',
  summary: 'Copy files/folders between a service container and the local filesystem',
  args: 'SERVICE:SRC_PATH DEST_PATH|-  or  SRC_PATH|- SERVICE:DEST_PATH',
  options: {
    index: {
      type: 'string',
      description: 'Replica of the service (default: the first when copying out, all when copying in)',
      value: 'N',
    },
    all: { type: 'boolean', description: 'Include containers created by the run command' },
    archive: { type: 'boolean', short: 'a', description: 'Archive mode (copy all uid/gid information)' },
    'follow-link': { type: 'boolean', short: 'L', description: 'Always follow a symbolic link in SRC_PATH' },
  },
  async run(ctx, opts, positionals) {
    if (positionals.length !== 2)
      ctx.usage('cp needs a source and a destination: SERVICE:SRC_PATH DEST_PATH|- or SRC_PATH|- SERVICE:DEST_PATH');
    const [source, destination] = positionals;
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    const engine = await connecting;
    await copy(loaded, {
      engine,
      source,
      destination,
      index: intOption(opts.index, 'index'),
      all: opts.all,
      archive: opts.archive,
      followLink: opts['follow-link'],
      stdout: ctx.stdout,
    });
    return 0;
  },
});
