// loadProject end to end: which files are loaded, how they merge, which variables and
// settings apply, and what normalization adds. Every case gets its own temp directory and an
// explicit environment, so the shell running the tests never leaks in.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { tempTree, rejection, sourceOf } from './loader-helpers.js';

const tree = (files: Record<string, string>, name = 'proj') => tempTree(files, name);
const load = (cwd: string, options: LoadOptions = {}) => loadProject({ cwd, environment: {}, ...options });

describe('which files are loaded', () => {
  it('loads compose.yaml and then compose.override.yaml when both exist', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: nginx:1\n    ports: ["80:80"]\n',
      'compose.override.yaml': 'services:\n  web:\n    image: nginx:2\n',
    });
    const loaded = await load(dir);
    expect(loaded.configFiles).toEqual([join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
    expect(loaded.project.services.web.image).toBe('nginx:2');
    expect(loaded.project.services.web.ports).toHaveLength(1);
  });

  it('falls back to docker-compose.yml with its own override file', async () => {
    const dir = tree({
      'docker-compose.yml': 'services:\n  web:\n    image: a\n',
      'docker-compose.override.yml': 'services:\n  web:\n    command: run\n',
      // Not the override of docker-compose.yml.
      'compose.override.yaml': 'services:\n  web:\n    image: wrong\n',
    });
    const loaded = await load(dir);
    expect(loaded.configFiles).toEqual([join(dir, 'docker-compose.yml'), join(dir, 'docker-compose.override.yml')]);
    expect(loaded.project.services.web).toMatchObject({ image: 'a', command: ['run'] });
  });

  it('prefers compose.yaml over docker-compose.yml', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  a:\n    image: new\n',
      'docker-compose.yml': 'services:\n  a:\n    image: old\n',
    });
    expect((await load(dir)).project.services.a.image).toBe('new');
  });

  it('finds the compose file in a parent directory, and the project directory is where it was found', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  a:\n    image: x\n', 'src/deep/.keep': '' });
    const loaded = await load(join(dir, 'src', 'deep'));
    expect(loaded.workingDir).toBe(dir);
    expect(loaded.project.name).toBe('proj');
  });

  it('says which names it looked for when there is no compose file', async () => {
    const dir = tree({ 'readme.txt': '' });
    const err = await rejection(load(dir));
    expect(err.code).toBe('file-not-found');
    expect(err.message).toMatch(/compose\.yaml, compose\.yml, docker-compose\.yml, docker-compose\.yaml/);
  });

  it('takes COMPOSE_FILE, split by COMPOSE_PATH_SEPARATOR, relative to the working directory', async () => {
    const dir = tree({
      'base.yml': 'services:\n  web:\n    image: base\n',
      'env/prod.yml': 'services:\n  web:\n    image: prod\n',
      'compose.yaml': 'services:\n  web:\n    image: ignored\n',
    });
    const loaded = await load(dir, {
      environment: { COMPOSE_FILE: 'base.yml|env/prod.yml', COMPOSE_PATH_SEPARATOR: '|' },
    });
    expect(loaded.configFiles).toEqual([join(dir, 'base.yml'), join(dir, 'env/prod.yml')]);
    expect(loaded.project.services.web.image).toBe('prod');
  });

  it('takes COMPOSE_FILE (and its separator) from the .env of the working directory; the shell wins', async () => {
    const dir = tree({
      'base.yml': 'services:\n  web:\n    image: base\n',
      'prod.yml': 'services:\n  web:\n    image: prod\n',
      'compose.yaml': 'services:\n  web:\n    image: ignored\n',
      '.env': 'COMPOSE_FILE=base.yml;prod.yml\nCOMPOSE_PATH_SEPARATOR=;\n',
    });
    const loaded = await load(dir);
    expect(loaded.configFiles).toEqual([join(dir, 'base.yml'), join(dir, 'prod.yml')]);
    expect(loaded.project.services.web.image).toBe('prod');
    expect((await load(dir, { environment: { COMPOSE_FILE: 'base.yml' } })).project.services.web.image).toBe('base');
  });

  it('uses the platform list separator for COMPOSE_FILE by default, and -f over COMPOSE_FILE', async () => {
    const dir = tree({ 'a.yml': 'services:\n  s:\n    image: a\n', 'b.yml': 'services:\n  s:\n    image: b\n' });
    const sep = process.platform === 'win32' ? ';' : ':';
    expect((await load(dir, { environment: { COMPOSE_FILE: `a.yml${sep}b.yml` } })).project.services.s.image).toBe('b');
    expect(
      (await load(dir, { files: ['a.yml'], environment: { COMPOSE_FILE: `a.yml${sep}b.yml` } })).project.services.s
        .image,
    ).toBe('a');
  });

  it('reports a named file that does not exist', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  a:\n    image: x\n' });
    const err = await rejection(load(dir, { files: ['missing.yml'] }));
    expect(err.code).toBe('file-not-found');
    expect(err.message).toContain(join(dir, 'missing.yml'));
  });
});

