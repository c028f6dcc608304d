// `berth exec SERVICE COMMAND [ARGS...]`: run a command in a running container; exits with its code.
import { exec } from '../api/exec.js';
import { envArgs } from '../engine/env-args.js';
import { defineCommand, intOption } from './command.js';

export default defineCommand({
  passthroughAfter: 1,
  name: 'exec',
  summary: 'Execute a command in a running container',
  args: 'SERVICE COMMAND [ARGS...]',
  options: {
    detach: { type: 'boolean', short: 'd', description: 'Run the command in the background' },
    env: {
      type: 'string',
      short: 'e',
      multiple: true,
      description: 'Set an environment variable (KEY alone takes it from this shell)',
      value: 'KEY=VAL',
    },
    user: { type: 'string', short: 'u', description: 'Run the command as this user', value: 'USER' },
    workdir: { type: 'string', short: 'w', description: 'Working directory of the command', value: 'DIR' },
    index: { type: 'string', description: 'Replica of the service to use (default 1)', value: 'N' },
    privileged: { type: 'boolean', description: 'Give extended privileges to the command' },
    'no-TTY': {
      type: 'boolean',
      short: 'T',
      description: 'Do not allocate a TTY (default: allocate one when stdin is a terminal)',
    },
    interactive: {
      type: 'boolean',
      short: 'i',
      description: 'Keep stdin open (the default; accepted for compatibility)',
    },
  },
  async run(ctx, opts, positionals) {
    const [service, ...command] = positionals;
    if (!service) ctx.usage('exec needs a SERVICE and a COMMAND');
    if (!command.length) ctx.usage('exec needs a COMMAND to run in the container');
    const connecting = ctx.connect();
    const loaded = await ctx.load();
    ctx.service(loaded.project, service);
    const index = intOption(opts.index, 'index');
    const engine = await connecting;
    const result = await exec(loaded, {
      engine,
      service,
      command,
      index,
      detach: opts.detach,
      env: envArgs(opts.env, (key) => process.env[key]),
      user: opts.user,
      workdir: opts.workdir,
      privileged: opts.privileged,
      tty: opts['no-TTY'] ? false : undefined,
    });
    return result.exitCode;
  },
});
