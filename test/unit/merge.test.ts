import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { mergeCompose, stripMergeTags } from '../../src/loader/merge.js';
import type { Dict } from '../../src/loader/paths.js';
import { OverrideTag, ResetTag } from '../../src/loader/parse.js';

/** One service merged from two files' fields. */
function merged(base: Dict, override: Dict): Dict {
  const out = mergeCompose({ services: { web: base } }, { services: { web: override } });
  return (out.services as Dict).web as Dict;
}

const port = (published: string, target: number, extra: Dict = {}) => ({
  mode: 'ingress',
  target,
  published,
  protocol: 'tcp',
  ...extra,
});
const bind = (source: string, target: string, extra: Dict = {}) => ({
  type: 'bind',
  source,
  target,
  bind: { create_host_path: true },
  ...extra,
});

describe('mappings, scalars, sequences', () => {
  it('merges mappings deeply and replaces scalars', () => {
    expect(
      mergeCompose(
        { services: { foo: { key1: 'value1', key2: 'value2' } } },
        { services: { foo: { key2: 'VALUE', key3: 'value3' } } },
      ),
    ).toEqual({
      services: { foo: { key1: 'value1', key2: 'VALUE', key3: 'value3' } },
    });
  });

  it('appends sequences', () => {
    expect(
      merged(
        { volumes_from: ['a'], device_cgroup_rules: ['c 1:3 mr'] },
        { volumes_from: ['b'], device_cgroup_rules: ['c 1:3 mr'] },
      ),
    ).toEqual({
      volumes_from: ['a', 'b'],
      device_cgroup_rules: ['c 1:3 mr', 'c 1:3 mr'],
    });
  });

  it('keeps the earlier value when the override is null', () => {
    expect(merged({ image: 'x', deploy: { replicas: 2 } }, { image: null, deploy: null })).toEqual({
      image: 'x',
      deploy: { replicas: 2 },
    });
  });

  it('merges extension keys like any other mapping', () => {
    expect(mergeCompose({ 'x-common': { a: 1, b: [1] } }, { 'x-common': { b: [2] } })).toEqual({
      'x-common': { a: 1, b: [1, 2] },
    });
  });

  it('refuses to merge a list over a mapping', () => {
    const err = (() => {
      try {
        merged({ 'x-thing': { a: 1 } }, { 'x-thing': [1] });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('merge');
    expect((err as LoadError).path).toBe('services.web.x-thing');
    expect((err as LoadError).detail).toMatch(/cannot merge a list over a mapping/);
  });
});

describe('replaced sequences', () => {
  it('replaces command, entrypoint and healthcheck.test', () => {
    expect(
      merged(
        { command: ['echo', 'foo'], entrypoint: ['/a'], healthcheck: { test: ['CMD', 'a'], retries: 3 } },
        { command: ['echo', 'bar'], entrypoint: [], healthcheck: { test: ['CMD-SHELL', 'b'] } },
      ),
    ).toEqual({ command: ['echo', 'bar'], entrypoint: [], healthcheck: { test: ['CMD-SHELL', 'b'], retries: 3 } });
  });
});

describe('unique resources', () => {
  it('keeps one port per IP, published, target and protocol: the later one, in place', () => {
    expect(
      merged(
        { ports: [port('8080', 80), port('9090', 90)] },
        {
          ports: [
            port('8080', 80, { mode: 'host' }),
            port('8080', 80, { protocol: 'udp' }),
            port('9090', 90, { host_ip: '127.0.0.1' }),
          ],
        },
      ).ports,
    ).toEqual([
      port('8080', 80, { mode: 'host' }),
      port('9090', 90),
      port('8080', 80, { protocol: 'udp' }),
      port('9090', 90, { host_ip: '127.0.0.1' }),
    ]);
  });

  it('treats a missing host IP as 0.0.0.0', () => {
    expect(merged({ ports: [port('80', 80)] }, { ports: [port('80', 80, { host_ip: '0.0.0.0' })] }).ports).toEqual([
      port('80', 80, { host_ip: '0.0.0.0' }),
    ]);
  });

  it('keeps one volume per target: the later one, in place', () => {
    expect(
      merged(
        { volumes: [bind('./a', '/x', { read_only: true }), bind('./b', '/y')] },
        { volumes: [{ type: 'volume', source: 'c', target: '/x', volume: {} }, bind('./d', '/z')] },
      ).volumes,
    ).toEqual([{ type: 'volume', source: 'c', target: '/x', volume: {} }, bind('./b', '/y'), bind('./d', '/z')]);
  });

  it('keeps one secret or config per target, a missing target being derived from the source', () => {
    const web = merged(
      { secrets: [{ source: 's' }, { source: 't', target: '/t' }], configs: [{ source: 'c' }] },
      {
        secrets: [
          { source: 's', target: '/run/secrets/s', mode: 0o400 },
          { source: 'u', target: '/t' },
        ],
        configs: [{ source: 'c', target: '/c', uid: '1' }],
      },
    );
    expect(web.secrets).toEqual([
      { source: 's', target: '/run/secrets/s', mode: 0o400 },
      { source: 'u', target: '/t' },
    ]);
    expect(web.configs).toEqual([{ source: 'c', target: '/c', uid: '1' }]);
  });

  it('removes duplicates within a single file merged into nothing', () => {
    const out = mergeCompose(
      {},
      { services: { web: { ports: [port('80', 80), port('80', 80)], dns: ['1.1.1.1', '1.1.1.1'] } } },
    );
    expect(out).toEqual({ services: { web: { ports: [port('80', 80)], dns: ['1.1.1.1'] } } });
  });
});

describe('merged by key', () => {
  it('merges environment by key, a later null winning', () => {
    expect(merged({ environment: { A: '1', B: '2' } }, { environment: { B: null, C: '3' } }).environment).toEqual({
      A: '1',
      B: null,
      C: '3',
    });
  });

  it('merges labels, annotations, sysctls, build args and logging options by key', () => {
    expect(
      merged(
        {
          labels: { a: '1', b: '2' },
          annotations: { x: '1' },
          sysctls: { s: '1' },
          build: { context: '/a', args: { A: '1', B: null } },
        },
        { labels: { b: '3' }, annotations: { y: '2' }, sysctls: { s: '2' }, build: { args: { B: 'x' } } },
      ),
    ).toEqual({
      labels: { a: '1', b: '3' },
      annotations: { x: '1', y: '2' },
      sysctls: { s: '2' },
      build: { context: '/a', args: { A: '1', B: 'x' } },
    });
  });

  it('gathers the IPs of each extra host', () => {
    expect(
      merged(
        { extra_hosts: { a: ['1.1.1.1'], b: ['::1'] } },
        { extra_hosts: { a: ['1.1.1.1', '2.2.2.2'], c: ['3.3.3.3'] } },
      ).extra_hosts,
    ).toEqual({
      a: ['1.1.1.1', '2.2.2.2'],
      b: ['::1'],
      c: ['3.3.3.3'],
    });
  });

  it('replaces a ulimit and merges the others by name', () => {
    expect(
      merged(
        { ulimits: { nofile: { soft: 1, hard: 2 }, nproc: { soft: 5, hard: 5 } } },
        { ulimits: { nofile: { soft: 3, hard: 4 } } },
      ).ulimits,
    ).toEqual({
      nofile: { soft: 3, hard: 4 },
      nproc: { soft: 5, hard: 5 },
    });
  });

  it('merges depends_on entries', () => {
    expect(
      merged(
        { depends_on: { db: { condition: 'service_healthy', required: true, restart: true } } },
        {
          depends_on: {
            db: { condition: 'service_started', required: true },
            cache: { condition: 'service_started', required: false },
          },
        },
      ).depends_on,
    ).toEqual({
      db: { condition: 'service_started', required: true, restart: true },
      cache: { condition: 'service_started', required: false },
    });
  });

  it('merges networks, a null entry keeping the earlier options', () => {
    expect(
      merged(
        { networks: { front: { aliases: ['a'] }, back: null } },
        { networks: { front: null, back: { aliases: ['b'] }, other: null } },
      ).networks,
    ).toEqual({ front: { aliases: ['a'] }, back: { aliases: ['b'] }, other: null });
    expect(
      merged({ networks: { front: { aliases: ['a'] } } }, { networks: { front: { aliases: ['a', 'b'] } } }).networks,
    ).toEqual({
      front: { aliases: ['a', 'b'] },
    });
  });
});

describe('logging', () => {
  it('merges options for the same driver', () => {
    expect(
      merged(
        { logging: { driver: 'syslog', options: { a: '1', b: '2' } } },
        { logging: { driver: 'syslog', options: { b: '3' } } },
      ).logging,
    ).toEqual({ driver: 'syslog', options: { a: '1', b: '3' } });
  });

  it('merges options when a file names no driver', () => {
    expect(
      merged({ logging: { options: { 'max-size': '10m' } } }, { logging: { options: { 'max-file': '3' } } }).logging,
    ).toEqual({
      options: { 'max-size': '10m', 'max-file': '3' },
    });
  });

  it('replaces the options along with a different driver', () => {
    expect(
      merged(
        { logging: { driver: 'local', options: { 'max-size': '10m' } } },
        { logging: { driver: 'syslog', options: { 'syslog-address': 'x' } } },
      ).logging,
    ).toEqual({ driver: 'syslog', options: { 'syslog-address': 'x' } });
  });
});

describe('lists without duplicates', () => {
  it('appends dns, dns_search, cap_add, cap_drop, expose, external_links, profiles and security_opt once', () => {
    const base = {
      dns: ['1.1.1.1'],
      dns_search: ['a.example'],
      cap_add: ['NET_ADMIN'],
      cap_drop: ['ALL'],
      expose: ['80'],
      external_links: ['redis'],
      profiles: ['debug'],
      security_opt: ['label=user:A'],
    };
    const override = {
      dns: ['8.8.8.8', '1.1.1.1'],
      dns_search: ['a.example'],
      cap_add: ['SYS_TIME', 'NET_ADMIN'],
      cap_drop: ['ALL'],
      expose: ['80', '81'],
      external_links: ['redis', 'db'],
      profiles: ['debug', 'ops'],
      security_opt: ['label=role:B', 'label=user:A'],
    };
    expect(merged(base, override)).toEqual({
      dns: ['1.1.1.1', '8.8.8.8'],
      dns_search: ['a.example'],
      cap_add: ['NET_ADMIN', 'SYS_TIME'],
      cap_drop: ['ALL'],
      expose: ['80', '81'],
      external_links: ['redis', 'db'],
      profiles: ['debug', 'ops'],
      security_opt: ['label=user:A', 'label=role:B'],
    });
  });

  it('keeps one tmpfs per mount point and option key, one device per target, one env file per path', () => {
    expect(
      merged(
        {
          tmpfs: ['/run:size=1m', '/tmp'],
          devices: [{ source: '/dev/a', target: '/dev/x', permissions: 'rwm' }],
          env_file: [{ path: '/p/.env', required: true }],
        },
        {
          tmpfs: ['/run:size=2m'],
          devices: [
            { source: '/dev/b', target: '/dev/x', permissions: 'r' },
            { source: '/dev/c', target: '/dev/c', permissions: 'rwm' },
          ],
          env_file: [
            { path: '/p/.env', required: false },
            { path: '/p/other.env', required: true },
          ],
        },
      ),
    ).toEqual({
      tmpfs: ['/run:size=2m', '/tmp'],
      devices: [
        { source: '/dev/b', target: '/dev/x', permissions: 'r' },
        { source: '/dev/c', target: '/dev/c', permissions: 'rwm' },
      ],
      env_file: [
        { path: '/p/.env', required: false },
        { path: '/p/other.env', required: true },
      ],
    });
  });
});

describe('!reset and !override', () => {
  it('drops values marked !reset', () => {
    expect(
      merged(
        { image: 'myapp', ports: [port('8080', 80)], environment: { FOO: 'BAR', KEEP: '1' } },
        { ports: new ResetTag(), environment: { FOO: new ResetTag() } },
      ),
    ).toEqual({ image: 'myapp', environment: { KEEP: '1' } });
  });

  it('drops a whole service', () => {
    expect(
      mergeCompose({ services: { a: { image: 'a' }, b: { image: 'b' } } }, { services: { b: new ResetTag() } }),
    ).toEqual({ services: { a: { image: 'a' } } });
  });

  it('replaces values marked !override instead of merging them', () => {
    expect(
      merged(
        { ports: [port('8080', 80)], environment: { A: '1' }, deploy: { replicas: 2, labels: { x: '1' } } },
        {
          ports: new OverrideTag([port('8443', 443)]),
          environment: new OverrideTag({ B: '2' }),
          deploy: new OverrideTag({ replicas: 3 }),
        },
      ),
    ).toEqual({ ports: [port('8443', 443)], environment: { B: '2' }, deploy: { replicas: 3 } });
  });

  it('strips the markers when nothing earlier had the key', () => {
    expect(
      merged(
        { image: 'x' },
        {
          ports: new ResetTag(),
          command: new OverrideTag(['a']),
          deploy: { labels: new OverrideTag({ x: '1' }), mode: new ResetTag() },
        },
      ),
    ).toEqual({
      image: 'x',
      command: ['a'],
      deploy: { labels: { x: '1' } },
    });
  });

  it('strips markers from a single file', () => {
    expect(
      stripMergeTags({
        services: {
          web: {
            image: 'x',
            ports: new ResetTag(),
            environment: new OverrideTag({ A: '1', B: new ResetTag() }),
            dns: [new ResetTag(), 'a'],
          },
        },
      }),
    ).toEqual({ services: { web: { image: 'x', environment: { A: '1' }, dns: ['a'] } } });
  });
});

describe('networks', () => {
  it('merges IPAM configs by subnet, a new subnet replacing the old', () => {
    const base = { networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/16', gateway: '10.0.0.1' }] } } } };
    expect(
      mergeCompose(base, {
        networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/16', ip_range: '10.0.1.0/24' }] } } },
      }),
    ).toEqual({
      networks: { n: { ipam: { config: [{ subnet: '10.0.0.0/16', gateway: '10.0.0.1', ip_range: '10.0.1.0/24' }] } } },
    });
    expect(mergeCompose(base, { networks: { n: { ipam: { config: [{ subnet: '172.28.0.0/16' }] } } } })).toEqual({
      networks: { n: { ipam: { config: [{ subnet: '172.28.0.0/16' }] } } },
    });
  });
});

describe('inputs', () => {
  it('modifies neither input, nor shares structure with them', () => {
    const base = { services: { web: { ports: [port('80', 80)], environment: { A: '1' } } } };
    const override = { services: { web: { ports: [port('81', 81)], environment: new OverrideTag({ B: '2' }) } } };
    const baseCopy = structuredClone(base);
    const out = mergeCompose(base, override);
    expect(base).toEqual(baseCopy);
    expect((override.services.web.environment as OverrideTag).value).toEqual({ B: '2' });
    ((out.services as Dict).web as Dict).image = 'changed';
    expect(base.services.web).not.toHaveProperty('image');
  });
});
