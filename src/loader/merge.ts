// Merging a canonical compose file over the model so far, by the Compose Specification's rules
// (13-merge.md) as compose-go applies them: mappings merge, scalars replace, sequences append,
// except where the tables below say otherwise. `!reset` drops a value, `!override` replaces it.
import { LoadError } from '../errors.js';
import { PathTable, sameFor, type Cursor } from './path-table.js';
import { formatPath, isDict, type Dict, type PathSegment } from './paths.js';
import { OverrideTag, ResetTag } from './parse.js';
import { DROP, mapDict, mapList, setKey } from './tree.js';

/** `override` merged over `base`; neither is modified and the result holds no merge tags. */
export function mergeCompose(base: Dict, override: Dict): Dict {
  return enforceUnique(mergeValue(stripMergeTags(base), override, []), UNIQUE.root) as Dict;
}

/** One file on its own: `!reset` values disappear, `!override` values are unwrapped. */
export function stripMergeTags(d: Dict): Dict {
  return plain(d) as Dict;
}

/** `value` without merge tags, sharing every branch that holds none. */
function plain(value: unknown): unknown {
  if (value instanceof OverrideTag) return plain(value.value);
  if (Array.isArray(value)) return mapList(value, plainEntry);
  if (isDict(value)) return mapDict(value, plainEntry);
  return value;
}

const plainEntry = (value: unknown) => (value instanceof ResetTag ? DROP : plain(value));

type Merger = (base: unknown, override: unknown, path: PathSegment[]) => unknown;

function mergeValue(base: unknown, override: unknown, path: PathSegment[]): unknown {
  return (MERGERS.lookup(path) ?? mergeDefault)(base, override, path);
}

const mergeDefault: Merger = (base, override, path) => {
  // An override left empty (`image:`) keeps what earlier files said.
  if (override === null || override === undefined) return plain(base);
  if (isDict(base)) {
    if (!isDict(override)) throw mismatch(path, 'a mapping', override);
    return mergeMapping(base, override, path, mergeValue);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(override)) throw mismatch(path, 'a list', override);
    return [...(plain(base) as unknown[]), ...(plain(override) as unknown[])];
  }
  return plain(override);
};

function mergeMapping(base: Dict, override: Dict, path: PathSegment[], child: Merger): Dict {
  const out = { ...(plain(base) as Dict) };
  for (const [key, value] of Object.entries(override)) {
    if (value instanceof ResetTag) delete out[key];
    else if (value instanceof OverrideTag || !Object.hasOwn(base, key)) setKey(out, key, plain(value));
    else setKey(out, key, child(base[key], value, [...path, key]));
  }
  return out;
}

function mismatch(path: PathSegment[], expected: string, got: unknown): LoadError {
  const kind = Array.isArray(got) ? 'a list' : isDict(got) ? 'a mapping' : `the value ${JSON.stringify(got)}`;
  const detail = `cannot merge ${kind} over ${expected} defined in an earlier file: use the same form, or !override`;
  return new LoadError('merge', detail, { path: formatPath(path) });
}

const replace: Merger = (_base, override) => plain(override);

/** Entry by entry, the override's value replacing the earlier one, even when it is null. */
const byKey: Merger = (base, override, path) =>
  isDict(base) && isDict(override) ? mergeMapping(base, override, path, replace) : mergeDefault(base, override, path);

/** Host by host, the IPs of both files. */
const unionOfIps: Merger = (base, override, path) =>
  isDict(base) && isDict(override)
    ? mergeMapping(base, override, path, (b, o) =>
        Array.isArray(b) && Array.isArray(o) ? [...b, ...o.filter((ip) => !b.includes(ip))] : plain(o),
      )
    : mergeDefault(base, override, path);

/** Options only make sense for their driver: a different driver brings its own options. */
const mergeLogging: Merger = (base, override, path) => {
  const drivers = [isDict(base) && base.driver, isDict(override) && override.driver];
  return drivers[0] && drivers[1] && drivers[0] !== drivers[1] ? plain(override) : mergeDefault(base, override, path);
};

