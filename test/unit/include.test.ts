// `include` through loadProject: short and long syntax, each included application with its own
// project directory and .env, conflicts and cycles.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { tempTree, rejection, lines, sourceOf } from './loader-helpers.js';

const tree = (files: Record<string, string>) => tempTree(files);
const load = (cwd: string, options: LoadOptions = {}) =>
  loadProject({ cwd, environment: {}, projectName: 'p', ...options });

describe('include, short syntax', () => {
  it('adds the included services and resources, with paths relative to the included file', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'include:',
        '  - db/compose.yaml',
        'services:',
        '  web:',
        '    image: web',
        '    depends_on: [db]',
      ),
      'db/compose.yaml': lines(
        'services:',
        '  db:',
        '    image: postgres:${PG_VERSION}',
        '    volumes: ["./init:/docker-entrypoint-initdb.d", "pgdata:/var/lib/postgresql/data"]',
        'volumes:',
        '  pgdata: {}',
      ),
      'db/.env': 'PG_VERSION=16\n',
    });
    const { project } = await load(dir);
    expect(Object.keys(project.services).sort()).toEqual(['db', 'web']);
    expect(project.services.db.image).toBe('postgres:16');
    expect(sourceOf(project.services.db.volumes?.[0])).toBe(join(dir, 'db', 'init'));
    expect(project.volumes.pgdata).toEqual({ name: 'p_pgdata' });
  });

  it("lets the including project's variables win over the included .env", async () => {
    const dir = tree({
      'compose.yaml': lines('include: [db/compose.yaml]'),
      'db/compose.yaml': lines('services:', '  db:', '    image: postgres:${PG_VERSION}'),
      'db/.env': 'PG_VERSION=16\n',
    });
    expect((await load(dir, { environment: { PG_VERSION: '17' } })).project.services.db.image).toBe('postgres:17');
  });

  it('follows nested includes, each relative to the file that names it', async () => {
    const dir = tree({
      'compose.yaml': lines('include: [a/compose.yaml]'),
      'a/compose.yaml': lines('include: [../b/compose.yaml]', 'services:', '  a: {image: a, build: ./ctx}'),
      'b/compose.yaml': lines('services:', '  b: {image: b, build: ./ctx}'),
    });
    const { project } = await load(dir);
    expect(project.services.a.build?.context).toBe(join(dir, 'a', 'ctx'));
    expect(project.services.b.build?.context).toBe(join(dir, 'b', 'ctx'));
  });

  it('accepts a resource defined identically on both sides', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'include: [sub/compose.yaml]',
        'services:',
        '  web: {image: x, networks: [shared]}',
        'networks:',
        '  shared: {external: true}',
      ),
      'sub/compose.yaml': lines(
        'services:',
        '  api: {image: y, networks: [shared]}',
        'networks:',
        '  shared: {external: true}',
      ),
    });
    const { project } = await load(dir);
    expect(project.networks.shared).toEqual({ external: true, name: 'shared' });
  });
});

describe('include, long syntax', () => {
  it('merges several paths, with its own project_directory and env_file', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'include:',
        '  - path: [stack/base.yaml, stack/override.yaml]',
        '    project_directory: stack/root',
        '    env_file: stack/stack.env',
      ),
      'stack/base.yaml': lines('services:', '  api:', '    image: api:${TAG}', '    volumes: ["./data:/data"]'),
      'stack/override.yaml': lines('services:', '  api:', '    environment: {MODE: "${MODE}"}'),
      'stack/stack.env': 'TAG=2\nMODE=prod\n',
      // Not read: env_file replaces the project directory's .env.
      'stack/root/.env': 'TAG=wrong\n',
    });
    const api = (await load(dir)).project.services.api;
    expect(api.image).toBe('api:2');
    expect(api.environment).toEqual({ MODE: 'prod' });
    expect(sourceOf(api.volumes?.[0])).toBe(join(dir, 'stack', 'root', 'data'));
  });

  it('reads the .env of its project_directory when no env_file is given', async () => {
    const dir = tree({
      'compose.yaml': lines('include:', '  - path: stack/compose.yaml', '    project_directory: stack/root'),
      'stack/compose.yaml': lines('services:', '  api: {image: "api:${TAG}"}'),
      'stack/root/.env': 'TAG=from-root\n',
    });
    expect((await load(dir)).project.services.api.image).toBe('api:from-root');
  });
});

