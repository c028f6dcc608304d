// Published TCP and UDP ports already taken: by another project's container (seen through the engine), or,
// for an engine on this machine, by any process (a bind on the port fails). The project's own
// containers are left out: they hold their ports until the plan replaces them.
import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';
import type Docker from 'dockerode';
import { LoadError } from '../errors.js';
import { locateListItem } from '../loader/provenance.js';
import { Label } from '../model/labels.js';
import type { PortConfig } from '../model/types.js';
import type { Engine } from './connect.js';
import type { PrecheckContext } from './precheck-context.js';

interface WantedPort {
  service: string;
  index: number;
  port: PortConfig;
  published: number;
}

export async function checkPorts({ engine, loaded, services }: PrecheckContext): Promise<void> {
  const wanted = [...services].flatMap((service) =>
    (loaded.project.services[service]?.ports ?? []).flatMap((port, index) =>
      // A range or no host port lets the engine pick a free one: nothing to check.
      port.published && /^\d+$/.test(port.published)
        ? [{ service, index, port, published: Number(port.published) }]
        : [],
    ),
  );
  if (!wanted.length) return;
  const running = await engine.listContainers({});
  const others = running.filter((c) => c.Labels?.[Label.project] !== loaded.project.name);
  const ours = running.filter((c) => c.Labels?.[Label.project] === loaded.project.name);
  for (const w of wanted) {
    const holder = others.find((c) => c.Ports.some((p) => holds(p, w)));
    if (holder) fail(loaded, w, `container ${containerDescription(holder)}`);
    if (!isLocal(engine) || ours.some((c) => c.Ports.some((p) => holds(p, w)))) continue;
    if (!(await bindable(w.port.protocol, w.port.host_ip, w.published))) fail(loaded, w, 'a process on this host');
  }
}

function holds(p: Docker.Port, w: WantedPort): boolean {
  return p.PublicPort === w.published && p.Type === w.port.protocol && overlaps(p.IP, w.port.host_ip);
}

const ANY = new Set(['', '0.0.0.0', '::', undefined]);

function overlaps(a: string | undefined, b: string | undefined): boolean {
  return ANY.has(a) || ANY.has(b) || a === b;
}

function containerDescription(c: Docker.ContainerInfo): string {
  const name = (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
  const project = c.Labels?.[Label.project];
  return project ? `${name} (project ${project})` : name;
}

function fail(loaded: PrecheckContext['loaded'], w: WantedPort, holder: string): never {
  const path = `services.${w.service}.ports[${w.index}]`;
  const address = `${w.port.host_ip && !ANY.has(w.port.host_ip) ? `${w.port.host_ip}:` : ''}${w.published}`;
  const position = locateListItem(loaded.configFiles, ['services', w.service, 'ports'], (item) =>
    typeof item === 'object' && item !== null
      ? String((item as { published?: unknown }).published) === String(w.published)
      : new RegExp(`(^|:)${w.published}(-\\d+)?:`).test(String(item)),
  );
  throw new LoadError('conflict', `port ${address}/${w.port.protocol} is already in use by ${holder}`, {
    position,
    path,
  });
}

/** An engine reached through a unix socket runs on this machine: its published ports are this host's. */
function isLocal(engine: Engine): boolean {
  return typeof (engine.modem as { socketPath?: unknown }).socketPath === 'string';
}

/** Whether a TCP listener or a UDP socket could take the port now (it is closed at once); SCTP is not checked. */
function bindable(protocol: string, hostIp: string | undefined, port: number): Promise<boolean> {
  const host = hostIp && !ANY.has(hostIp) ? hostIp : '0.0.0.0';
  return new Promise((resolve) => {
    const free = (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE');
    if (protocol === 'tcp') {
      const server = createServer();
      server.once('error', free);
      server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
    } else if (protocol === 'udp') {
      const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', free);
      socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
    } else resolve(true);
  });
}
