// The short port syntax of `ports:` and `run -p`, expanded to long-syntax entries as compose-go
// does, so a spec publishes the same ports whichever of the two it came from.
import { isIP } from 'node:net';
import type { Dict } from '../paths.js';
import { splitOnce } from './split-once.js';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

/** `[ip:][host[-range]:]container[-range][/protocol]`, one entry per container port. */
export function parsePortSpec(spec: string): Dict[] {
  const parts = spec.split(':');
  const container = parts[parts.length - 1];
  const host = parts.length >= 2 ? parts[parts.length - 2] : '';
  let ip = parts.slice(0, -2).join(':');
  const [portText, protocolText = ''] = splitOnce(container, '/');
  const protocol = protocolText.toLowerCase() || 'tcp';
  if (!portText) throw new Error(`invalid port "${spec}": no container port`);
  if (!PROTOCOLS.has(protocol)) {
    throw new Error(`invalid port "${spec}": protocol "${protocolText}" is not tcp, udp or sctp`);
  }
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw new Error(`invalid port "${spec}": unclosed [ in IP address ${ip}`);
    ip = ip.slice(1, -1);
  }
  if (ip && isIP(ip) === 0) throw new Error(`invalid port "${spec}": "${ip}" is not an IP address`);

  const [start, end] = portRange(portText, spec);
  const [hostStart, hostEnd] = host ? portRange(host, spec) : [0, 0];
  // A host range may serve a single container port; otherwise the two ranges pair up.
  if (host && end - start !== hostEnd - hostStart && end !== start) {
    throw new Error(`invalid port "${spec}": container ports ${portText} and host ports ${host} differ in length`);
  }
  const count = end - start + 1;
  const entries: { key: string; port: Dict }[] = [];
  for (let i = 0; i < count; i++) {
    const port: Dict = { mode: 'ingress' };
    if (ip) port.host_ip = ip;
    port.target = start + i;
    if (host) port.published = count === 1 && hostStart !== hostEnd ? `${hostStart}-${hostEnd}` : String(hostStart + i);
    port.protocol = protocol;
    entries.push({ key: `${start + i}/${protocol}`, port });
  }
  // Compose sorts the ports of one spec as "<port>/<protocol>" strings: 10000 comes before 9999.
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((e) => e.port);
}

function portRange(text: string, spec: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = Number(match?.[1]);
  const end = match?.[2] === undefined ? start : Number(match[2]);
  if (!match || start > 65535 || end > 65535 || end < start) {
    throw new Error(`invalid port "${spec}": "${text}" is not a port (0-65535) or a range such as 8000-8010`);
  }
  return [start, end];
}
