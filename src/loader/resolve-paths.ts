// Relative paths of a canonical model made absolute, as compose-go does: only relative paths
// change, a leading `~` is the home directory, and remote references (URLs, git, `service:`
// build contexts) stay as written. Dockerfiles stay relative to their build context.
import { homedir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import { PathTable, type Cursor } from './path-table.js';
import { isDict, type Dict } from './paths.js';
import { mapList, mapDict } from './tree.js';

interface Dirs {
  base: string;
  home: string;
}

type Resolver = (value: unknown, dirs: Dirs) => unknown;

/** `d` with its relative paths joined to `baseDir`. */
export function resolveRelativePaths(d: Dict, baseDir: string, homeDir: string = homedir()): Dict {
  return walk(d, RESOLVERS.root, { base: baseDir, home: homeDir }) as Dict;
}

function walk(value: unknown, cursor: Cursor<Resolver>, dirs: Dirs): unknown {
  if (cursor.value) return cursor.value(value, dirs);
  if (cursor.empty) return value;
  if (Array.isArray(value)) return mapList(value, (v, i) => walk(v, cursor.child(i), dirs));
  if (isDict(value)) return mapDict(value, (v, k) => walk(v, cursor.child(k), dirs));
  return value;
}

/** A path, or a list of paths. */
const absPath: Resolver = (value, dirs) => {
  if (Array.isArray(value)) return value.map((v) => absPath(v, dirs));
  if (typeof value !== 'string' || value === '') return value;
  // As compose-go: `~` and `~anything` both start at the home directory.
  const expanded = value.startsWith('~') ? join(dirs.home, value.slice(1)) : value;
  const joined = isAbsolute(expanded) ? expanded : join(dirs.base, expanded);
  // As Go's filepath.Join: `./` is the directory itself, without a trailing `/`.
  return joined.length > 1 && joined.endsWith(sep) && !isAbsolute(value) ? joined.slice(0, -1) : joined;
};

const REMOTE_PREFIXES = ['github.com/', 'git@', 'service:'];

/** Build contexts, extended and included files: local paths resolve, remote references stay. */
const localPath: Resolver = (value, dirs) => {
  if (Array.isArray(value)) return value.map((v) => localPath(v, dirs));
  const remote =
    typeof value === 'string' && (value.includes('://') || REMOTE_PREFIXES.some((p) => value.startsWith(p)));
  return remote ? value : absPath(value, dirs);
};

/** A build without `context` builds the project directory, as in Compose. */
const buildContexts: Resolver = (value, dirs) => {
  if (!isDict(value)) return value;
  const out: Dict = { ...value, context: localPath(value.context ?? '.', dirs) };
  if (isDict(value.additional_contexts))
    out.additional_contexts = mapDict(value.additional_contexts, (v) => localPath(v, dirs));
  return out;
};

const bindSource: Resolver = (value, dirs) =>
  isDict(value) && value.type === 'bind' && typeof value.source === 'string'
    ? { ...value, source: absPath(value.source, dirs) }
    : value;

/** One mount with its bind source made absolute, for a mount given outside a file (`run -v`). */
export function resolveBindSource(mount: Dict, baseDir: string, homeDir: string = homedir()): Dict {
  return bindSource(mount, { base: baseDir, home: homeDir }) as Dict;
}

/** A `local` volume with `o: bind` is a bind mount of `device`. */
const localBindDevice: Resolver = (value, dirs) => {
  if (!isDict(value) || value.driver !== 'local' || !isDict(value.driver_opts)) return value;
  const opts = value.driver_opts;
  if (opts.o !== 'bind' || typeof opts.device !== 'string') return value;
  return { ...value, driver_opts: { ...opts, device: absPath(opts.device, dirs) } };
};

const RESOLVERS = new PathTable<Resolver>({
  'services.*.build': buildContexts,
  'services.*.env_file.*.path': absPath,
  'services.*.label_file.*': absPath,
  'services.*.extends.file': localPath,
  'services.*.develop.watch.*.path': absPath,
  'services.*.volumes.*': bindSource,
  'secrets.*.file': absPath,
  'configs.*.file': absPath,
  'include.*.path': localPath,
  'include.*.env_file': absPath,
  'include.*.project_directory': absPath,
  'volumes.*': localBindDevice,
});
