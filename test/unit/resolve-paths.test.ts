import { describe, expect, it } from 'vitest';
import type { Dict } from '../../src/loader/paths.js';
import { resolveRelativePaths } from '../../src/loader/resolve-paths.js';

const resolve = (d: Dict) => resolveRelativePaths(d, '/proj', '/home/u');
const web = (fields: Dict) => (resolve({ services: { web: fields } }).services as Dict).web as Dict;

describe('resolveRelativePaths', () => {
  it('resolves local build contexts and leaves the dockerfile relative to them', () => {
    expect(web({ build: { context: './app', dockerfile: 'Dockerfile.dev' } }).build).toEqual({
      context: '/proj/app',
      dockerfile: 'Dockerfile.dev',
    });
    expect(web({ build: { context: '.' } }).build).toEqual({ context: '/proj' });
    expect(web({ build: { context: '../up' } }).build).toEqual({ context: '/up' });
    expect(web({ build: { context: '~/src' } }).build).toEqual({ context: '/home/u/src' });
    expect(web({ build: { context: '/abs/./x' } }).build).toEqual({ context: '/abs/./x' });
  });

  it.each([
    'https://github.com/a/b.git#main',
    'git@github.com:a/b.git',
    'github.com/a/b',
    'git://host/repo',
    'ssh://git@host/repo',
  ])('leaves the remote context %s as written', (context) => {
    expect(web({ build: { context } }).build).toEqual({ context });
  });

  it('resolves local additional contexts only', () => {
    expect(
      web({
        build: {
          context: '.',
          additional_contexts: { a: '../a', img: 'docker-image://alpine', svc: 'service:base', url: 'https://x/y.tar' },
        },
      }).build,
    ).toEqual({
      context: '/proj',
      additional_contexts: { a: '/a', img: 'docker-image://alpine', svc: 'service:base', url: 'https://x/y.tar' },
    });
  });

  it('resolves env files, label files, extends and watch paths', () => {
    expect(
      web({
        env_file: [
          { path: '.env', required: true },
          { path: '/etc/app.env', required: false },
        ],
        label_file: ['./labels'],
        extends: { service: 'base', file: 'common.yml' },
        develop: { watch: [{ path: './src', action: 'sync', target: '/app' }] },
      }),
    ).toEqual({
      env_file: [
        { path: '/proj/.env', required: true },
        { path: '/etc/app.env', required: false },
      ],
      label_file: ['/proj/labels'],
      extends: { service: 'base', file: '/proj/common.yml' },
      develop: { watch: [{ path: '/proj/src', action: 'sync', target: '/app' }] },
    });
  });

  it('resolves bind mount sources, expanding ~, and leaves named volumes alone', () => {
    expect(
      web({
        volumes: [
          { type: 'bind', source: './data', target: '/data' },
          { type: 'bind', source: '~/cache', target: '/cache' },
          { type: 'bind', source: '~', target: '/home' },
          { type: 'bind', source: '/abs', target: '/abs' },
          { type: 'volume', source: 'named', target: '/named', volume: {} },
          { type: 'volume', target: '/anon', volume: {} },
        ],
      }).volumes,
    ).toEqual([
      { type: 'bind', source: '/proj/data', target: '/data' },
      { type: 'bind', source: '/home/u/cache', target: '/cache' },
      { type: 'bind', source: '/home/u', target: '/home' },
      { type: 'bind', source: '/abs', target: '/abs' },
      { type: 'volume', source: 'named', target: '/named', volume: {} },
      { type: 'volume', target: '/anon', volume: {} },
    ]);
  });

  it('resolves secret and config files, not other sources', () => {
    expect(
      resolve({
        secrets: { s: { file: './s.txt' }, e: { environment: 'TOKEN' } },
        configs: { c: { file: 'conf/app.ini' }, x: { external: true } },
      }),
    ).toEqual({
      secrets: { s: { file: '/proj/s.txt' }, e: { environment: 'TOKEN' } },
      configs: { c: { file: '/proj/conf/app.ini' }, x: { external: true } },
    });
  });

  it('resolves include entries', () => {
    expect(
      resolve({
        include: [{ path: ['a/compose.yml', 'oci://registry/app:1'], env_file: ['a/.env'], project_directory: 'a' }],
      }).include,
    ).toEqual([
      {
        path: ['/proj/a/compose.yml', 'oci://registry/app:1'],
        env_file: ['/proj/a/.env'],
        project_directory: '/proj/a',
      },
    ]);
  });

  it('resolves the device of a local volume bound to a host directory', () => {
    expect(
      resolve({
        volumes: {
          b: { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: './store' } },
          n: { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' } },
          d: {},
        },
      }).volumes,
    ).toEqual({
      b: { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/proj/store' } },
      n: { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' } },
      d: {},
    });
  });

  it('leaves empty paths and everything else untouched, and does not modify its input', () => {
    const input = {
      services: {
        web: { image: 'x', working_dir: 'rel', env_file: [{ path: '', required: true }], build: { context: 'app' } },
      },
    };
    const copy = structuredClone(input);
    expect(resolve(input)).toEqual({
      services: {
        web: {
          image: 'x',
          working_dir: 'rel',
          env_file: [{ path: '', required: true }],
          build: { context: '/proj/app' },
        },
      },
    });
    expect(input).toEqual(copy);
  });
});
