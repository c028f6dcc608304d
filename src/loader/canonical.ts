// Canonical form: every Compose short syntax in one file expanded to the long form of the
// model (src/model/types.ts), still as plain data. One table of rules keyed by path; a field
// with a short syntax is a row. Output matches compose-go's canonical and default passes.
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { LoadError } from '../errors.js';
import type { Locate } from './locate.js';
import { formatPath, isDict, type Dict, type PathSegment } from './paths.js';
import { OverrideTag, ResetTag } from './parse.js';
import { PathTable, sameFor, type Cursor } from './path-table.js';
import { mapDict, mapList } from './tree.js';
import { formatDuration, parseBytes, parseDuration } from '../model/units.js';

/** Expands one file's short syntax. `!override` values are expanded inside; `!reset` is kept. */
export function toCanonical(file: Dict, locate?: Locate): Dict {
  // One path array for the whole walk: it is read only when a rule fails.
  const path: PathSegment[] = [];
  const walk = (value: unknown, cursor: Cursor<Rule>): unknown => {
    if (value instanceof ResetTag) return value;
    if (value instanceof OverrideTag) {
      const inner = walk(value.value, cursor);
      return inner === value.value ? value : new OverrideTag(inner);
    }
    let out = value;
    if (cursor.value) {
      try {
        out = cursor.value(value);
      } catch (err) {
        const at = err instanceof ValueError ? [...path, ...err.at] : path;
        throw new LoadError('schema', (err as Error).message, { path: formatPath(at), position: locate?.(at) });
      }
    }
    if (cursor.empty) return out;
    // Rules run before the walk goes deeper, so the long form they produce is expanded in turn.
    const child = (item: unknown, segment: PathSegment) => {
      path.push(segment);
      const next = walk(item, cursor.child(segment));
      path.pop();
      return next;
    };
    if (Array.isArray(out)) return mapList(out, child);
    if (isDict(out)) return mapDict(out, child);
    return out;
  };
  return walk(file, RULES.root) as Dict;
}

/** A value its syntax cannot describe; `at` locates it below the path of the rule that failed. */
class ValueError extends Error {
  constructor(
    message: string,
    readonly at: PathSegment[] = [],
  ) {
    super(message);
  }
}

type Rule = (value: unknown) => unknown;

const isTag = (value: unknown) => value instanceof ResetTag || value instanceof OverrideTag;

const scalarString = (value: unknown) =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;

const stringToList: Rule = (value) => (typeof value === 'string' ? [value] : value);

const duration: Rule = (value) =>
  typeof value === 'string' || typeof value === 'number' ? formatDuration(parseDuration(value)) : value;

const bytes: Rule = (value) => (typeof value === 'string' || typeof value === 'number' ? parseBytes(value) : value);

const cpus: Rule = (value) => {
  if (typeof value !== 'string') return value;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new Error(`invalid cpus "${value}": expected a number of CPUs such as 0.5 or 2`);
  }
  return n;
};

/** `["K=V", "K"]` -> `{K: "V", K: onBare(K)}`; a mapping stays as it is. */
function keyValueList(onBare: (entry: string, index: number) => string | null): Rule {
  return (value) => {
    if (!Array.isArray(value)) return value;
    const out: Dict = {};
    value.forEach((entry, i) => {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq === -1) out[text] = onBare(text, i);
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    });
    return out;
  };
}

/** Maps whose bare keys mean "pass the variable through": environment, build args. */
function nullableMapRows(paths: string[]): Record<string, Rule> {
  const entries = paths.flatMap((p) => [
    [p, keyValueList(() => null)],
    [`${p}.*`, (v: unknown) => (v === null ? null : scalarString(v))],
  ]);
  return Object.fromEntries(entries);
}

/** Maps of strings: labels, options. A bare key is an empty string, as in Compose. */
function stringMapRows(paths: string[]): Record<string, Rule> {
  const entries = paths.flatMap((p) => [
    [p, keyValueList(() => '')],
    [`${p}.*`, (v: unknown) => (v === null ? '' : scalarString(v))],
  ]);
  return Object.fromEntries(entries);
}

const shellCommand: Rule = (value) => {
  if (typeof value === 'string') return splitShellWords(value);
  return Array.isArray(value) ? value.map(scalarString) : value;
};