/** The override's subnets, each merged with the earlier entry for the same subnet. */
const mergeIpamConfig: Merger = (base, override, path) => {
  if (!Array.isArray(base) || !Array.isArray(override)) return mergeDefault(base, override, path);
  return override.map((entry, i) => {
    const earlier = isDict(entry) ? base.find((b) => isDict(b) && b.subnet === entry.subnet) : undefined;
    return earlier ? mergeDefault(earlier, entry, [...path, i]) : plain(entry);
  });
};

const MERGERS = new PathTable<Merger>({
  'services.*.logging': mergeLogging,
  'services.*.extra_hosts': unionOfIps,
  'services.*.build.extra_hosts': unionOfIps,
  'networks.*.ipam.config': mergeIpamConfig,
  ...sameFor(
    ['services.*.command', 'services.*.entrypoint', 'services.*.healthcheck.test', 'services.*.ulimits.*'],
    replace,
  ),
  ...sameFor(
    [
      'services.*.environment',
      'services.*.build.args',
      'services.*.labels',
      'services.*.annotations',
      'services.*.sysctls',
      'services.*.storage_opt',
      'services.*.logging.options',
      'services.*.build.labels',
      'services.*.build.additional_contexts',
      'services.*.deploy.labels',
      'networks.*.labels',
      'volumes.*.labels',
    ],
    byKey,
  ),
});

type UniqueKey = (item: unknown) => string;

const text = (item: unknown) => (typeof item === 'string' ? item : JSON.stringify(item));
const field =
  (name: string): UniqueKey =>
  (item) =>
    isDict(item) ? text(item[name]) : text(item);
/** `KEY=value` entries are the same entry when their keys are. */
const beforeEquals: UniqueKey = (item) => text(item).split('=')[0];
/** A mount without a target lands at `<dir>/<source>`. */
const mountTarget =
  (dir: string): UniqueKey =>
  (item) =>
    isDict(item) ? text(item.target ?? `${dir}/${text(item.source)}`) : text(item);
/** As compose-go and the specification: IP, published, target, protocol; not mode. */
const portKey: UniqueKey = (item) => {
  if (!isDict(item)) return text(item);
  const { host_ip = '0.0.0.0', published = '', target, protocol = 'tcp' } = item;
  return `${text(host_ip)}:${text(published)}:${text(target)}/${text(protocol)}`;
};

/** Lists whose entries are unique by a key: a later entry replaces the earlier one in place. */
const UNIQUE = new PathTable<UniqueKey>({
  'services.*.ports': portKey,
  'services.*.volumes': field('target'),
  'services.*.devices': field('target'),
  'services.*.env_file': field('path'),
  'services.*.secrets': mountTarget('/run/secrets'),
  'services.*.configs': mountTarget(''),
  ...sameFor(['services.*.expose', 'services.*.security_opt', 'services.*.external_links'], text),
  ...sameFor(
    [
      'services.*.cap_add',
      'services.*.cap_drop',
      'services.*.dns',
      'services.*.dns_opt',
      'services.*.dns_search',
      'services.*.links',
      'services.*.profiles',
      'services.*.tmpfs',
      'services.*.build.tags',
      'services.*.networks.*.aliases',
      'services.*.networks.*.link_local_ips',
    ],
    beforeEquals,
  ),
});

/** Later duplicates replace earlier ones in the lists of UNIQUE. */
function enforceUnique(value: unknown, cursor: Cursor<UniqueKey>): unknown {
  if (cursor.empty) return value;
  if (isDict(value)) return mapDict(value, (v, k) => enforceUnique(v, cursor.child(k)));
  if (!Array.isArray(value)) return value;
  const keyOf = cursor.value;
  if (!keyOf) return mapList(value, (v, i) => enforceUnique(v, cursor.child(i)));
  const out: unknown[] = [];
  const seen = new Map<string, number>();
  for (const item of value) {
    const key = keyOf(item);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(item);
    } else {
      out[at] = item;
    }
  }
  return out.length === value.length ? value : out;
}