describe('include errors', () => {
  it('rejects a service defined both here and in the included file', async () => {
    const dir = tree({
      'compose.yaml': lines('include:', '  - sub/compose.yaml', 'services:', '  web: {image: mine}'),
      'sub/compose.yaml': lines('services:', '  web: {image: theirs}'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('include');
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}:2:5: include[0]: services.web is defined both here and in an included file: rename one of them`,
    );
  });

  it('rejects a conflict between two included files', async () => {
    const dir = tree({
      'compose.yaml': lines('include:', '  - a/compose.yaml', '  - b/compose.yaml'),
      'a/compose.yaml': lines('volumes:', '  data: {driver: local}'),
      'b/compose.yaml': lines('volumes:', '  data: {driver: other}'),
    });
    const err = await rejection(load(dir));
    expect(err.message).toMatch(/:3:5: include\[1\]: volumes\.data is defined both here and in an included file/);
  });

  it('does not take Object property names for existing resources', async () => {
    const dir = tree({
      'compose.yaml': lines('include: [sub/compose.yaml]', 'services:', '  web: {image: x}'),
      'sub/compose.yaml': lines('services:', '  constructor: {image: y}', '  toString: {image: z}'),
    });
    const { project } = await load(dir);
    expect(Object.keys(project.services).sort()).toEqual(['constructor', 'toString', 'web']);
  });

  it('rejects a file that includes itself', async () => {
    const dir = tree({ 'compose.yaml': lines('include: [compose.yaml]', 'services:', '  web: {image: x}') });
    const err = await rejection(load(dir));
    expect(err.code).toBe('include');
    expect(err.detail).toBe(`include cycle: ${join(dir, 'compose.yaml')} -> ${join(dir, 'compose.yaml')}`);
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 1, column: 11 });
  });

  it('rejects a cycle through several files and names the chain', async () => {
    const dir = tree({
      'compose.yaml': lines('include: [a/compose.yaml]'),
      'a/compose.yaml': lines('include: [../b/compose.yaml]'),
      'b/compose.yaml': lines('services:', '  b: {image: b}', 'include:', '  - ../a/compose.yaml'),
    });
    const err = await rejection(load(dir));
    const [main, a, b] = ['compose.yaml', 'a/compose.yaml', 'b/compose.yaml'].map((f) => join(dir, f));
    expect(err.detail).toBe(`include cycle: ${main} -> ${a} -> ${b} -> ${a}`);
    expect(err.position).toEqual({ file: b, line: 4, column: 5 });
  });

  it.each([
    ['relative', '../nowhere/compose.yaml'],
    ['absolute', '/nonexistent/berth/compose.yaml'],
  ])('reports a missing %s include at its line', async (_kind, path) => {
    const dir = tree({ 'compose.yaml': lines('services:', '  web: {image: x}', 'include:', `  - ${path}`) });
    const err = await rejection(load(dir));
    expect(err.code).toBe('include');
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 4, column: 5 });
    expect(err.detail).toMatch(/^cannot include .*compose\.yaml: cannot read compose file .*: no such file$/);
  });

  it('reports a missing env_file of an include', async () => {
    const dir = tree({
      'compose.yaml': lines('include:', '  - path: sub/compose.yaml', '    env_file: sub/missing.env'),
      'sub/compose.yaml': lines('services:', '  web: {image: x}'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('env-file');
    expect(err.message).toContain(join(dir, 'sub', 'missing.env'));
  });

  it('reports an error inside the included file where it is', async () => {
    const dir = tree({
      'compose.yaml': lines('include: [sub/compose.yaml]'),
      'sub/compose.yaml': lines('services:', '  web:', '    image: x', '    ports: ["99999:80"]'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('schema');
    expect(err.position).toEqual({ file: join(dir, 'sub', 'compose.yaml'), line: 4, column: 13 });
  });
});
