// Loader and `config` behaviours Docker Compose v2 users count on (issue 18, items 4 and 20-24):
// each test loads a small temp project as Compose would and checks what berth makes of it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedServices } from '../../src/cli/named-services.js';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import type { Service } from '../../src/model/types.js';
import { planUp } from '../../src/reconcile/plan.js';
import { runBerth } from './cli-in-process.js';
import { lines, rejection, tempTree } from './loader-helpers.js';
import { container, observed } from './observed-fixture.js';
import { projectOf } from './project-fixture.js';

const load = (cwd: string, options: LoadOptions = {}) => loadProject({ cwd, environment: {}, ...options });

describe('a service named on the command line enables its profiles (item 4)', () => {
  const dir = tempTree({
    'compose.yaml': lines(
      'services:',
      '  web: {image: x}',
      '  debug: {image: x, profiles: [debug], depends_on: [probe]}',
      '  probe: {image: x, profiles: [probe]}',
      '  other: {image: x, profiles: [other]}',
    ),
  });

  it('enables the named service and its profiled dependencies, and nothing else', async () => {
    const loaded = await load(dir, { services: ['debug'] });
    expect(Object.keys(loaded.project.services).sort()).toEqual(['debug', 'probe', 'web']);
    expect(Object.keys(loaded.disabledServices)).toEqual(['other']);
  });

  it('leaves profiled services out when none is named', async () => {
    const loaded = await load(dir);
    expect(Object.keys(loaded.project.services)).toEqual(['web']);
  });

  it('reads the service names from how each command declares its arguments', () => {
    expect(namedServices({ args: '[SERVICE...]' }, ['a', 'b'])).toEqual(['a', 'b']);
    expect(namedServices({ args: 'SERVICE [COMMAND] [ARGS...]' }, ['a', 'sh', '-c'])).toEqual(['a']);
    expect(namedServices({ args: 'SERVICE=REPLICAS...' }, ['a=2', 'b=0'])).toEqual(['a', 'b']);
    expect(namedServices({ args: 'SHELL' }, ['bash'])).toEqual([]);
  });

  it('config SERVICE prints a profiled service with its profiled dependency', async () => {
    const result = await runBerth(['--project-directory', dir, 'config', '--services', 'debug']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out.split('\n').filter(Boolean).sort()).toEqual(['debug', 'probe']);
  });

  it('does not call the containers of a disabled service orphans', () => {
    const service = (name: string): Service => ({ name, image: 'x', network_mode: 'none' });
    const [web, debug] = [service('web'), service('debug')];
    const snapshot = observed([container(web, 1), container(debug, 1)], { networks: {}, images: { x: 'sha256:img' } });
    const project = projectOf('p', [web], { networks: {} });
    expect(planUp(project, snapshot, { disabled: ['debug'] }).warnings.join('\n')).not.toMatch(/orphan/);
    expect(planUp(project, snapshot).warnings.join('\n')).toMatch(/orphan containers \(p-debug-1\)/);
  });
});

describe('interpolation and defaults (item 20)', () => {
  const compose = (name = '') =>
    lines(
      name,
      'services:',
      '  web:',
      '    image: x',
      '    environment: {PROJECT: "${COMPOSE_PROJECT_NAME}"}',
      '    build:',
      '      args: [FROM_SHELL, UNSET_ARG]',
      '    pull_policy: if_not_present',
    );

  it('sets ${COMPOSE_PROJECT_NAME} from -p, then name:, then the folder', async () => {
    const dir = tempTree({ 'compose.yaml': compose() }, 'My_Folder');
    const env = async (o: LoadOptions) => (await load(dir, o)).project.services.web.environment?.PROJECT;
    expect(await env({ projectName: 'flag' })).toBe('flag');
    expect(await env({})).toBe('my_folder');
    const named = tempTree({ 'compose.yaml': compose('name: from-file'), 'override.yaml': 'name: "${N}"\n' });
    const both = { files: ['compose.yaml', 'override.yaml'], environment: { N: 'last-file' } };
    expect((await load(named, both)).project.services.web.environment?.PROJECT).toBe('last-file');
    expect((await load(named)).project.services.web.environment?.PROJECT).toBe('from-file');
  });

  it('reports a required variable missing from name: at the name', async () => {
    const dir = tempTree({ 'compose.yaml': lines('name: "${N:?set N}"', 'services:', '  web: {image: x}') });
    const error = await rejection(load(dir));
    expect(error.message).toMatch(/set N/);
    expect(error.position).toMatchObject({ line: 1 });
  });

  it('gives build args without a value the caller’s value, builds `.` by default, reads if_not_present as missing', async () => {
    const dir = tempTree({ 'compose.yaml': compose() });
    const web = (await load(dir, { environment: { FROM_SHELL: 'hello' } })).project.services.web;
    expect(web.build?.args).toEqual({ FROM_SHELL: 'hello', UNSET_ARG: null });
    expect(web.build?.context).toBe(dir);
    expect(web.pull_policy).toBe('missing');
  });
});