describe('several -f files', () => {
  const base = [
    'services:',
    '  web:',
    '    image: web:1',
    '    command: ["serve", "--port", "80"]',
    '    environment: {A: "1", B: "1"}',
    '    labels: [x=1]',
    '    ports: ["8080:80", "9090:90"]',
    '    volumes: ["./data:/data", "cache:/cache"]',
    '    dns: [1.1.1.1]',
    '    healthcheck: {test: ["CMD", "true"], interval: 10s}',
    '    logging: {driver: json-file, options: {max-size: 1m}}',
    'volumes:',
    '  cache: {}',
    '',
  ].join('\n');
  const override = [
    'services:',
    '  web:',
    '    image: web:2',
    '    command: ["serve"]',
    '    environment: [B=2, C=3]',
    '    labels: {y: "2"}',
    '    ports: ["8080:80", "7070:70"]',
    '    volumes: ["./other:/data"]',
    '    dns: [8.8.8.8]',
    '    healthcheck: {interval: 30s}',
    '    logging: {driver: syslog}',
    '  worker:',
    '    image: worker',
    '',
  ].join('\n');

  it('merges by the override rules: scalars and commands replace, maps merge, lists append, unique lists by key', async () => {
    const dir = tree({ 'compose.yaml': base, 'compose.prod.yaml': override });
    const { project } = await load(dir, { files: ['compose.yaml', 'compose.prod.yaml'] });
    const web = project.services.web;
    expect(web.image).toBe('web:2');
    expect(web.command).toEqual(['serve']);
    expect(web.environment).toEqual({ A: '1', B: '2', C: '3' });
    expect(web.labels).toEqual({ x: '1', y: '2' });
    expect(web.ports?.map((p) => `${p.published}:${p.target}`)).toEqual(['8080:80', '9090:90', '7070:70']);
    expect(web.volumes?.map((v) => `${sourceOf(v)}:${v.target}`)).toEqual([
      `${join(dir, 'other')}:/data`,
      'cache:/cache',
    ]);
    expect(web.dns).toEqual(['1.1.1.1', '8.8.8.8']);
    expect(web.healthcheck).toMatchObject({ test: ['CMD', 'true'], interval: '30s' });
    // A different logging driver brings its own options.
    expect(web.logging).toEqual({ driver: 'syslog' });
    expect(Object.keys(project.services)).toEqual(['web', 'worker']);
  });

  it('honours !reset and !override in a later file', async () => {
    const dir = tree({
      'compose.yaml': base,
      'compose.override.yaml':
        'services:\n  web:\n    ports: !reset []\n    environment: !override {ONLY: "1"}\n    dns: !reset null\n',
    });
    const web = (await load(dir)).project.services.web;
    expect(web.ports).toBeUndefined();
    expect(web.environment).toEqual({ ONLY: '1' });
    expect(web.dns).toBeUndefined();
  });

  it("resolves relative paths of every file against the project directory (the first file's)", async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: x\n',
      'overrides/dev.yaml': 'services:\n  web:\n    build: ./app\n    volumes: ["./src:/src"]\n',
    });
    const web = (await load(dir, { files: ['compose.yaml', 'overrides/dev.yaml'] })).project.services.web;
    expect(web.build?.context).toBe(join(dir, 'app'));
    expect(sourceOf(web.volumes?.[0])).toBe(join(dir, 'src'));
  });

  it('--project-directory moves the base of relative paths and of the .env file', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: ${IMAGE}\n    volumes: ["./src:/src"]\n',
      'elsewhere/.env': 'IMAGE=from-elsewhere\n',
    });
    const loaded = await load(dir, { projectDirectory: 'elsewhere' });
    expect(loaded.workingDir).toBe(join(dir, 'elsewhere'));
    expect(loaded.project.services.web.image).toBe('from-elsewhere');
    expect(sourceOf(loaded.project.services.web.volumes?.[0])).toBe(join(dir, 'elsewhere', 'src'));
  });

  it('reports a later file that changes a mapping into a list, where that file wrote it', async () => {
    const dir = tree({
      'a.yaml': 'services:\n  web:\n    image: x\nx-a: {k: 1}\n',
      'b.yaml': 'services: {}\nx-a:\n  - 1\n',
    });
    const err = await rejection(load(dir, { files: ['a.yaml', 'b.yaml'] }));
    expect(err.code).toBe('merge');
    expect(err.position).toEqual({ file: join(dir, 'b.yaml'), line: 3, column: 3 });
    expect(err.message).toMatch(/x-a: cannot merge a list over a mapping defined in an earlier file/);
  });
});

