// The consistency checks after normalization: every reference resolves, nothing is ambiguous,
// and each failure points at the file, line and field to fix.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/loader/index.js';
import { lines, rejection, tempTree } from './loader-helpers.js';

function project(compose: string): { dir: string; file: string } {
  const dir = tempTree({ 'compose.yaml': compose });
  return { dir, file: join(dir, 'compose.yaml') };
}

const load = (dir: string) => loadProject({ cwd: dir, environment: {}, projectName: 'p' });

interface Case {
  name: string;
  compose: string;
  code?: string;
  /** The message after `file:line:column: `. */
  message: string;
  line: number;
  column: number;
}

const CASES: Case[] = [
  {
    name: 'an undefined network',
    compose: lines('services:', '  web:', '    image: x', '    networks: [front]'),
    message: 'services.web.networks.front: service "web" refers to undefined network "front"',
    line: 4,
    column: 15,
  },
  {
    name: 'an undefined named volume',
    compose: lines('services:', '  web:', '    image: x', '    volumes:', '      - data:/data'),
    message:
      'services.web.volumes[0]: service "web" refers to undefined volume "data": declare it under the top-level volumes:',
    line: 5,
    column: 9,
  },
  {
    name: 'an undefined secret',
    compose: lines('services:', '  web:', '    image: x', '    secrets: [token]'),
    message: 'services.web.secrets[0]: service "web" refers to undefined secret "token"',
    line: 4,
    column: 15,
  },
  {
    name: 'an undefined config',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    configs:',
      '      - source: nginx',
      '        target: /etc/nginx.conf',
    ),
    message: 'services.web.configs[0]: service "web" refers to undefined config "nginx"',
    line: 5,
    column: 9,
  },
  {
    name: 'an undefined build secret',
    compose: lines('services:', '  web:', '    build:', '      context: .', '      secrets: [npmrc]'),
    message: 'services.web.build.secrets[0]: service "web" refers to undefined build secret "npmrc"',
    line: 5,
    column: 17,
  },
  {
    name: 'a dependency on an undefined service',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    depends_on:',
      '      db:',
      '        condition: service_healthy',
    ),
    message: 'services.web.depends_on.db: service "web" depends on undefined service "db"',
    // A key whose value is a mapping is located at that mapping (the line below), as everywhere.
    line: 6,
    column: 9,
  },
  {
    name: 'a dependency on an Object property name',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    depends_on:',
      '      hasOwnProperty: {condition: service_started}',
    ),
    message: 'services.web.depends_on.hasOwnProperty: service "web" depends on undefined service "hasOwnProperty"',
    line: 5,
    column: 23,
  },
  {
    name: 'network_mode naming an undefined service',
    compose: lines('services:', '  web:', '    image: x', '    network_mode: service:vpn'),
    message: 'services.web.network_mode: network_mode refers to undefined service "vpn"',
    line: 4,
    column: 19,
  },
  {
    name: 'volumes_from naming an undefined service',
    compose: lines('services:', '  web:', '    image: x', '    volumes_from:', '      - store:ro'),
    message: 'services.web.volumes_from[0]: volumes_from refers to undefined service "store"',
    line: 5,
    column: 9,
  },
  {
    name: 'a link to an undefined service',
    compose: lines('services:', '  web:', '    image: x', '    links: ["db:database"]'),
    message: 'services.web.links[0]: links refers to undefined service "db"',
    line: 4,
    column: 13,
  },
  {
    name: 'network_mode together with networks',
    compose: lines('services:', '  web:', '    image: x', '    network_mode: host', '    networks: [default]'),
    message: 'services.web.network_mode: network_mode and networks cannot be combined',
    line: 4,
    column: 19,
  },
  {
    name: 'a bind mount and a tmpfs at the same target',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    volumes: ["./data:/data"]',
      '    tmpfs:',
      '      - /data:size=1m',
    ),
    message: 'services.web.tmpfs[0]: duplicate mount target "/data" (also used by volumes[0])',
    line: 6,
    column: 9,
  },
  {
    name: 'container_name with replicas > 1',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    container_name: web',
      '    deploy:',
      '      replicas: 2',
    ),
    message:
      'services.web.container_name: container_name "web" cannot be used with more than one replica: container names must be unique',
    line: 4,
    column: 21,
  },
  {
    name: 'container_name with scale > 1',
    compose: lines('services:', '  web:', '    image: x', '    scale: 3', '    container_name: web'),
    message:
      'services.web.container_name: container_name "web" cannot be used with more than one replica: container names must be unique',
    line: 5,
    column: 21,
  },
  {
    name: 'a service with neither image nor build',
    compose: lines('services:', '  web:', '    command: [serve]'),
    message: 'services.web: service "web" has neither an image nor a build context specified',
    line: 3,
    column: 5,
  },
  {
    name: 'dockerfile and dockerfile_inline together',
    compose: lines(
      'services:',
      '  web:',
      '    build:',
      '      context: .',
      '      dockerfile: Dockerfile',
      '      dockerfile_inline: FROM alpine',
    ),
    message: 'services.web.build.dockerfile_inline: build.dockerfile and build.dockerfile_inline cannot be combined',
    line: 6,
    column: 26,
  },
  {
    name: 'a platform that build.platforms does not list',
    compose: lines(
      'services:',
      '  web:',
      '    platform: linux/arm64',
      '    build:',
      '      context: .',
      '      platforms: [linux/amd64]',
    ),
    message: 'services.web.platform: platform "linux/arm64" must be one of build.platforms (linux/amd64)',
    line: 3,
    column: 15,
  },
  {
    name: 'a healthcheck test of an unknown kind',
    compose: lines('services:', '  web:', '    image: x', '    healthcheck:', '      test: ["RUN", "true"]'),
    message:
      'services.web.healthcheck.test[0]: healthcheck.test must start with "CMD", "CMD-SHELL" or "NONE", not "RUN"',
    line: 5,
    column: 14,
  },
  {
    name: 'scale and deploy.replicas that differ',
    compose: lines('services:', '  web:', '    image: x', '    scale: 2', '    deploy: {replicas: 3}'),
    message: 'services.web.scale: scale (2) and deploy.replicas (3) differ: set only one of them',
    line: 4,
    column: 12,
  },
  {
    name: 'mem_limit and deploy.resources.limits.memory that differ',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    mem_limit: 1g',
      '    deploy: {resources: {limits: {memory: 2g}}}',
    ),
    message:
      'services.web.mem_limit: mem_limit (1073741824) and deploy.resources.limits.memory (2147483648) differ: set only one of them',
    line: 4,
    column: 16,
  },
  {
    name: 'a sync watch rule without a target',
    compose: lines(
      'services:',
      '  web:',
      '    image: x',
      '    develop:',
      '      watch:',
      '        - path: ./src',
      '          action: sync',
    ),
    message: 'services.web.develop.watch[0]: a "sync" watch rule needs a target',
    line: 6,
    column: 11,
  },
  {
    name: 'a secret with neither file nor environment',
    compose: lines('services:', '  web:', '    image: x', 'secrets:', '  token:', '    labels: {a: b}'),
    message: 'secrets.token: secret "token" must declare either file or environment',
    line: 6,
    column: 5,
  },
];

