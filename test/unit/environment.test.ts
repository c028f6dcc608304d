import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { composeSettings, lookupIn, resolveInterpolationEnvironment } from '../../src/loader/environment.js';

let root: string;
let project: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-env-'));
  project = join(root, 'project');
  mkdirSync(project);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (path: string, text: string) => writeFileSync(path, text);
const resolveEnv = (opts: { envFiles?: string[]; shell?: Record<string, string | undefined> } = {}) =>
  resolveInterpolationEnvironment({ workingDir: project, cwd: root, shell: opts.shell ?? {}, envFiles: opts.envFiles });

describe('resolveInterpolationEnvironment', () => {
  it("reads the project's .env by default", () => {
    write(join(project, '.env'), 'TAG=1.0\n');
    expect(resolveEnv()).toEqual({ environment: { TAG: '1.0' }, envFiles: [join(project, '.env')] });
  });

  it('is fine without a .env, and ignores a .env directory', () => {
    expect(resolveEnv({ shell: { A: 'a' } })).toEqual({ environment: { A: 'a' }, envFiles: [] });
    mkdirSync(join(project, '.env'));
    expect(resolveEnv().envFiles).toEqual([]);
  });

  it('lets the shell win over env files, and skips unset shell entries', () => {
    write(join(project, '.env'), 'TAG=file\nONLY_FILE=f\n');
    const { environment } = resolveEnv({ shell: { TAG: 'shell', GONE: undefined } });
    expect(environment).toEqual({ TAG: 'shell', ONLY_FILE: 'f' });
    expect(Object.hasOwn(environment, 'GONE')).toBe(false);
  });

  it('expands a .env value with the shell value of a variable the file also sets', () => {
    write(join(project, '.env'), 'VERSION=from_dot_env\nIMAGE=foo:${VERSION}\n');
    expect(resolveEnv({ shell: { VERSION: 'from_shell' } }).environment.IMAGE).toBe('foo:from_shell');
  });

  it('reads --env-file instead of .env, relative to cwd, later files winning', () => {
    write(join(project, '.env'), 'FROM_DEFAULT=yes\n');
    write(join(root, 'a.env'), 'X=a\nY=a\nHOST=local\n');
    write(join(root, 'b.env'), 'Y=b\nHOST=dev\nURL="http://${HOST}"\nFROM_A=${X}\n');
    const result = resolveEnv({ envFiles: ['a.env', join(root, 'b.env')] });
    expect(result.envFiles).toEqual([join(root, 'a.env'), join(root, 'b.env')]);
    expect(result.environment).toEqual({ X: 'a', Y: 'b', HOST: 'dev', URL: 'http://dev', FROM_A: 'a' });
  });

  it('uses COMPOSE_ENV_FILES from the shell when no --env-file is given', () => {
    write(join(root, 'one.env'), 'A=1\n');
    write(join(root, 'two.env'), 'A=2\nB=2\n');
    const shell = { COMPOSE_ENV_FILES: 'one.env,two.env' };
    expect(resolveEnv({ shell }).environment).toEqual({ A: '2', B: '2', COMPOSE_ENV_FILES: 'one.env,two.env' });
    write(join(root, 'flag.env'), 'F=1\n');
    expect(resolveEnv({ shell, envFiles: ['flag.env'] }).envFiles).toEqual([join(root, 'flag.env')]);
  });

  it('reads only the default .env when envFiles is explicitly empty', () => {
    write(join(project, '.env'), 'D=1\n');
    const result = resolveEnv({ envFiles: [], shell: { COMPOSE_ENV_FILES: 'missing.env' } });
    expect(result.envFiles).toEqual([join(project, '.env')]);
  });

  it('fails on an explicit env file that does not exist, naming it', () => {
    let err: unknown;
    try {
      resolveEnv({ envFiles: ['nope.env'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('env-file');
    expect((err as LoadError).position).toEqual({ file: join(root, 'nope.env') });
    expect((err as LoadError).message).toBe(
      `${join(root, 'nope.env')}: cannot read env file ${join(root, 'nope.env')}: no such file`,
    );
  });

  it('fails on an explicit env file that is a directory', () => {
    mkdirSync(join(root, 'dir.env'));
    expect(() => resolveEnv({ envFiles: ['dir.env'] })).toThrow(
      `cannot read env file ${join(root, 'dir.env')}: it is a directory`,
    );
  });

  it('reports syntax errors of an env file at their line', () => {
    write(join(project, '.env'), 'A=1\nB="open\n');
    expect(() => resolveEnv()).toThrow(`${join(project, '.env')}:2:3: B: unterminated quoted value`);
  });
});

describe('lookupIn', () => {
  it("sees only the record's own keys", () => {
    const lookup = lookupIn({ A: 'a', U: undefined });
    expect(lookup('A')).toBe('a');
    expect(lookup('U')).toBeUndefined();
    expect(lookup('constructor')).toBeUndefined();
    expect(lookup('toString')).toBeUndefined();
  });
});

describe('composeSettings', () => {
  it('reads the COMPOSE_* variables', () => {
    expect(
      composeSettings({
        COMPOSE_FILE: `a.yaml${delimiter}b/c.yaml`,
        COMPOSE_PROJECT_NAME: 'demo',
        COMPOSE_PROFILES: 'dev, debug,,',
        COMPOSE_ENV_FILES: 'x.env,y.env',
      }),
    ).toEqual({
      files: ['a.yaml', 'b/c.yaml'],
      projectName: 'demo',
      profiles: ['dev', 'debug'],
      envFiles: ['x.env', 'y.env'],
      pathSeparator: delimiter,
    });
  });

  it('splits COMPOSE_FILE on COMPOSE_PATH_SEPARATOR', () => {
    const settings = composeSettings({ COMPOSE_FILE: 'a.yaml;b.yaml', COMPOSE_PATH_SEPARATOR: ';' });
    expect(settings.files).toEqual(['a.yaml', 'b.yaml']);
    expect(settings.pathSeparator).toBe(';');
  });

  it('leaves unset and empty variables out', () => {
    expect(composeSettings({ COMPOSE_PROJECT_NAME: '', COMPOSE_FILE: '', COMPOSE_PROFILES: undefined })).toEqual({
      files: undefined,
      projectName: undefined,
      profiles: undefined,
      envFiles: undefined,
      pathSeparator: delimiter,
    });
  });

  it("applies COMPOSE_* set in the project's .env, with the shell still winning", () => {
    write(join(project, '.env'), 'COMPOSE_PROJECT_NAME=from_env_file\nCOMPOSE_PROFILES=dev,test\n');
    const { environment } = resolveEnv({ shell: { COMPOSE_PROFILES: 'prod' } });
    expect(composeSettings(environment)).toMatchObject({ projectName: 'from_env_file', profiles: ['prod'] });
  });
});