describe('variables and COMPOSE_* settings', () => {
  it('interpolates from .env, the shell winning over it', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: ${IMAGE}:${TAG:-latest}\n',
      '.env': 'IMAGE=fromfile\nTAG=1.0\n',
    });
    expect((await load(dir)).project.services.web.image).toBe('fromfile:1.0');
    expect((await load(dir, { environment: { TAG: '2.0' } })).project.services.web.image).toBe('fromfile:2.0');
  });

  it('--env-file replaces .env, later env files win, and the shell still wins over all of them', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: ${A}-${B}-${C:-none}\n',
      '.env': 'A=dotenv\nB=dotenv\nC=dotenv\n',
      'one.env': 'A=one\nB=one\n',
      'two.env': 'B=two\n',
    });
    expect((await load(dir, { envFiles: ['one.env', 'two.env'] })).project.services.web.image).toBe('one-two-none');
    const loaded = await load(dir, { envFiles: ['one.env', 'two.env'], environment: { A: 'shell' } });
    expect(loaded.project.services.web.image).toBe('shell-two-none');
    expect(loaded.envFiles).toEqual([join(dir, 'one.env'), join(dir, 'two.env')]);
  });

  it('takes COMPOSE_ENV_FILES from the shell when no --env-file is given', async () => {
    const dir = tree({
      'compose.yaml': 'services:\n  web:\n    image: ${A}\n',
      '.env': 'A=dotenv\n',
      'x.env': 'A=x\n',
    });
    expect((await load(dir, { environment: { COMPOSE_ENV_FILES: 'x.env' } })).project.services.web.image).toBe('x');
  });

  it('reports an --env-file that does not exist', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  web:\n    image: x\n' });
    const err = await rejection(load(dir, { envFiles: ['nope.env'] }));
    expect(err.code).toBe('env-file');
    expect(err.message).toContain(join(dir, 'nope.env'));
  });

  it('takes COMPOSE_PROJECT_NAME from the shell, then from .env', async () => {
    const dir = tree({
      'compose.yaml': 'name: fromfile\nservices:\n  web:\n    image: x\n',
      '.env': 'COMPOSE_PROJECT_NAME=fromdotenv\n',
    });
    expect((await load(dir)).project.name).toBe('fromdotenv');
    expect((await load(dir, { environment: { COMPOSE_PROJECT_NAME: 'fromshell' } })).project.name).toBe('fromshell');
    expect(
      (await load(dir, { projectName: 'fromflag', environment: { COMPOSE_PROJECT_NAME: 'fromshell' } })).project.name,
    ).toBe('fromflag');
  });

  it('takes COMPOSE_PROFILES from the shell or .env; --profile wins', async () => {
    const dir = tree({
      'compose.yaml':
        'services:\n  web:\n    image: x\n  debug:\n    image: x\n    profiles: [debug]\n  tools:\n    image: x\n    profiles: [tools]\n',
      '.env': 'COMPOSE_PROFILES=tools\n',
    });
    expect(Object.keys((await load(dir)).project.services)).toEqual(['web', 'tools']);
    expect(
      Object.keys((await load(dir, { environment: { COMPOSE_PROFILES: 'debug,tools' } })).project.services),
    ).toEqual(['web', 'debug', 'tools']);
    const flagged = await load(dir, { profiles: ['debug'] });
    expect(Object.keys(flagged.project.services)).toEqual(['web', 'debug']);
    expect(flagged.profiles).toEqual(['debug']);
    expect(Object.keys(flagged.disabledServices)).toEqual(['tools']);
  });

  it('does not interpolate with interpolate: false', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  web:\n    image: x\n    command: echo ${HOME}\n' });
    expect((await load(dir, { interpolate: false, environment: { HOME: '/h' } })).project.services.web.command).toEqual(
      ['echo', '${HOME}'],
    );
  });

  it('warns about an unset variable and uses an empty string', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  web:\n    image: x\n    command: echo "[${NOPE}]"\n' });
    const warnings: string[] = [];
    const { project } = await load(dir, { onWarning: (m) => warnings.push(m) });
    expect(project.services.web.command).toEqual(['echo', '[]']);
    expect(warnings).toEqual(['The "NOPE" variable is not set. Defaulting to a blank string.']);
  });
});