describe('env files (item 21)', () => {
  it('takes COMPOSE_FILE and COMPOSE_PROFILES from the .env of the working folder', async () => {
    const dir = tempTree({
      '.env': lines('COMPOSE_FILE=base.yaml:extra.yaml', 'COMPOSE_PROFILES=debug'),
      'base.yaml': lines('services:', '  web: {image: x}'),
      'extra.yaml': lines('services:', '  debug: {image: y, profiles: [debug]}'),
    });
    const loaded = await load(dir, { projectName: 'p' });
    expect(Object.keys(loaded.project.services).sort()).toEqual(['debug', 'web']);
    expect(loaded.configFiles).toEqual([join(dir, 'base.yaml'), join(dir, 'extra.yaml')]);
  });

  it('reads the working folder .env over the project one when its COMPOSE_FILE names a file elsewhere', async () => {
    const dir = tempTree({
      '.env': lines('COMPOSE_FILE=sub/compose.yaml', 'COMPOSE_PROFILES=debug', 'TAG=from-working-folder'),
      'sub/.env': lines('TAG=from-sub-folder', 'ONLY_SUB=sub'),
      'sub/compose.yaml': lines('services:', '  debug: {image: "x:${TAG}-${ONLY_SUB}", profiles: [debug]}'),
    });
    const loaded = await load(dir, { projectName: 'p' });
    expect(loaded.project.services.debug.image).toBe('x:from-working-folder-sub');
    expect(loaded.workingDir).toBe(join(dir, 'sub'));
  });

  it('reads the .env beside a compose file found in a parent folder', async () => {
    const dir = tempTree({
      '.env': 'TAG=from-project\n',
      'compose.yaml': lines('services:', '  web: {image: "x:${TAG}"}'),
      'src/deep/.keep': '',
    });
    expect((await load(join(dir, 'src', 'deep'), { projectName: 'p' })).project.services.web.image).toBe(
      'x:from-project',
    );
  });

  it('reads an env_file with format: raw as written: no quotes removed, no interpolation', async () => {
    const dir = tempTree({
      'raw.env': lines('QUOTED="kept"', 'DOLLAR=${NOT_EXPANDED}', '# comment', 'PASSED'),
      'compose.yaml': lines('services:', '  web:', '    image: x', '    env_file: [{path: raw.env, format: raw}]'),
    });
    const web = (await load(dir, { environment: { PASSED: 'yes' } })).project.services.web;
    expect(web.environment).toEqual({ QUOTED: '"kept"', DOLLAR: '${NOT_EXPANDED}', PASSED: 'yes' });
  });

  it("interpolates the included files with their include entry's env_file", async () => {
    const dir = tempTree({
      'compose.yaml': lines('include:', '  - path: sub/compose.yaml', '    env_file: sub/values.env'),
      'sub/compose.yaml': lines('services:', '  inner: {image: "${IMAGE}"}'),
      'sub/values.env': 'IMAGE=from-include-env\n',
    });
    expect((await load(dir, { projectName: 'p' })).project.services.inner.image).toBe('from-include-env');
  });

  it('lets ${VAR} inside .env see the shell before the file', async () => {
    const dir = tempTree({
      '.env': lines('BASE=file', 'DERIVED=${BASE}-suffix'),
      'compose.yaml': lines('services:', '  web: {image: "${DERIVED}"}'),
    });
    expect((await load(dir, { projectName: 'p', environment: { BASE: 'shell' } })).project.services.web.image).toBe(
      'shell-suffix',
    );
  });

  it('accepts a missing env_file of a service that is not being started', async () => {
    const dir = tempTree({
      'compose.yaml': lines(
        'services:',
        '  web: {image: x}',
        '  worker: {image: x, env_file: missing.env}',
        '  debug: {image: x, profiles: [debug], env_file: missing.env}',
      ),
    });
    const loaded = await load(dir, { projectName: 'p', services: ['web'] });
    expect(Object.keys(loaded.project.services).sort()).toEqual(['web', 'worker']);
    const onlyDisabled = tempTree({
      'compose.yaml': lines(
        'services:',
        '  web: {image: x}',
        '  debug: {image: x, profiles: [debug], env_file: gone.env}',
      ),
    });
    expect(Object.keys((await load(onlyDisabled, { projectName: 'p' })).project.services)).toEqual(['web']);
    const error = await rejection(load(dir, { projectName: 'p' }));
    expect(error.message).toMatch(/missing\.env/);
    expect(error.path).toBe('services.worker.env_file[0]');
  });
});

