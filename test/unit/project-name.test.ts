// Project names: -p, then COMPOSE_PROJECT_NAME, then `name:`, then the project directory's
// base name normalized. Explicit names are checked, never silently rewritten.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { normalizeProjectName, resolveProjectName } from '../../src/loader/project-name.js';
import { tempTree, rejection } from './loader-helpers.js';

const project = (dirName: string, compose: string, dotenv?: string) =>
  tempTree({ 'compose.yaml': compose, ...(dotenv === undefined ? {} : { '.env': dotenv }) }, dirName);
const SERVICES = 'services:\n  web:\n    image: x\n';
const load = (cwd: string, options: LoadOptions = {}) => loadProject({ cwd, environment: {}, ...options });

describe('normalizeProjectName', () => {
  it.each([
    ['My_App.v2', 'my_appv2'],
    ['my-app', 'my-app'],
    ['__-lead', 'lead'],
    ['.hidden', 'hidden'],
    ['Über Straße', 'berstrae'],
    ['2024 Q1', '2024q1'],
    ['...', ''],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeProjectName(raw)).toBe(expected);
  });
});

describe('resolveProjectName', () => {
  const dir = '/work/My_App.v2';

  it('takes -p, then COMPOSE_PROJECT_NAME, then name:, then the directory', () => {
    expect(resolveProjectName({ flag: 'flag', env: 'env', file: 'file', workingDir: dir })).toBe('flag');
    expect(resolveProjectName({ env: 'env', file: 'file', workingDir: dir })).toBe('env');
    expect(resolveProjectName({ file: 'file', workingDir: dir })).toBe('file');
    expect(resolveProjectName({ workingDir: dir })).toBe('my_appv2');
  });

  it('skips empty values', () => {
    expect(resolveProjectName({ flag: '', env: '', file: '', workingDir: dir })).toBe('my_appv2');
  });

  it.each([
    ['flag', '--project-name', 'My App'],
    ['flag', '--project-name', '-leading-dash'],
    ['flag', '--project-name', '_leading_underscore'],
    ['env', 'COMPOSE_PROJECT_NAME', 'UPPER'],
    ['env', 'COMPOSE_PROJECT_NAME', 'dots.not.allowed'],
    ['file', 'name', 'slash/name'],
  ] as const)('rejects an invalid explicit name (%s: %s "%s") and says where it came from', (source, origin, value) => {
    let err: unknown;
    try {
      resolveProjectName({ [source]: value, workingDir: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('project-name');
    expect((err as LoadError).message).toBe(
      `invalid project name "${value}" (from ${origin}): it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit`,
    );
  });

  it('rejects a directory whose name normalizes to nothing', () => {
    expect(() => resolveProjectName({ workingDir: '/work/...' })).toThrow(
      /cannot derive a project name from the directory/,
    );
  });
});

describe('project names through loadProject', () => {
  it('normalizes the directory base name', async () => {
    expect((await load(project('My_App.v2', SERVICES))).project.name).toBe('my_appv2');
  });

  it("uses the --project-directory base name, not the compose file's directory", async () => {
    const dir = project('files', SERVICES);
    mkdirSync(join(dir, 'Real.Project'));
    expect((await load(dir, { projectDirectory: 'Real.Project' })).project.name).toBe('realproject');
  });

  it('takes name: from the file, interpolated', async () => {
    const dir = project('dir', `name: app-\${STAGE}\n${SERVICES}`, 'STAGE=dev\n');
    expect((await load(dir)).project.name).toBe('app-dev');
  });

  it('lets a later file set name:', async () => {
    const dir = project('dir', `name: first\n${SERVICES}`);
    writeFileSync(join(dir, 'compose.override.yaml'), 'name: second\n');
    expect((await load(dir)).project.name).toBe('second');
  });

  it('puts COMPOSE_PROJECT_NAME from the shell over .env, and .env over name:', async () => {
    const dir = project('dir', `name: fromfile\n${SERVICES}`, 'COMPOSE_PROJECT_NAME=fromdotenv\n');
    expect((await load(dir)).project.name).toBe('fromdotenv');
    expect((await load(dir, { environment: { COMPOSE_PROJECT_NAME: 'fromshell' } })).project.name).toBe('fromshell');
    expect(
      (await load(dir, { projectName: 'fromflag', environment: { COMPOSE_PROJECT_NAME: 'fromshell' } })).project.name,
    ).toBe('fromflag');
  });

  it('names resources after the project', async () => {
    const dir = project('dir', `${SERVICES}volumes:\n  data: {}\n`);
    const { project: p } = await load(dir, { projectName: 'shop' });
    expect(p.networks.default.name).toBe('shop_default');
    expect(p.volumes.data.name).toBe('shop_data');
  });

  it('rejects an invalid -p', async () => {
    const err = await rejection(load(project('dir', SERVICES), { projectName: 'Not Valid' }));
    expect(err.code).toBe('project-name');
    expect(err.message).toMatch(/^invalid project name "Not Valid" \(from --project-name\)/);
  });

  it('rejects an invalid COMPOSE_PROJECT_NAME from .env', async () => {
    const err = await rejection(load(project('dir', SERVICES, 'COMPOSE_PROJECT_NAME=Bad.Name\n')));
    expect(err.message).toMatch(/^invalid project name "Bad\.Name" \(from COMPOSE_PROJECT_NAME\)/);
  });

  it('rejects an invalid name: at its line', async () => {
    const dir = project('dir', `${SERVICES}name: My Project\n`);
    const err = await rejection(load(dir));
    expect(err.code).toBe('project-name');
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 4, column: 7 });
    expect(err.message).toMatch(
      new RegExp(`^${join(dir, 'compose.yaml')}:4:7: name: invalid project name "My Project" \\(from name\\)`),
    );
  });
});