describe('normalization', () => {
  it('adds the default network and names resources <project>_<key>, external ones by their key or name', async () => {
    const dir = tree({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: x',
        '    networks: [front, ext]',
        '    volumes: [data:/data]',
        '  worker:',
        '    image: x',
        'networks:',
        '  front: {}',
        '  ext: {external: true}',
        '  named: {name: custom-net}',
        'volumes:',
        '  data: {}',
        '  shared: {external: true, name: real-shared}',
        'secrets:',
        '  token: {file: ./token.txt}',
        'configs:',
        '  conf: {external: true}',
        '',
      ].join('\n'),
      'token.txt': 's3cret',
    });
    const { project } = await load(dir, { projectName: 'demo' });
    expect(project.networks).toEqual({
      front: { name: 'demo_front' },
      ext: { external: true, name: 'ext' },
      named: { name: 'custom-net' },
      default: { name: 'demo_default' },
    });
    expect(project.volumes).toEqual({ data: { name: 'demo_data' }, shared: { external: true, name: 'real-shared' } });
    expect(project.secrets.token).toEqual({ file: join(dir, 'token.txt'), name: 'demo_token' });
    expect(project.configs.conf).toEqual({ external: true, name: 'conf' });
    expect(project.services.web.networks).toEqual({ front: null, ext: null });
    expect(project.services.worker.networks).toEqual({ default: null });
  });

  it('adds no default network when no service uses it', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  web:\n    image: x\n    network_mode: host\n' });
    const { project } = await load(dir);
    expect(project.networks).toEqual({});
    expect(project.services.web.networks).toBeUndefined();
  });

  it('makes links, volumes_from and network_mode/ipc/pid service:x implicit dependencies', async () => {
    const dir = tree({
      'compose.yaml': [
        'services:',
        '  db: {image: x}',
        '  cache: {image: x}',
        '  store: {image: x}',
        '  net: {image: x}',
        '  ipc: {image: x}',
        '  app:',
        '    image: x',
        '    links: ["db:database"]',
        '    volumes_from: [store, "container:outside"]',
        '    ipc: service:ipc',
        '    depends_on: {cache: {condition: service_healthy}}',
        '  side:',
        '    image: x',
        '    network_mode: service:net',
        '',
      ].join('\n'),
    });
    const { project } = await load(dir);
    expect(project.services.app.depends_on).toEqual({
      cache: { condition: 'service_healthy', required: true },
      ipc: { condition: 'service_started', required: true },
      store: { condition: 'service_started', required: true },
      db: { condition: 'service_started', required: true },
    });
    expect(project.services.side.depends_on).toEqual({ net: { condition: 'service_started', required: true } });
  });

  it('reads env_file into environment, environment winning, and resolves bare names from the interpolation environment', async () => {
    const dir = tree({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: x',
        '    env_file: [app.env, {path: optional.env, required: false}]',
        '    environment: [FROM_SHELL, FROM_DOTENV, UNSET, OVERRIDDEN=compose]',
        '',
      ].join('\n'),
      'app.env': 'OVERRIDDEN=file\nONLY_FILE=1\nREF=${FROM_DOTENV}\n',
      '.env': 'FROM_DOTENV=dotenv\n',
    });
    const { project } = await load(dir, { environment: { FROM_SHELL: 'shell' } });
    expect(project.services.web.environment).toEqual({
      OVERRIDDEN: 'compose',
      ONLY_FILE: '1',
      REF: 'dotenv',
      FROM_SHELL: 'shell',
      FROM_DOTENV: 'dotenv',
      UNSET: null,
    });
  });

  it('reports a required env_file that is missing, at its line', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  web:\n    image: x\n    env_file: ../missing.env\n' });
    const err = await rejection(load(dir));
    expect(err.code).toBe('env-file');
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: 4, column: 15 });
    expect(err.message).toContain('missing.env');
  });

  it('names every service and keeps x- extensions at the top level', async () => {
    const dir = tree({
      'compose.yaml': 'x-common: &c {image: x}\nservices:\n  a: *c\n  b:\n    <<: *c\n    command: run\n',
    });
    const { project } = await load(dir);
    expect(project['x-common']).toEqual({ image: 'x' });
    expect(project.services.a).toMatchObject({ name: 'a', image: 'x' });
    expect(project.services.b).toMatchObject({ name: 'b', image: 'x', command: ['run'] });
  });

  it('keeps service, network and variable names that are also Object property names', async () => {
    const dir = tree({
      'compose.yaml':
        'services:\n  __proto__:\n    image: x\n    environment: {__proto__: a, constructor: b}\n  constructor:\n    image: y\n    depends_on: [__proto__]\n',
    });
    const { project } = await load(dir);
    expect(Object.keys(project.services)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(project.services)).toBe(Object.prototype);
    expect(Object.keys(project.services['__proto__'].environment ?? {})).toEqual(['__proto__', 'constructor']);
    const ctor: string = 'constructor';
    expect(Object.keys(project.services[ctor].depends_on ?? {})).toEqual(['__proto__']);
  });
});

