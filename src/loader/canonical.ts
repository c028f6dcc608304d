// Canonical form: every Compose short syntax in one file expanded to the long form of the
// model (src/model/types.ts), still as plain data. One table of rules keyed by path; a field
// with a short syntax is a row, and the larger syntaxes (ports, volumes, command strings,
// extra hosts, devices) have their parsers in short-syntax/, which `run` uses for its flags too.
// Output matches compose-go's canonical and default passes.
import { LoadError } from '../errors.js';
import type { Locate } from './locate.js';
import { formatPath, isDict, type Dict, type PathSegment } from './paths.js';
import { OverrideTag, ResetTag } from './parse.js';
import { PathTable, sameFor, type Cursor } from './path-table.js';
import { mapDict, mapList } from './tree.js';
import { formatDuration, parseBytes, parseDuration } from '../model/units.js';
import { parseDevice } from './short-syntax/devices.js';
import { parseExtraHosts } from './short-syntax/extra-hosts.js';
import { parsePortSpec } from './short-syntax/ports.js';
import { splitShellWords } from './short-syntax/shell-words.js';
import { ValueError } from './short-syntax/value-error.js';
import { parseVolume } from './short-syntax/volumes.js';

/**
 * Expands one file's short syntax. `!override` values are expanded inside; `!reset` is kept.
 * With `keepUnparsed` (files not interpolated), a value its syntax rejects stays as written, as
 * compose-go does: `"${PORT}:80"` is not a port until the variable is replaced.
 */
export function toCanonical(file: Dict, locate?: Locate, { keepUnparsed = false } = {}): Dict {
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
        if (keepUnparsed) return value;
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

type Rule = (value: unknown) => unknown;

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

const envFile: Rule = (value) => {
  if (typeof value === 'string') return { path: value, required: true };
  return isDict(value) ? { ...value, required: value.required ?? true } : value;
};

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

const portDefaults: Rule = (value) => {
  if (!isDict(value)) return value;
  const port: Dict = { mode: 'ingress', ...value, protocol: value.protocol ?? 'tcp' };
  if (typeof port.published === 'number') port.published = String(port.published);
  if (typeof port.target === 'string' && /^\d+$/.test(port.target)) port.target = Number(port.target);
  return port;
};

const volumeMount: Rule = (value) => (typeof value === 'string' ? parseVolume(value) : value);

const bindDefaults: Rule = (value) =>
  isDict(value) && value.create_host_path === undefined ? { ...value, create_host_path: true } : value;

const deviceMapping: Rule = (value) => {
  if (isDict(value) && typeof value.source === 'string') {
    return { ...value, target: value.target ?? value.source, permissions: value.permissions ?? 'rwm' };
  }
  return typeof value === 'string' ? parseDevice(value) : value;
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
  'services.*.build.extra_hosts': parseExtraHosts,
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
  'services.*.extra_hosts': parseExtraHosts,
  'services.*.gpus': (v) => (typeof v === 'string' ? [{}] : v),
  'services.*.gpus.*': deviceRequest,
  'services.*.group_add.*': scalarString,
  'services.*.healthcheck.test': (v) => (typeof v === 'string' ? ['CMD-SHELL', v] : v),
  'services.*.networks': (v) => (Array.isArray(v) ? Object.fromEntries(v.map((name) => [String(name), null])) : v),
  'services.*.ports': expandPorts,
  'services.*.pull_policy': (v) => (v === 'if_not_present' ? 'missing' : v),
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
