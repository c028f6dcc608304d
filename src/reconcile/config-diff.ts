// What differs between the config a container was created from and the one wanted now, as the
// user reads it: `environment.DEBUG: "0" -> "1"`, `networks.backend added`. A pure function of
// two plain configs (model/hash.ts `hashedServiceConfig`), so it is tested without an engine.
import { formatPath, isDict, type PathSegment } from '../loader/paths.js';
import { isSensitiveName, MASK } from '../model/redact.js';

export interface ConfigChange {
  path: PathSegment[];
  kind: 'changed' | 'added' | 'removed';
  old?: unknown;
  new?: unknown;
}

/** Every leaf that differs, in key order; a whole subtree added or removed is one change. */
export function diffConfig(before: unknown, after: unknown, path: PathSegment[] = []): ConfigChange[] {
  if (isDict(before) && isDict(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      if (!(key in after)) return [{ path: [...path, key], kind: 'removed' as const, old: before[key] }];
      if (!(key in before)) return [{ path: [...path, key], kind: 'added' as const, new: after[key] }];
      return diffConfig(before[key], after[key], [...path, key]);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => i).flatMap((i) => {
      if (i >= after.length) return [{ path: [...path, i], kind: 'removed' as const, old: before[i] }];
      if (i >= before.length) return [{ path: [...path, i], kind: 'added' as const, new: after[i] }];
      return diffConfig(before[i], after[i], [...path, i]);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, kind: 'changed', old: before, new: after }];
}

/** Values a person may read: a credential-like name's value, or copied secret content, never. */
function shown(change: ConfigChange, value: unknown): string {
  const secret =
    change.path.some((seg) => typeof seg === 'string' && isSensitiveName(seg)) || change.path[0] === 'copied-content';
  if (secret) return MASK;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

/** One change as a line: `environment.DEBUG: "0" -> "1"`, `networks.backend added`. */
export function describeChange(change: ConfigChange): string {
  const path = formatPath(change.path);
  if (change.kind === 'changed') return `${path}: ${shown(change, change.old)} -> ${shown(change, change.new)}`;
  const value = change.kind === 'added' ? change.new : change.old;
  // A scalar's value says what was added or removed; a block is named by its path alone.
  const detail = value === null || typeof value === 'object' ? '' : ` (${shown(change, value)})`;
  return `${path} ${change.kind}${detail}`;
}

/** Enough changes to read at a glance; the count of the rest. */
export const SHOWN_CHANGES = 5;

export function describeChanges(changes: ConfigChange[], limit = SHOWN_CHANGES): string {
  const lines = changes.slice(0, limit).map(describeChange);
  if (changes.length > limit) lines.push(`and ${changes.length - limit} more`);
  return lines.join('; ');
}

/** An image ID as people compare them: `sha256:` and the first 12 digits. */
export function shortImageId(id: string): string {
  const m = /^(sha256:)?([0-9a-f]{12})[0-9a-f]+$/.exec(id);
  return m ? `${m[1] ?? ''}${m[2]}..` : id;
}
