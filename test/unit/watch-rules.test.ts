import { describe, expect, it } from 'vitest';
import type { WatchRule } from '../../src/model/types.js';
import {
  accepts,
  changesText,
  collapseNested,
  compileRule,
  containerPath,
  planBatch,
  relativeTo,
  skipsDirectory,
  type SyncItem,
} from '../../src/watch/rules.js';

const rules = (list: WatchRule[]) => list.map(compileRule);

describe('develop.watch rules: host paths to container paths and actions', () => {
  it('a host path maps to the target joined with its path below the rule path', () => {
    const rule: WatchRule = { path: '/proj/site', action: 'sync', target: '/www' };
    expect(containerPath(rule, '/proj/site/index.html')).toBe('/www/index.html');
    expect(containerPath(rule, '/proj/site/a/b.css')).toBe('/www/a/b.css');
    expect(containerPath(rule, '/proj/site')).toBe('/www');
    expect(
      containerPath({ path: '/proj/package.json', action: 'sync', target: '/app/package.json' }, '/proj/package.json'),
    ).toBe('/app/package.json');
  });

  it("paths outside the rule path, or that only share a prefix with it, are not the rule's", () => {
    expect(relativeTo('/proj/site', '/proj/site-old/x')).toBeUndefined();
    expect(relativeTo('/proj/site', '/proj/x')).toBeUndefined();
    expect(relativeTo('/proj/site', '/proj/site/x/y')).toBe('x/y');
    expect(() => containerPath({ path: '/proj/site', action: 'sync', target: '/www' }, '/elsewhere')).toThrow();
  });

  it('ignore patterns are relative to the rule path; include keeps only matching paths', () => {
    const [c] = rules([
      { path: '/p/src', action: 'sync', target: '/app', ignore: ['*.bak', 'cache/'], include: undefined },
    ]);
    expect(accepts(c, '/p/src/a.js')).toBe(true);
    expect(accepts(c, '/p/src/a.bak')).toBe(false);
    expect(accepts(c, '/p/src/cache/x')).toBe(false);
    expect(accepts(c, '/p/src/.git/index')).toBe(false);
    expect(accepts(c, '/p/src/.a.js.swp')).toBe(false);
    const [only] = rules([{ path: '/p/src', action: 'sync', target: '/app', include: ['*.js'] }]);
    expect(accepts(only, '/p/src/a.js')).toBe(true);
    expect(accepts(only, '/p/src/a.css')).toBe(false);
  });

  it('a single string for ignore is one pattern', () => {
    const [c] = rules([{ path: '/p', action: 'sync', target: '/app', ignore: 'tmp' as unknown as string[] }]);
    expect(accepts(c, '/p/tmp/x')).toBe(false);
  });

  it('ignored directories are not watched, unless an exception could reopen them', () => {
    const [c] = rules([{ path: '/p', action: 'sync', target: '/app', ignore: ['node_modules'] }]);
    expect(skipsDirectory(c, '/p/node_modules')).toBe(true);
    expect(skipsDirectory(c, '/p/.git')).toBe(true);
    expect(skipsDirectory(c, '/p/src')).toBe(false);
    const [reopened] = rules([
      { path: '/p', action: 'sync', target: '/app', ignore: ['node_modules', '!node_modules/mine'] },
    ]);
    expect(skipsDirectory(reopened, '/p/node_modules')).toBe(false);
  });

  it('a batch syncs each accepted path once and counts distinct changes', () => {
    const plan = planBatch(rules([{ path: '/p/site', action: 'sync', target: '/www', ignore: ['*.bak'] }]), [
      '/p/site/a.html',
      '/p/site/a.html',
      '/p/site/b.bak',
      '/p/other',
    ]);
    expect(plan.changes).toBe(1);
    expect(plan.sync.map((s) => s.containerPath)).toEqual(['/www/a.html']);
    expect(plan).toMatchObject({ rebuild: false, restart: false, exec: [] });
  });

  it('sync+restart syncs then restarts once; restart only restarts; sync+exec runs its command once per rule', () => {
    const exec = { command: ['sh', '-c', 'true'] };
    const list = rules([
      { path: '/p/conf', action: 'sync+restart', target: '/conf' },
      { path: '/p/env', action: 'restart' },
      { path: '/p/assets', action: 'sync+exec', target: '/assets', exec },
    ]);
    const plan = planBatch(list, ['/p/conf/a', '/p/conf/b', '/p/assets/x', '/p/assets/y']);
    expect(plan.changes).toBe(4);
    expect(plan.sync.map((s) => s.containerPath)).toEqual(['/conf/a', '/conf/b', '/assets/x', '/assets/y']);
    expect(plan.restart).toBe(true);
    expect(plan.exec).toEqual([exec]);
    const restartOnly = planBatch(list, ['/p/env/.env']);
    expect(restartOnly).toMatchObject({ changes: 1, restart: true, sync: [] });
  });

  it('a rebuild rule wins over everything else in the batch', () => {
    const list = rules([
      { path: '/p', action: 'rebuild', ignore: ['site/'] },
      { path: '/p/site', action: 'sync', target: '/www' },
      { path: '/p/package.json', action: 'rebuild' },
    ]);
    expect(planBatch(list, ['/p/site/index.html'])).toMatchObject({ rebuild: false, changes: 1 });
    const plan = planBatch(list, ['/p/site/index.html', '/p/package.json']);
    expect(plan).toMatchObject({ rebuild: true, changes: 2, sync: [], restart: false, exec: [] });
  });

  it('nothing accepted means nothing to do', () => {
    expect(
      planBatch(rules([{ path: '/p/site', action: 'sync', target: '/www' }]), ['/p/x', '/p/site/.git/HEAD']).changes,
    ).toBe(0);
  });

  it('copies below a directory that is copied whole are dropped', () => {
    const [c] = rules([{ path: '/p', action: 'sync', target: '/app' }]);
    const item = (hostPath: string): SyncItem => ({
      hostPath,
      containerPath: containerPath(c.rule, hostPath),
      rule: c,
    });
    const kept = collapseNested([item('/p/a/x'), item('/p/a'), item('/p/ab'), item('/p/b/y')]);
    expect(kept.map((k) => k.containerPath)).toEqual(['/app/a', '/app/ab', '/app/b/y']);
  });

  it('says "1 change" and "2 changes"', () => {
    expect(changesText(1)).toBe('1 change');
    expect(changesText(2)).toBe('2 changes');
  });
});
