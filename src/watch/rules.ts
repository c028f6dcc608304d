// Which `develop.watch` rules a changed host path falls under, where it goes in the container,
// and what one batch of changes asks of a service. Pure: no file system, no engine.
import { isAbsolute, posix, relative, sep } from 'node:path';
import type { LifecycleHook, WatchRule } from '../model/types.js';
import { isAlwaysIgnored, isEphemeral, PatternMatcher } from './patterns.js';

export interface CompiledRule {
  /** Position in the service's `develop.watch` list. */
  index: number;
  rule: WatchRule;
  ignore: PatternMatcher;
  /** With `include`, only matching paths count. */
  include?: PatternMatcher;
}

export function compileRule(rule: WatchRule, index: number): CompiledRule {
  const list = (v: string[] | string | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const include = list(rule.include);
  return {
    index,
    rule,
    ignore: new PatternMatcher(list(rule.ignore)),
    include: include.length ? new PatternMatcher(include) : undefined,
  };
}

export function syncs(action: string): boolean {
  return action === 'sync' || action === 'sync+restart' || action === 'sync+exec';
}

/** `hostPath` relative to `root`, `/`-separated; `''` for the root itself; undefined when outside. */
export function relativeTo(root: string, hostPath: string): string | undefined {
  const rel = relative(root, hostPath);
  if (rel === '') return '';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** Whether a change at `hostPath` concerns this rule: below its path, not ignored, and included when it has `include`. */
export function accepts(c: CompiledRule, hostPath: string): boolean {
  const rel = relativeTo(c.rule.path, hostPath);
  if (rel === undefined) return false;
  if (rel === '') return true;
  if (isAlwaysIgnored(rel) || isEphemeral(rel)) return false;
  if (c.ignore.matches(rel)) return false;
  return !c.include || c.include.matches(rel);
}

/** Whether a directory below the rule's path can be skipped entirely while watching. */
export function skipsDirectory(c: CompiledRule, hostPath: string): boolean {
  const rel = relativeTo(c.rule.path, hostPath);
  if (rel === undefined) return true;
  if (rel === '') return false;
  if (isAlwaysIgnored(rel)) return true;
  return !c.ignore.hasExceptions && c.ignore.matches(rel);
}

/** Where a host path under the rule lands in the container: `target` joined with its path below `path`. */
export function containerPath(rule: WatchRule, hostPath: string): string {
  const rel = relativeTo(rule.path, hostPath);
  if (rel === undefined || rule.target === undefined)
    throw new Error(`${hostPath} is not under ${rule.path} or the rule has no target`);
  return rel === '' ? posix.normalize(rule.target) : posix.join(rule.target, rel);
}

export interface SyncItem {
  hostPath: string;
  containerPath: string;
  /** The rule that maps it, for filtering a directory's content when copying it. */
  rule: CompiledRule;
}

/** What one batch of changes asks of a service, in the order it is done. */
export interface BatchPlan {
  /** Distinct changed paths that some rule accepted. */
  changes: number;
  /** A `rebuild` rule saw a change: rebuild and recreate; nothing else is done. */
  rebuild: boolean;
  /** Paths to copy (or delete, when gone from the host) into the containers. */
  sync: SyncItem[];
  restart: boolean;
  /** `sync+exec` hooks to run after syncing, once per rule. */
  exec: LifecycleHook[];
}

/**
 * Maps a batch of changed host paths onto a service's rules. Every rule a path falls under
 * takes part (as in Docker Compose); each container path is synced once.
 */
export function planBatch(rules: readonly CompiledRule[], paths: readonly string[]): BatchPlan {
  const plan: BatchPlan = { changes: 0, rebuild: false, sync: [], restart: false, exec: [] };
  const targets = new Set<string>();
  const execRules = new Set<number>();
  for (const path of new Set(paths)) {
    let counted = false;
    for (const c of rules) {
      if (!accepts(c, path)) continue;
      if (!counted) plan.changes++;
      counted = true;
      const action = c.rule.action;
      if (action === 'rebuild') plan.rebuild = true;
      if (action === 'restart' || action === 'sync+restart') plan.restart = true;
      if (action === 'sync+exec' && c.rule.exec && !execRules.has(c.index)) {
        execRules.add(c.index);
        plan.exec.push(c.rule.exec);
      }
      if (syncs(action) && c.rule.target !== undefined) {
        const target = containerPath(c.rule, path);
        if (!targets.has(target)) {
          targets.add(target);
          plan.sync.push({ hostPath: path, containerPath: target, rule: c });
        }
      }
    }
  }
  if (plan.rebuild) return { ...plan, sync: [], restart: false, exec: [] };
  return plan;
}

/**
 * Drops copies already covered by a directory copied whole in the same batch (`/www/a` when
 * `/www` is copied), so each path is sent once. Only for copies: deletions all stay.
 */
export function collapseNested(items: readonly SyncItem[]): SyncItem[] {
  const sorted = [...items].sort((a, b) => a.containerPath.length - b.containerPath.length);
  const kept: SyncItem[] = [];
  for (const item of sorted) {
    if (kept.some((k) => k.containerPath === '/' || item.containerPath.startsWith(`${k.containerPath}/`))) continue;
    kept.push(item);
  }
  return items.filter((i) => kept.includes(i));
}

/** "1 change" / "2 changes". */
export function changesText(n: number): string {
  return `${n} change${n === 1 ? '' : 's'}`;
}
