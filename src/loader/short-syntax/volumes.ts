// The short volume syntax of `volumes:` and `run -v`, expanded to a long-syntax mount as
// compose-go does, so a spec mounts the same thing whichever of the two it came from.
import { posix } from 'node:path';
import type { Dict } from '../paths.js';

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

/** `[source:]target[:options]`; a source starting with `.`, `/`, `~` (or a drive) is a bind. */
export function parseVolume(spec: string): Dict {
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
  // The short syntax creates a missing host path, as docker-compose v1 did; any bind options
  // get the long syntax's default too, so this is the whole canonical form.
  if (isBind || bind) mount.bind = { ...bind, create_host_path: true };
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