/** Splits a command string into argv as Compose does: quotes and backslashes, no expansion. */
export function splitShellWords(line: string): string[] {
  const args: string[] = [];
  let word = '';
  let started = false; // a word exists, even an empty one ('' or "")
  let quote: string | undefined;
  let escaped = false;
  for (const char of line) {
    if (escaped) {
      word += char === 't' ? '\t' : char === 'n' ? '\n' : char;
      escaped = false;
      started = true;
    } else if (char === '\\' && quote !== "'") {
      escaped = true;
    } else if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (char === ' ' || char === '\t' || char === '\r' || char === '\n') {
      if (started) args.push(word);
      word = '';
      started = false;
    } else if (';&|<>'.includes(char)) {
      // Compose silently drops everything from the operator on; refusing is kinder.
      throw new Error(
        `the command "${line}" uses the shell operator "${char}", which only a shell understands: ` +
          'write it as ["sh", "-c", "..."]',
      );
    } else {
      word += char;
      started = true;
    }
  }
  if (quote) throw new Error(`the command "${line}" has an unterminated ${quote} quote`);
  if (escaped) throw new Error(`the command "${line}" ends with a lone backslash`);
  if (started) args.push(word);
  return args;
}

const envFile: Rule = (value) => {
  if (typeof value === 'string') return { path: value, required: true };
  return isDict(value) ? { ...value, required: value.required ?? true } : value;
};

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

const expandPorts: Rule = (value) => {
  if (!Array.isArray(value)) return value;
  return value.flatMap((entry, i) => {
    if (typeof entry === 'number') return [{ target: entry }];
    if (typeof entry !== 'string') return [entry];
    try {
      return parsePortSpec(entry);
    } catch (err) {
      throw new ValueError((err as Error).message, [i]);
    }
  });
};

/** `[ip:][host[-range]:]container[-range][/protocol]`, one entry per container port. */
function parsePortSpec(spec: string): Dict[] {
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

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}

const portDefaults: Rule = (value) => {
  if (!isDict(value)) return value;
  const port: Dict = { mode: 'ingress', ...value, protocol: value.protocol ?? 'tcp' };
  if (typeof port.published === 'number') port.published = String(port.published);
  if (typeof port.target === 'string' && /^\d+$/.test(port.target)) port.target = Number(port.target);
  return port;
};

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

const volumeMount: Rule = (value) => (typeof value === 'string' ? parseVolume(value) : value);

/** `[source:]target[:options]`; a source starting with `.`, `/`, `~` (or a drive) is a bind. */
function parseVolume(spec: string): Dict {
  if (spec.length === 0) throw new Error('invalid volume "": the volume is empty');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  const fields = [''];
  for (const char of spec) {
    const last = fields[fields.length - 1];
    // `C:` is a Windows drive, not a separator.
    if (char === ':' && !(last.length === 1 && /\p{L}/u.test(last))) fields.push('');
    else fields[fields.length - 1] = last + char;
  }
  if (fields.includes('')) throw new Error(`invalid volume "${spec}": empty section between colons`);
  if (fields.length > 3) throw new Error(`invalid volume "${spec}": too many colons`);
  const [source, target] = fields.length === 1 ? [undefined, fields[0]] : fields;

  let readOnly = false;
  let nocopy = false;
  let bind: Dict | undefined;
  for (const option of (fields[2] ?? '').split(',')) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw') readOnly = false;
    else if (option === 'nocopy') nocopy = true;
    else if (PROPAGATIONS.has(option)) bind = { ...bind, propagation: option };
    else if (option === 'z' || option === 'Z') bind = { ...bind, selinux: option };
    // Compose ignores any other option (consistency modes and the like).
  }

  const isBind = source !== undefined && isFilePath(source);
  const mount: Dict = { type: isBind ? 'bind' : 'volume' };
  if (source !== undefined) mount.source = source;
  mount.target = cleanPath(target);
  if (readOnly) mount.read_only = true;
  // The short syntax creates a missing host path, as docker-compose v1 did.
  if (isBind) mount.bind = { ...bind, create_host_path: true };
  else if (bind) mount.bind = bind;
  if (nocopy) mount.volume = { nocopy: true };
  else if (!isBind) mount.volume = {};
  return mount;
}