describe('a fixture application (test/unit/fixtures/loader-app)', () => {
  const app = fileURLToPath(new URL('./fixtures/loader-app/', import.meta.url)).replace(/\/$/, '');
  const at = (...parts: string[]) => join(app, ...parts);

  it('loads the whole pipeline into one project', async () => {
    const loaded = await loadProject({ cwd: app, environment: { WEB_PORT: '9000' } });
    const { project } = loaded;
    expect(loaded.configFiles).toEqual([at('compose.yaml'), at('compose.override.yaml')]);
    expect(loaded.envFiles).toEqual([at('.env')]);
    expect(project.name).toBe('shop');
    expect(Object.keys(project.services).sort()).toEqual(['db', 'web', 'worker']);
    expect(Object.keys(loaded.disabledServices)).toEqual(['debug']);

    const { web, worker, db } = project.services;
    // extends from common/base.yaml, paths rebased there; build and ports from compose.yaml.
    expect(web.image).toBe('node:20');
    expect(web.build).toEqual({ context: at('app'), dockerfile: 'Dockerfile' });
    expect(web.ports).toEqual([{ mode: 'ingress', target: 3000, published: '9000', protocol: 'tcp' }]);
    expect(web.volumes?.map((v) => [sourceOf(v), v.target])).toEqual([
      [at('common', 'cache'), '/srv/.cache'],
      [at('app', 'src'), '/srv/src'],
    ]);
    // base.env, then environment (NODE_ENV from .env), then the override file.
    expect(web.environment).toEqual({
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db:5432/shop',
      DEBUG: '1',
    });
    expect(web.depends_on).toEqual({ db: { condition: 'service_healthy', required: true } });
    expect(web.networks).toEqual({ front: null, back: null });

    // worker extends web as compose.yaml wrote it (before the override file).
    expect(worker.ports).toBeUndefined();
    expect(worker.command).toEqual(['node', 'worker.js']);
    expect(worker.depends_on).toEqual({
      db: { condition: 'service_healthy', required: true },
      web: { condition: 'service_started', required: true },
    });

    // The included application: its own .env, the including project's DB_NAME winning.
    expect(db.image).toBe('postgres:16');
    expect(db.environment).toEqual({ POSTGRES_DB: 'shop' });
    expect(sourceOf(db.volumes?.[1])).toBe(at('db', 'init'));
    expect(project.volumes).toEqual({ pgdata: { name: 'shop_pgdata' } });
    expect(project.networks).toEqual({ front: { name: 'shop_front' }, back: { name: 'shop_back' } });
  });

  it("enables the debug profile, whose service shares web's network namespace", async () => {
    const { project } = await loadProject({ cwd: app, environment: { APP_NAME: 'shop-dev' }, profiles: ['debug'] });
    expect(project.name).toBe('shop-dev');
    expect(project.services.debug.depends_on).toEqual({ web: { condition: 'service_started', required: true } });
  });
});

describe('what the loaded project carries', () => {
  it('records the files, env files, environment and profiles it was loaded with', async () => {
    const dir = tree({ 'compose.yaml': 'services:\n  a:\n    image: x\n', '.env': 'K=v\n' });
    const loaded = await load(dir, { environment: { S: '1' } });
    expect(loaded).toMatchObject({
      workingDir: dir,
      configFiles: [join(dir, 'compose.yaml')],
      envFiles: [join(dir, '.env')],
      environment: { K: 'v', S: '1' },
      profiles: [],
      disabledServices: {},
    });
  });

  it('rejects an empty compose file, as Docker Compose does', async () => {
    const dir = tree({ 'compose.yaml': '# nothing yet\n' });
    const err = await rejection(load(dir));
    expect(err.message).toBe(
      `${join(dir, 'compose.yaml')}: empty compose file: it defines no services or other resources`,
    );
  });

  it('accepts a file with an empty services mapping', async () => {
    const dir = tree({ 'compose.yaml': 'services: {}\n' });
    expect((await load(dir)).project.services).toEqual({});
  });
});
