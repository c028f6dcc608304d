// `extra_hosts` of a service or a build, in either form (a list of `host=ip` / `host:ip`, or a
// mapping), gathered into one mapping of host name to IPs as compose-go does.
import { isDict, type Dict, type PathSegment } from '../paths.js';
import { OverrideTag, ResetTag } from '../parse.js';
import { splitOnce } from './split-once.js';
import { ValueError } from './value-error.js';

/** The host-to-IPs mapping; a value of neither form is returned as it is, for the schema to refuse. */
export function parseExtraHosts(value: unknown): unknown {
  const hosts: Dict = {};
  const add = (host: string, ips: string[], at: PathSegment) => {
    if (host === '' || /[:=]/.test(host)) throw new ValueError(`invalid extra host name "${host}"`, [at]);
    // `[::1]` -> `::1`
    const bare = ips.map((ip) => (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip));
    hosts[host] = [...((hosts[host] as string[] | undefined) ?? []), ...bare];
  };
  if (Array.isArray(value)) {
    value.forEach((entry, i) => {
      const text = String(entry);
      const [host, ips] = splitOnce(text, text.includes('=') ? '=' : ':');
      if (ips === undefined) throw new ValueError(`invalid extra host "${text}": expected host=ip or host:ip`, [i]);
      add(host, ips.split(','), i);
    });
  } else if (isDict(value)) {
    for (const [host, ips] of Object.entries(value)) {
      // A merge tag on one host is left for the merge stage.
      if (ips instanceof ResetTag || ips instanceof OverrideTag) hosts[host] = ips;
      else add(host, Array.isArray(ips) ? ips.map(String) : [ips === null ? '' : String(ips)], host);
    }
  } else {
    return value;
  }
  return hosts;
}