function isFilePath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^\p{L}:/u.test(source);
}

/** Go's path.Clean: `/data/` -> `/data`. */
function cleanPath(p: string): string {
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

const bindDefaults: Rule = (value) =>
  isDict(value) && value.create_host_path === undefined ? { ...value, create_host_path: true } : value;

const deviceMapping: Rule = (value) => {
  if (isDict(value) && typeof value.source === 'string') {
    return { ...value, target: value.target ?? value.source, permissions: value.permissions ?? 'rwm' };
  }
  if (typeof value !== 'string') return value;
  const parts = value.split(':');
  if (parts.length > 3) {
    throw new Error(`invalid device "${value}": too many colons, use the long syntax (source, target, permissions)`);
  }
  const [source, target, permissions = 'rwm'] = parts;
  return { source, target: target || source, permissions };
};

/** `count: all`, or neither count nor device_ids, means every device: -1. */
const deviceRequest: Rule = (value) => {
  if (!isDict(value)) return value;
  if (value.count !== undefined && value.device_ids !== undefined) {
    throw new Error(
      '"count" and "device_ids" cannot both be set: count asks for any N devices, device_ids for these ones',
    );
  }
  if (value.device_ids !== undefined) return value;
  const count = value.count ?? 'all';
  if (count === 'all') return { ...value, count: -1 };
  if (typeof count === 'string' && /^\d+$/.test(count)) return { ...value, count: Number(count) };
  return value;
};

const extraHosts: Rule = (value) => {
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
      if (isTag(ips)) hosts[host] = ips;
      else add(host, Array.isArray(ips) ? ips.map(String) : [ips === null ? '' : String(ips)], host);
    }
  } else {
    return value;
  }
  return hosts;
};

const sshKeys: Rule = (value) => {
  if (typeof value === 'string') return [value];
  if (isDict(value)) return Object.entries(value).map(([id, path]) => (path === null ? id : `${id}=${String(path)}`));
  if (!Array.isArray(value)) return value;
  return value.map((entry, i) => {
    const text = String(entry);
    if (!text.includes('=') && text !== 'default') {
      throw new ValueError(`invalid ssh key "${text}": expected id=path, or "default" for the SSH agent`, [i]);
    }
    return text;
  });
};

/** One watch rule per path when `path` is a list. */
const watchRules: Rule = (value) => {
  if (!Array.isArray(value)) return value;
  return value.flatMap((rule) =>
    isDict(rule) && Array.isArray(rule.path) ? rule.path.map((path) => ({ ...rule, path })) : [rule],
  );
};

const includeEntry: Rule = (value) => {
  if (typeof value === 'string') return { path: [value] };
  if (!isDict(value)) return value;
  const entry = { ...value };
  if (typeof entry.path === 'string') entry.path = [entry.path];
  if (typeof entry.env_file === 'string') entry.env_file = [entry.env_file];
  return entry;
};

/** Top-level networks, volumes, secrets, configs: `null` is `{}`; `external: {name}` is legacy. */
const resource: Rule = (value) => {
  if (value === null || value === undefined) return {};
  if (!isDict(value) || !isDict(value.external)) return value;
  const externalName = value.external.name;
  if (externalName !== undefined && value.name !== undefined && value.name !== externalName) {
    throw new Error(`name "${String(value.name)}" and external.name "${String(externalName)}" conflict: only use name`);
  }
  const out: Dict = { ...value, external: true };
  if (externalName !== undefined) out.name = externalName;
  return out;
};