describe('consistency checks', () => {
  it.each(CASES)('rejects $name', async ({ compose, code = 'reference', message, line, column }) => {
    const { dir, file } = project(compose);
    const err = await rejection(load(dir));
    expect(err.code).toBe(code);
    expect(err.message).toBe(`${file}:${line}:${column}: ${message}`);
  });

  it('accepts what the checks allow', async () => {
    const { dir } = project(
      lines(
        'services:',
        '  web:',
        '    image: x',
        '    scale: 2',
        '    deploy: {replicas: 2, resources: {limits: {memory: 1g}}}',
        '    mem_limit: 1g',
        '    volumes: [data:/data, /anonymous]',
        '    tmpfs: [/run]',
        '    secrets: [token, ext]',
        '    healthcheck: {test: curl -f localhost}',
        '    depends_on:',
        '      optional: {condition: service_started, required: false}',
        '    develop: {watch: [{path: ., action: rebuild}]}',
        '  side:',
        '    image: x',
        '    network_mode: service:web',
        '    volumes_from: ["container:outside"]',
        'volumes:',
        '  data: {}',
        'secrets:',
        '  token: {environment: TOKEN}',
        '  ext: {external: true}',
      ),
    );
    const { project: p } = await load(dir);
    expect(p.services.web.depends_on).toEqual({});
    expect(p.services.side.depends_on).toEqual({ web: { condition: 'service_started', required: true } });
  });
});

describe('dependency cycles', () => {
  it('rejects a cycle, names it, and points at the dependency that closes it', async () => {
    const { dir, file } = project(
      lines(
        'services:',
        '  a:',
        '    image: x',
        '    depends_on: [b]',
        '  b:',
        '    image: x',
        '    depends_on:',
        '      c: {condition: service_started}',
        '  c:',
        '    image: x',
        '    depends_on: [a]',
      ),
    );
    const err = await rejection(load(dir));
    expect(err.code).toBe('cycle');
    expect(err.detail).toBe('dependency cycle between services: a -> b -> c -> a');
    expect(err.position).toEqual({ file, line: 4, column: 17 });
  });

  it('rejects a service that depends on itself', async () => {
    const { dir } = project(lines('services:', '  a:', '    image: x', '    depends_on: [a]'));
    await expect(load(dir)).rejects.toThrow('dependency cycle between services: a -> a');
  });

  it('counts implicit dependencies from links and shared namespaces', async () => {
    const { dir } = project(
      lines(
        'services:',
        '  a:',
        '    image: x',
        '    links: [b]',
        '  b:',
        '    image: x',
        '    network_mode: service:a',
      ),
    );
    await expect(load(dir)).rejects.toThrow('dependency cycle between services: a -> b -> a');
  });
});
