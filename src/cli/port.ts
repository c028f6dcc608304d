// `berth port SERVICE PRIVATE_PORT`: prints `host_ip:port` of the binding.
import { port } from '../api/port.js';
import { defineCommand, intOption } from './command.js';

export default defineCommand({
  name: 'port',
  summary: 'Print the public port for a port binding',
  args: 'SERVICE PRIVATE_PORT',
  options: {
    protocol: { type: 'string', description: 'tcp, udp or sctp (default tcp)', value: 'PROTOCOL' },
    index: { type: 'string', description: 'Replica of the service (default 1)', value: 'N' },
  },
  async run(ctx, opts, positionals) {
    if (positionals.length !== 2) ctx.usage('port needs a SERVICE and a PRIVATE_PORT');
    const [service, privatePort] = positionals;
    if (!/^\d+$/.test(privatePort) || Number(privatePort) < 1 || Number(privatePort) > 65535)
      ctx.usage(`PRIVATE_PORT must be a port number (1-65535), got "${privatePort}"`);
    const protocol = opts.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp')
      ctx.usage(`--protocol must be tcp, udp or sctp, got "${protocol}"`);
    const loaded = await ctx.load();
    ctx.service(loaded.project, service);
    const published = await port(loaded, {
      service,
      privatePort: Number(privatePort),
      protocol: protocol as 'tcp' | 'udp' | 'sctp',
      index: intOption(opts.index, 'index'),
    });
    ctx.stdout.write(`${published.hostIp}:${published.port}\n`);
    return 0;
  },
});