describe('override files are validated as merged (item 22)', () => {
  it('accepts a depends_on entry that only sets required: false', async () => {
    const dir = tempTree({
      'compose.yaml': lines('services:', '  web: {image: x, depends_on: [db]}', '  db: {image: x}'),
      'override.yaml': lines('services:', '  web:', '    depends_on:', '      db: {required: false}'),
    });
    const loaded = await load(dir, { projectName: 'p', files: ['compose.yaml', 'override.yaml'] });
    expect(loaded.project.services.web.depends_on).toEqual({ db: { condition: 'service_started', required: false } });
  });

  it('still rejects the partial entry when no earlier file completes it', async () => {
    const dir = tempTree({
      'compose.yaml': lines('services:', '  web: {image: x}', '  db: {image: x}'),
      'override.yaml': lines('services:', '  web:', '    depends_on:', '      db: {required: false}'),
    });
    const error = await rejection(load(dir, { projectName: 'p', files: ['compose.yaml', 'override.yaml'] }));
    expect(error.message).toMatch(/missing required attribute "condition"/);
    expect(error.position).toMatchObject({ file: join(dir, 'override.yaml'), line: 4 });
  });
});

describe('config prints what docker compose config prints (item 23)', () => {
  const dir = tempTree({
    'compose.yaml': lines(
      'services:',
      '  web:',
      '    image: x',
      '    extra_hosts: {db: 10.0.0.2, cache: "10.0.0.3"}',
      '    ulimits: {nofile: 1024, nproc: {soft: 10, hard: 20}}',
      '    volumes: ["./data/:/data"]',
      '    environment: {POSTGRES_PASSWORD_FILE: /run/secrets/pw, API_TOKEN: abcdef}',
      '    ports: ["${PORT}:80"]',
    ),
  });
  const config = (...args: string[]) => runBerth(['--project-directory', dir, 'config', '--format', 'json', ...args]);

  it('prints extra_hosts as a list, a single ulimit as a number, paths without a trailing slash', async () => {
    const result = await runBerth(['--project-directory', dir, '-p', 'p', 'config', '--format', 'json']);
    expect(result.code).toBe(0);
    const web = JSON.parse(result.out).services.web;
    expect(web.extra_hosts).toEqual(['cache=10.0.0.3', 'db=10.0.0.2']);
    expect(web.ulimits).toEqual({ nofile: 1024, nproc: { soft: 10, hard: 20 } });
    expect(web.volumes[0].source).toBe(join(dir, 'data'));
  });

  it('masks credentials but not the paths of *_FILE variables', async () => {
    const web = JSON.parse((await config()).out).services.web;
    expect(web.environment).toEqual({ POSTGRES_PASSWORD_FILE: '/run/secrets/pw', API_TOKEN: '********' });
  });

  it('--no-interpolate prints ports that hold variables as written', async () => {
    const result = await config('--no-interpolate');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).services.web.ports).toEqual(['${PORT}:80']);
  });
});

describe('errors Compose gives (item 24)', () => {
  const error = async (compose: string) => rejection(load(tempTree({ 'compose.yaml': compose }), { projectName: 'p' }));
  const service = (...body: string[]) => lines('services:', '  web:', '    image: x', ...body);

  it('a bind mount without a source', async () => {
    const e = await error(service('    volumes: [{type: bind, target: /data}]'));
    expect(e.message).toMatch(/bind mount needs a source/);
    expect(e.path).toBe('services.web.volumes[0]');
  });

  it('an external volume with a driver', async () => {
    const e = await error(lines(service(), 'volumes:', '  data: {external: true, driver: local}'));
    expect(e.message).toMatch(/volume "data" is external: it cannot also set driver/);
    expect(e.position).toMatchObject({ line: 6 });
  });

  it('a negative scale', async () => {
    expect((await error(service('    scale: -1'))).path).toBe('services.web.scale');
  });

  it('a negative tmpfs size', async () => {
    const e = await error(service('    volumes: [{type: tmpfs, target: /t, tmpfs: {size: -1}}]'));
    expect(e.path).toBe('services.web.volumes[0].tmpfs.size');
    expect(e.message).toMatch(/a size of at least 0/);
  });

  it('an environment key with a trailing space', async () => {
    const e = await error(service('    environment: ["FOO =bar"]'));
    expect(e.message).toMatch(/invalid environment variable name "FOO ": a name cannot contain spaces/);
    expect(e.path).toBe('services.web.environment.FOO ');
  });

  it('a duplicate key, naming the key and both lines', async () => {
    const e = await error(lines('services:', '  web:', '    image: x', '    image: y'));
    expect(e.message).toMatch(/"image"/);
    expect(e.message).toMatch(/line 3/);
    expect(e.position).toMatchObject({ line: 4 });
  });
});
