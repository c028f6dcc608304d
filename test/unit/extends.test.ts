// `extends` through loadProject: the same file, other files (their relative paths rebased to
// their own directory), chains, cycles and missing targets.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { tempTree, rejection, lines, sourceOf } from './loader-helpers.js';

const tree = (files: Record<string, string>) => tempTree(files);
const load = (cwd: string, options: LoadOptions = {}) =>
  loadProject({ cwd, environment: {}, projectName: 'p', ...options });

describe('extends in the same file', () => {
  it('starts from the base service and overrides it by the merge rules', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'services:',
        '  base:',
        '    image: app:1',
        '    command: [serve]',
        '    environment: {A: "1", B: "1"}',
        '    ports: ["80:80"]',
        '  web:',
        '    extends: base',
        '    command: [serve, --debug]',
        '    environment: {B: "2"}',
        '    ports: ["81:81"]',
        '  worker:',
        '    extends: {service: base}',
        '    image: app:2',
      ),
    });
    const { project } = await load(dir);
    expect(project.services.web).toMatchObject({
      image: 'app:1',
      command: ['serve', '--debug'],
      environment: { A: '1', B: '2' },
    });
    expect(project.services.web.ports?.map((p) => p.target)).toEqual([80, 81]);
    expect(project.services.web).not.toHaveProperty('extends');
    expect(project.services.worker).toMatchObject({ image: 'app:2', command: ['serve'] });
  });

  it('follows chains, each level overriding the one below', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'services:',
        '  c: {image: c, environment: {LEVEL: c, C: "1"}}',
        '  b: {extends: c, environment: {LEVEL: b, B: "1"}}',
        '  a: {extends: b, environment: {LEVEL: a}}',
      ),
    });
    const { project } = await load(dir);
    expect(project.services.a.environment).toEqual({ LEVEL: 'a', C: '1', B: '1' });
    expect(project.services.b.environment).toEqual({ LEVEL: 'b', C: '1', B: '1' });
  });

  it('gives services that extend the same base their own copies', async () => {
    const dir = tree({
      'compose.yaml': lines(
        'services:',
        '  base: {image: x, environment: {A: "1"}}',
        '  one: {extends: base}',
        '  two: {extends: base}',
      ),
    });
    const { project } = await load(dir);
    expect(project.services.one.environment).toEqual(project.services.two.environment);
    expect(project.services.one.environment).not.toBe(project.services.two.environment);
  });

  it('resolves long chains without recursion limits', async () => {
    const n = 3000;
    const services = Array.from({ length: n }, (_, i) => `  s${i}: {extends: s${i + 1}}`);
    const dir = tree({ 'compose.yaml': lines('services:', ...services, `  s${n}: {image: bottom}`) });
    const { project } = await load(dir);
    expect(project.services.s0.image).toBe('bottom');
  });

  it('rejects a cycle and names it', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  a:', '    extends: b', '  b:', '    extends: c', '  c:', '    extends: a'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('extends');
    expect(err.detail).toBe('extends cycle: a -> b -> c -> a');
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 7, column: 14 });
  });

  it('rejects a service that extends itself', async () => {
    const dir = tree({ 'compose.yaml': lines('services:', '  a:', '    image: x', '    extends: a') });
    const err = await rejection(load(dir));
    expect(err.detail).toBe('extends cycle: a -> a');
    expect(err.message).toBe(`${join(dir, 'compose.yaml')}:4:14: services.a.extends: extends cycle: a -> a`);
  });

  it('reports a missing base service at the extends line', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    image: x', '    extends:', '      service: nope'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('extends');
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}:5:7: services.web.extends: cannot extend service "nope": no such service`,
    );
  });

  it('does not take Object property names for services', async () => {
    const dir = tree({ 'compose.yaml': lines('services:', '  web:', '    extends: constructor') });
    const err = await rejection(load(dir));
    expect(err.detail).toBe('cannot extend service "constructor": no such service');
  });
});

describe('extends from another file', () => {
  it("rebases the other file's relative paths to its own directory", async () => {
    const dir = tree({
      'common/base.yaml': lines(
        'services:',
        '  app:',
        '    build: ./app',
        '    env_file: ./app.env',
        '    volumes: ["./data:/data", "named:/named"]',
      ),
      'common/app.env': 'FROM_BASE=1\n',
      'compose.yaml': lines(
        'services:',
        '  web:',
        '    extends: {file: common/base.yaml, service: app}',
        '    volumes: ["./local:/local"]',
        'volumes:',
        '  named: {}',
      ),
    });
    const web = (await load(dir)).project.services.web;
    expect(web.build?.context).toBe(join(dir, 'common', 'app'));
    expect(web.env_file?.[0].path).toBe(join(dir, 'common', 'app.env'));
    expect(web.environment).toEqual({ FROM_BASE: '1' });
    expect(web.volumes?.map(sourceOf)).toEqual([join(dir, 'common', 'data'), 'named', join(dir, 'local')]);
  });

  it('follows a chain through files, each relative to the file that names it', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: a/one.yaml, service: one}'),
      'a/one.yaml': lines(
        'services:',
        '  one:',
        '    extends: {file: ../b/two.yaml, service: two}',
        '    environment: {ONE: "1"}',
      ),
      'b/two.yaml': lines(
        'services:',
        '  two:',
        '    extends: three',
        '    environment: {TWO: "1"}',
        '  three:',
        '    image: three',
        '    volumes: ["./three:/three"]',
      ),
    });
    const web = (await load(dir)).project.services.web;
    expect(web.image).toBe('three');
    expect(web.environment).toEqual({ TWO: '1', ONE: '1' });
    expect(sourceOf(web.volumes?.[0])).toBe(join(dir, 'b', 'three'));
  });

  it("interpolates the other file with the project's variables", async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: base.yaml, service: base}'),
      'base.yaml': lines('services:', '  base:', '    image: ${IMAGE:?set IMAGE}'),
      '.env': 'IMAGE=from-dotenv\n',
    });
    expect((await load(dir)).project.services.web.image).toBe('from-dotenv');
  });

  it('rejects a cycle between files and names each file', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: other.yaml, service: web}'),
      'other.yaml': lines('services:', '  web:', '    extends: {file: compose.yaml, service: web}'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('extends');
    expect(err.detail).toBe(`extends cycle: web -> web (${join(dir, 'other.yaml')}) -> web`);
    expect(err.position).toMatchObject({ file: join(dir, 'other.yaml'), line: 3 });
  });

  it('reports a missing service in the other file, naming both', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends:', '      file: base.yaml', '      service: nope'),
      'base.yaml': lines('services:', '  app: {image: x}'),
    });
    const err = await rejection(load(dir));
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}:4:7: services.web.extends: cannot extend service "nope": no such service in ${join(dir, 'base.yaml')}`,
    );
  });

  it.each([
    ['a missing relative file', '../nope/base.yaml'],
    ['a missing absolute file', '/nonexistent/berth/base.yaml'],
    ['a directory', '.'],
  ])('reports %s at the extends line', async (_what, file) => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends:', `      file: ${file}`, '      service: app'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('extends');
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 4, column: 7 });
    expect(err.detail).toMatch(/^cannot read compose file .*: (no such file|it is a directory)$/);
  });

  it('reports an error inside the other file where it is', async () => {
    const dir = tree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: base.yaml, service: app}'),
      'base.yaml': lines('services:', '  app:', '    image: x', '    ports: ["99999:80"]'),
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('schema');
    expect(err.position).toMatchObject({ file: join(dir, 'base.yaml'), line: 4 });
  });
});