const RULES = new PathTable<Rule>({
  'services.*.build': (v) => (typeof v === 'string' ? { context: v } : v),
  'services.*.build.additional_contexts': keyValueList((entry, i) => {
    throw new ValueError(`invalid additional context "${entry}": expected name=location`, [i]);
  }),
  'services.*.build.extra_hosts': extraHosts,
  'services.*.build.secrets.*': (v) => (typeof v === 'string' ? { source: v } : v),
  'services.*.build.ssh': sshKeys,
  'services.*.build.ulimits.*': (v) => (typeof v === 'number' ? { soft: v, hard: v } : v),
  'services.*.configs.*': (v) => (typeof v === 'string' ? { source: v } : v),
  'services.*.depends_on': (v) => (Array.isArray(v) ? Object.fromEntries(v.map((name) => [String(name), {}])) : v),
  'services.*.depends_on.*': (v) => (isDict(v) ? { condition: 'service_started', required: true, ...v } : v),
  'services.*.deploy.resources.reservations.devices.*': deviceRequest,
  'services.*.develop.watch': watchRules,
  'services.*.devices.*': deviceMapping,
  'services.*.env_file': stringToList,
  'services.*.env_file.*': envFile,
  'services.*.expose.*': scalarString,
  'services.*.extra_hosts': extraHosts,
  'services.*.gpus': (v) => (typeof v === 'string' ? [{}] : v),
  'services.*.gpus.*': deviceRequest,
  'services.*.group_add.*': scalarString,
  'services.*.healthcheck.test': (v) => (typeof v === 'string' ? ['CMD-SHELL', v] : v),
  'services.*.networks': (v) => (Array.isArray(v) ? Object.fromEntries(v.map((name) => [String(name), null])) : v),
  'services.*.ports': expandPorts,
  'services.*.ports.*': portDefaults,
  'services.*.secrets.*': (v) => (typeof v === 'string' ? { source: v } : v),
  'services.*.ulimits.*': (v) => (typeof v === 'number' ? { soft: v, hard: v } : v),
  'services.*.volumes.*': volumeMount,
  'services.*.volumes.*.bind': bindDefaults,
  'include.*': includeEntry,
  ...sameFor(['networks.*', 'volumes.*', 'secrets.*', 'configs.*'], resource),
  ...sameFor(
    [
      'services.*.command',
      'services.*.entrypoint',
      'services.*.post_start.*.command',
      'services.*.pre_stop.*.command',
      'services.*.develop.watch.*.exec.command',
    ],
    shellCommand,
  ),
  ...sameFor(
    [
      'services.*.cap_add',
      'services.*.cap_drop',
      'services.*.dns',
      'services.*.dns_search',
      'services.*.label_file',
      'services.*.profiles',
      'services.*.tmpfs',
    ],
    stringToList,
  ),
  ...sameFor(
    [
      'services.*.stop_grace_period',
      'services.*.healthcheck.interval',
      'services.*.healthcheck.timeout',
      'services.*.healthcheck.start_period',
      'services.*.healthcheck.start_interval',
      'services.*.deploy.restart_policy.delay',
      'services.*.deploy.restart_policy.window',
      'services.*.deploy.update_config.delay',
      'services.*.deploy.update_config.monitor',
      'services.*.deploy.rollback_config.delay',
      'services.*.deploy.rollback_config.monitor',
    ],
    duration,
  ),
  ...sameFor(
    [
      'services.*.mem_limit',
      'services.*.mem_reservation',
      'services.*.memswap_limit',
      'services.*.shm_size',
      'services.*.build.shm_size',
      'services.*.deploy.resources.limits.memory',
      'services.*.deploy.resources.reservations.memory',
      'services.*.volumes.*.tmpfs.size',
      'services.*.blkio_config.device_read_bps.*.rate',
      'services.*.blkio_config.device_write_bps.*.rate',
    ],
    bytes,
  ),
  ...sameFor(
    ['services.*.cpus', 'services.*.deploy.resources.limits.cpus', 'services.*.deploy.resources.reservations.cpus'],
    cpus,
  ),
  ...nullableMapRows([
    'services.*.environment',
    'services.*.build.args',
    'services.*.post_start.*.environment',
    'services.*.pre_stop.*.environment',
    'services.*.develop.watch.*.exec.environment',
  ]),
  ...stringMapRows([
    'services.*.labels',
    'services.*.annotations',
    'services.*.sysctls',
    'services.*.storage_opt',
    'services.*.logging.options',
    'services.*.build.labels',
    'services.*.deploy.labels',
    'networks.*.labels',
    'networks.*.driver_opts',
    'networks.*.ipam.options',
    'volumes.*.labels',
    'volumes.*.driver_opts',
    'secrets.*.labels',
    'secrets.*.driver_opts',
    'configs.*.labels',
    'configs.*.driver_opts',
  ]),
});
