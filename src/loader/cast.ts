// Interpolation leaves every `${VAR}` a string; Docker Compose casts the values of known
// numeric and boolean fields back, as compose-go's type-cast table does. A string that does not
// parse cleanly is left alone for the schema check to report.
import { OverrideTag } from './parse.js';
import { PathTable, type Cursor } from './path-table.js';
import { isDict, type Dict } from './paths.js';
import { mapDict, mapList } from './tree.js';

type CastKind = 'int' | 'float' | 'bool' | 'octal';

/** Dotted paths; `*` stands for any key or list index. */
const CASTS: Record<string, CastKind> = {
  'services.*.attach': 'bool',
  'services.*.blkio_config.weight': 'int',
  'services.*.blkio_config.weight_device.*.weight': 'int',
  'services.*.build.shm_size': 'int',
  'services.*.configs.*.mode': 'octal',
  'services.*.cpu_count': 'int',
  'services.*.cpu_percent': 'float',
  'services.*.cpu_period': 'int',
  'services.*.cpu_quota': 'int',
  'services.*.cpu_rt_period': 'int',
  'services.*.cpu_rt_runtime': 'int',
  'services.*.cpu_shares': 'int',
  'services.*.cpus': 'float',
  'services.*.depends_on.*.required': 'bool',
  'services.*.depends_on.*.restart': 'bool',
  'services.*.deploy.placement.max_replicas_per_node': 'int',
  'services.*.deploy.replicas': 'int',
  'services.*.deploy.resources.limits.cpus': 'float',
  'services.*.deploy.resources.limits.memory': 'int',
  'services.*.deploy.resources.limits.pids': 'int',
  'services.*.deploy.resources.reservations.cpus': 'float',
  'services.*.deploy.resources.reservations.devices.*.count': 'int',
  'services.*.deploy.resources.reservations.memory': 'int',
  'services.*.deploy.restart_policy.max_attempts': 'int',
  'services.*.deploy.rollback_config.max_failure_ratio': 'float',
  'services.*.deploy.rollback_config.parallelism': 'int',
  'services.*.deploy.update_config.max_failure_ratio': 'float',
  'services.*.deploy.update_config.parallelism': 'int',
  'services.*.gpus.*.count': 'int',
  'services.*.healthcheck.disable': 'bool',
  'services.*.healthcheck.retries': 'int',
  'services.*.init': 'bool',
  'services.*.mem_limit': 'int',
  'services.*.mem_reservation': 'int',
  'services.*.mem_swappiness': 'int',
  'services.*.memswap_limit': 'int',
  'services.*.oom_kill_disable': 'bool',
  'services.*.oom_score_adj': 'int',
  'services.*.pids_limit': 'int',
  'services.*.ports.*.target': 'int',
  'services.*.privileged': 'bool',
  'services.*.read_only': 'bool',
  'services.*.scale': 'int',
  'services.*.secrets.*.mode': 'octal',
  'services.*.shm_size': 'int',
  'services.*.stdin_open': 'bool',
  'services.*.tty': 'bool',
  'services.*.ulimits.*': 'int',
  'services.*.ulimits.*.hard': 'int',
  'services.*.ulimits.*.soft': 'int',
  'services.*.volumes.*.bind.create_host_path': 'bool',
  'services.*.volumes.*.read_only': 'bool',
  'services.*.volumes.*.tmpfs.size': 'int',
  'services.*.volumes.*.volume.nocopy': 'bool',
  'networks.*.attachable': 'bool',
  'networks.*.enable_ipv4': 'bool',
  'networks.*.enable_ipv6': 'bool',
  'networks.*.external': 'bool',
  'networks.*.internal': 'bool',
  'volumes.*.external': 'bool',
  'secrets.*.external': 'bool',
  'configs.*.external': 'bool',
  'models.*.context_size': 'int',
};

/** YAML 1.1 spellings, as compose-go accepts them; compared lowercased. */
const BOOLEANS: Record<string, boolean> = {
  true: true,
  yes: true,
  y: true,
  on: true,
  false: false,
  no: false,
  n: false,
  off: false,
};

const PARSERS: Record<CastKind, (text: string) => number | boolean | undefined> = {
  int: (text) => (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined),
  float: (text) => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : undefined),
  bool: (text) => (Object.hasOwn(BOOLEANS, text.toLowerCase()) ? BOOLEANS[text.toLowerCase()] : undefined),
  // File modes are written in octal ("0440"), as compose-go reads them.
  octal: (text) => (/^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined),
};

const TABLE = new PathTable(CASTS);

/** `data` with the strings at known typed paths turned into numbers and booleans. */
export function castKnownTypes(data: Dict): Dict {
  return walk(data, TABLE.root) as Dict;
}

function walk(value: unknown, cursor: Cursor<CastKind>): unknown {
  if (cursor.empty) return value;
  if (typeof value === 'string') return (cursor.value && PARSERS[cursor.value](value)) ?? value;
  if (value instanceof OverrideTag) {
    const inner = walk(value.value, cursor);
    return inner === value.value ? value : new OverrideTag(inner);
  }
  if (Array.isArray(value)) return mapList(value, (item, i) => walk(item, cursor.child(i)));
  if (isDict(value)) return mapDict(value, (item, key) => walk(item, cursor.child(key)));
  return value;
}
