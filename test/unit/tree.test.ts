// The copy-on-write helpers and path tables the loader stages walk with, and the contract they
// rely on: a stage shares what it leaves alone and never modifies the tree it was given.
import { describe, expect, it } from 'vitest';
import { toCanonical } from '../../src/loader/canonical.js';
import { castKnownTypes } from '../../src/loader/cast.js';
import { interpolateTree } from '../../src/loader/interpolate.js';
import { mergeCompose, stripMergeTags } from '../../src/loader/merge.js';
import { parseComposeText } from '../../src/loader/parse.js';
import { PathTable } from '../../src/loader/path-table.js';
import { resolveRelativePaths } from '../../src/loader/resolve-paths.js';
import { DROP, mapDict, mapList } from '../../src/loader/tree.js';

describe('PathTable', () => {
  const table = new PathTable({
    'services.*.ports': 'any-ports',
    'services.web.ports': 'web-ports',
    'services.*.ports.*': 'port',
    'volumes.*': 'volume',
  });

  it('finds the first row that matches, as the rows are written', () => {
    expect(table.lookup(['services', 'db', 'ports'])).toBe('any-ports');
    expect(table.lookup(['services', 'web', 'ports'])).toBe('any-ports');
    expect(new PathTable({ 'a.b': 'exact', 'a.*': 'any' }).lookup(['a', 'b'])).toBe('exact');
  });

  it('lets a list index match only a wildcard', () => {
    expect(table.lookup(['services', 'db', 'ports', 3])).toBe('port');
    expect(new PathTable({ 'a.0': 'zero' }).lookup(['a', 0])).toBeUndefined();
  });

  it('knows when no row can match below a path', () => {
    expect(table.lookup(['networks', 'front'])).toBeUndefined();
    expect(table.root.child('networks').empty).toBe(true);
    expect(table.root.child('services').child('db').empty).toBe(false);
    expect(table.root.child('services').child('db').child('image').empty).toBe(true);
  });

  it('hands out the same cursor for every key no row names', () => {
    const services = table.root.child('services');
    expect(services.child('a')).toBe(services.child('b'));
    expect(services.child('web')).not.toBe(services.child('a'));
  });
});

describe('mapDict and mapList', () => {
  it('return their input when nothing changes', () => {
    const d = { a: 1, b: { c: 2 } };
    expect(mapDict(d, (v) => v)).toBe(d);
    const list = [1, 2, 3];
    expect(mapList(list, (v) => v)).toBe(list);
  });

  it('copy on the first change, keeping order, and drop entries on request', () => {
    const d = { a: 1, b: 2, c: 3 };
    const out = mapDict(d, (v, k) => (k === 'b' ? DROP : k === 'c' ? 30 : v));
    expect(out).toEqual({ a: 1, c: 30 });
    expect(Object.keys(out)).toEqual(['a', 'c']);
    expect(d).toEqual({ a: 1, b: 2, c: 3 });
    const list = [1, 2, 3, 4];
    expect(mapList(list, (v) => (v === 2 ? DROP : v === 4 ? 40 : v))).toEqual([1, 3, 40]);
    expect(list).toEqual([1, 2, 3, 4]);
  });

  it('keep a __proto__ key an ordinary key', () => {
    const d = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const out = mapDict(d, (v) => (typeof v === 'object' ? { x: 2 } : v));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'y']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ x: 2 });
  });
});

describe('loader stages', () => {
  const text = [
    'x-env: &env {A: "${A:-1}", B: b}',
    'services:',
    '  web:',
    '    image: nginx',
    '    environment: *env',
    '    ports: ["8080:80", "8080:80"]',
    '    volumes: ["./data:/data"]',
    '    build: {context: ./app}',
    '    labels: !override {x: "1"}',
    '    init: "true"',
    '  db:',
    '    image: postgres',
    '    environment: *env',
    '    dns: !reset []',
    'volumes:',
    '  data: {driver: local, driver_opts: {o: bind, device: ./v}}',
    '',
  ].join('\n');

  it('never modify the tree they are given', () => {
    const parsed = parseComposeText(text, '/p/compose.yaml');
    const stages: ((d: Record<string, unknown>) => Record<string, unknown>)[] = [
      (d) => interpolateTree(d, () => undefined, { locate: () => undefined }),
      castKnownTypes,
      stripMergeTags,
      (d) => toCanonical(d),
      (d) => mergeCompose({}, d),
      (d) => mergeCompose(stripMergeTags(d), d),
      (d) => resolveRelativePaths(stripMergeTags(d), '/p', '/home/u'),
    ];
    let data = parsed.data;
    for (const stage of stages) {
      const before = structuredClone(data);
      const out = stage(data);
      expect(data).toEqual(before);
      data = stage === stages[2] ? data : out;
    }
  });

  it('share what they leave alone', () => {
    const parsed = parseComposeText(text, '/p/compose.yaml');
    const interpolated = interpolateTree(parsed.data, () => undefined, { locate: () => undefined });
    const services = (d: Record<string, unknown>) => d.services as Record<string, Record<string, unknown>>;
    expect(services(interpolated).web.ports).toBe(services(parsed.data).web.ports);
    expect(services(interpolated).web.environment).not.toBe(services(parsed.data).web.environment);
    const paths = resolveRelativePaths(interpolated, '/p', '/home/u');
    expect(services(paths).db).toBe(services(interpolated).db);
    expect(services(paths).web.build).toEqual({ context: '/p/app' });
  });
});
