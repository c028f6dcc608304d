import { describe, expect, it } from 'vitest';
import { LoadError } from '../../src/errors.js';
import { toCanonical } from '../../src/loader/canonical.js';
import { splitShellWords } from '../../src/loader/short-syntax/shell-words.js';
import type { Dict } from '../../src/loader/paths.js';
import { OverrideTag, ResetTag } from '../../src/loader/parse.js';

/** Canonical form of one service's fields. */
function service(fields: Dict): Dict {
  const out = toCanonical({ services: { web: fields } });
  return (out.services as Dict).web as Dict;
}

function loadError(run: () => unknown): LoadError {
  try {
    run();
  } catch (err) {
    if (err instanceof LoadError) return err;
    throw err;
  }
  throw new Error('expected a LoadError');
}

describe('ports', () => {
  const ports = (...entries: unknown[]) => service({ ports: entries }).ports;

  it('expands host:container', () => {
    expect(ports('8080:80')).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
  });

  it('keeps the IP and protocol', () => {
    expect(ports('127.0.0.1:8080:80/udp')).toEqual([
      { mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' },
    ]);
  });

  it('takes a bare number as the container port', () => {
    expect(ports(80, '81')).toEqual([
      { mode: 'ingress', target: 80, protocol: 'tcp' },
      { mode: 'ingress', target: 81, protocol: 'tcp' },
    ]);
  });

  it('expands a container range to one entry per port', () => {
    expect(ports('3000-3002')).toEqual(
      [3000, 3001, 3002].map((target) => ({ mode: 'ingress', target, protocol: 'tcp' })),
    );
  });

  it('pairs a host range with a container range', () => {
    expect(ports('9090-9091:8080-8081')).toEqual([
      { mode: 'ingress', target: 8080, published: '9090', protocol: 'tcp' },
      { mode: 'ingress', target: 8081, published: '9091', protocol: 'tcp' },
    ]);
  });

  it('keeps a host range for a single container port', () => {
    expect(ports('8000-8010:80')).toEqual([{ mode: 'ingress', target: 80, published: '8000-8010', protocol: 'tcp' }]);
  });

  it('orders the ports of a range as Compose does, as strings', () => {
    expect((ports('9998-10001') as Dict[]).map((p) => p.target)).toEqual([10000, 10001, 9998, 9999]);
  });

  it('reads IPv6 addresses, bracketed or not', () => {
    expect(ports('[::1]:80:80', '::1:81:81', '[2001:db8::1]:8080:80/sctp')).toEqual([
      { mode: 'ingress', host_ip: '::1', target: 80, published: '80', protocol: 'tcp' },
      { mode: 'ingress', host_ip: '::1', target: 81, published: '81', protocol: 'tcp' },
      { mode: 'ingress', host_ip: '2001:db8::1', target: 80, published: '8080', protocol: 'sctp' },
    ]);
  });

  it('fills the defaults of the long syntax and prints published as a string', () => {
    expect(
      ports({ target: 80, published: 8080 }, { target: 53, published: '53', protocol: 'udp', mode: 'host' }),
    ).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      { mode: 'host', target: 53, published: '53', protocol: 'udp' },
    ]);
  });

  it.each([
    ['80:70000', /"70000" is not a port/],
    ['a:80', /"a" is not a port/],
    ['1-3:1-2', /differ in length/],
    ['80/xyz', /protocol "xyz"/],
    ['999.1.1.1:80:80', /"999.1.1.1" is not an IP address/],
    ['[::1:80:80', /unclosed \[/],
    ['8080:', /no container port/],
    ['10-5', /"10-5" is not a port/],
  ])('rejects %j, naming the entry', (spec, message) => {
    const err = loadError(() => ports('80', spec));
    expect(err.code).toBe('schema');
    expect(err.path).toBe('services.web.ports[1]');
    expect(err.detail).toMatch(message);
  });
});

describe('volumes', () => {
  const volume = (spec: unknown) => (service({ volumes: [spec] }).volumes as unknown[])[0];

  it('reads a relative bind mount, read-only', () => {
    expect(volume('./data:/data:ro')).toEqual({
      type: 'bind',
      source: './data',
      target: '/data',
      read_only: true,
      bind: { create_host_path: true },
    });
  });

  it('reads a named volume with options', () => {
    expect(volume('named:/x:rw,nocopy')).toEqual({
      type: 'volume',
      source: 'named',
      target: '/x',
      volume: { nocopy: true },
    });
  });

  it('reads SELinux and propagation options of a bind mount', () => {
    expect(volume('/abs:/x:z')).toEqual({
      type: 'bind',
      source: '/abs',
      target: '/x',
      bind: { selinux: 'z', create_host_path: true },
    });
    expect(volume('~/cache:/cache:Z,rshared')).toEqual({
      type: 'bind',
      source: '~/cache',
      target: '/cache',
      bind: { selinux: 'Z', propagation: 'rshared', create_host_path: true },
    });
  });

  it('reads an anonymous volume', () => {
    expect(volume('/only/target')).toEqual({ type: 'volume', target: '/only/target', volume: {} });
  });

  it('reads a named volume without options', () => {
    expect(volume('data:/var/lib/data/')).toEqual({
      type: 'volume',
      source: 'data',
      target: '/var/lib/data',
      volume: {},
    });
  });

  it('treats a drive letter as part of a Windows path', () => {
    expect(volume('C:\\data:/data')).toMatchObject({ type: 'bind', source: 'C:\\data', target: '/data' });
  });

  it('ignores options Compose ignores', () => {
    expect(volume('./a:/a:cached')).toEqual({
      type: 'bind',
      source: './a',
      target: '/a',
      bind: { create_host_path: true },
    });
  });

  it('fills create_host_path when the long syntax has bind options, and converts tmpfs sizes', () => {
    expect(volume({ type: 'bind', source: '.', target: '/x', bind: { propagation: 'shared' } })).toEqual({
      type: 'bind',
      source: '.',
      target: '/x',
      bind: { propagation: 'shared', create_host_path: true },
    });
    expect(volume({ type: 'bind', source: '.', target: '/x' })).toEqual({ type: 'bind', source: '.', target: '/x' });
    expect(volume({ type: 'tmpfs', target: '/t', tmpfs: { size: '64m' } })).toEqual({
      type: 'tmpfs',
      target: '/t',
      tmpfs: { size: 67_108_864 },
    });
  });

  it.each([
    ['data::/b', /empty section/],
    ['data:/b:ro:extra', /too many colons/],
    ['', /empty/],
  ])('rejects %j', (spec, message) => {
    const err = loadError(() => volume(spec));
    expect(err.path).toBe('services.web.volumes[0]');
    expect(err.detail).toMatch(message);
  });
});

describe('depends_on', () => {
  it('turns a list into started, required dependencies', () => {
    expect(service({ depends_on: ['db', 'cache'] }).depends_on).toEqual({
      db: { condition: 'service_started', required: true },
      cache: { condition: 'service_started', required: true },
    });
  });

  it('fills the defaults of map entries', () => {
    expect(
      service({ depends_on: { db: { condition: 'service_healthy' }, cache: { required: false, restart: true } } })
        .depends_on,
    ).toEqual({
      db: { condition: 'service_healthy', required: true },
      cache: { condition: 'service_started', required: false, restart: true },
    });
  });
});

describe('key=value lists', () => {
  it('reads environment lists; a bare name is null', () => {
    expect(service({ environment: ['A=1', 'B', 'C=x=y', 'D='] }).environment).toEqual({
      A: '1',
      B: null,
      C: 'x=y',
      D: '',
    });
  });

  it('prints environment map values as strings and keeps null', () => {
    expect(service({ environment: { A: 1, B: null, C: true, D: 'x' } }).environment).toEqual({
      A: '1',
      B: null,
      C: 'true',
      D: 'x',
    });
  });

  it('reads build args like environment', () => {
    expect(service({ build: { context: '.', args: ['V=1', 'PASS'] } }).build).toEqual({
      context: '.',
      args: { V: '1', PASS: null },
    });
  });

  it('reads labels, annotations and sysctls; a bare label is empty', () => {
    const web = service({
      labels: ['a=1', 'b'],
      annotations: ['com.example/x=y'],
      sysctls: ['net.core.somaxconn=1024'],
      deploy: { labels: { n: 2 } },
      logging: { driver: 'json-file', options: { 'max-file': 3 } },
    });
    expect(web.labels).toEqual({ a: '1', b: '' });
    expect(web.annotations).toEqual({ 'com.example/x': 'y' });
    expect(web.sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(web.deploy).toEqual({ labels: { n: '2' } });
    expect(web.logging).toEqual({ driver: 'json-file', options: { 'max-file': '3' } });
  });

  it('requires a value for additional build contexts', () => {
    expect(service({ build: { context: '.', additional_contexts: ['base=../base'] } }).build).toEqual({
      context: '.',
      additional_contexts: { base: '../base' },
    });
    const err = loadError(() => service({ build: { context: '.', additional_contexts: ['base'] } }));
    expect(err.path).toBe('services.web.build.additional_contexts[0]');
    expect(err.detail).toMatch(/expected name=location/);
  });
});

describe('extra_hosts', () => {
  it('reads host:ip and host=ip, IPv6 and comma lists, gathering IPs per host', () => {
    expect(
      service({
        extra_hosts: [
          'somehost:162.242.195.82',
          'otherhost=50.31.209.229',
          'v6=::1',
          'v6colon:::2',
          'v6b:[::3]',
          'multi=1.1.1.1,2.2.2.2',
          'somehost=10.0.0.1',
        ],
      }).extra_hosts,
    ).toEqual({
      somehost: ['162.242.195.82', '10.0.0.1'],
      otherhost: ['50.31.209.229'],
      v6: ['::1'],
      v6colon: ['::2'],
      v6b: ['::3'],
      multi: ['1.1.1.1', '2.2.2.2'],
    });
  });

  it('reads the mapping form', () => {
    expect(service({ build: { context: '.', extra_hosts: { a: '1.2.3.4', b: ['::1', '[::2]'] } } }).build).toEqual({
      context: '.',
      extra_hosts: { a: ['1.2.3.4'], b: ['::1', '::2'] },
    });
  });

  it.each([
    ['nohost', /expected host=ip/],
    ['=1.2.3.4', /invalid extra host name ""/],
  ])('rejects %j', (entry, message) => {
    const err = loadError(() => service({ extra_hosts: ['ok=1.1.1.1', entry] }));
    expect(err.path).toBe('services.web.extra_hosts[1]');
    expect(err.detail).toMatch(message);
  });
});

describe('files and lists', () => {
  it('turns env_file into required path entries', () => {
    expect(service({ env_file: '.env' }).env_file).toEqual([{ path: '.env', required: true }]);
    expect(
      service({ env_file: ['a.env', { path: 'b.env', required: false }, { path: 'c.env', format: 'raw' }] }).env_file,
    ).toEqual([
      { path: 'a.env', required: true },
      { path: 'b.env', required: false },
      { path: 'c.env', format: 'raw', required: true },
    ]);
  });

  it('turns single strings into lists', () => {
    const web = service({
      dns: '8.8.8.8',
      dns_search: 'example.com',
      tmpfs: '/run',
      label_file: './labels',
      profiles: ['debug'],
      cap_add: 'NET_ADMIN',
    });
    expect(web).toEqual({
      dns: ['8.8.8.8'],
      dns_search: ['example.com'],
      tmpfs: ['/run'],
      label_file: ['./labels'],
      profiles: ['debug'],
      cap_add: ['NET_ADMIN'],
    });
  });

  it('prints expose and group_add entries as strings', () => {
    expect(service({ expose: [3000, '8000-8010'], group_add: [1000, 'audio'] })).toEqual({
      expose: ['3000', '8000-8010'],
      group_add: ['1000', 'audio'],
    });
  });

  it('turns secret and config names into references', () => {
    const web = service({
      secrets: ['s1', { source: 's2', target: '/x' }],
      configs: ['c1'],
      build: { context: '.', secrets: ['npm'] },
    });
    expect(web.secrets).toEqual([{ source: 's1' }, { source: 's2', target: '/x' }]);
    expect(web.configs).toEqual([{ source: 'c1' }]);
    expect(web.build).toEqual({ context: '.', secrets: [{ source: 'npm' }] });
  });

  it('turns a list of networks into a map of nulls', () => {
    expect(service({ networks: ['front', 'back'] }).networks).toEqual({ front: null, back: null });
    expect(service({ networks: { front: { aliases: ['a'] }, back: null } }).networks).toEqual({
      front: { aliases: ['a'] },
      back: null,
    });
  });

  it('reads device mappings', () => {
    expect(service({ devices: ['/dev/a:/dev/b:r', '/dev/c', '/dev/d:/dev/e', { source: '/dev/f' }] }).devices).toEqual([
      { source: '/dev/a', target: '/dev/b', permissions: 'r' },
      { source: '/dev/c', target: '/dev/c', permissions: 'rwm' },
      { source: '/dev/d', target: '/dev/e', permissions: 'rwm' },
      { source: '/dev/f', target: '/dev/f', permissions: 'rwm' },
    ]);
    expect(loadError(() => service({ devices: ['/a:/b:r:x'] })).detail).toMatch(/too many colons/);
  });

  it('turns a single ulimit into soft and hard', () => {
    expect(service({ ulimits: { nofile: 1024, nproc: { soft: 1, hard: 2 } } }).ulimits).toEqual({
      nofile: { soft: 1024, hard: 1024 },
      nproc: { soft: 1, hard: 2 },
    });
  });
});

describe('build', () => {
  it('turns a string into a context, without adding a dockerfile', () => {
    expect(service({ build: '.' }).build).toEqual({ context: '.' });
  });

  it('reads ssh keys in every form', () => {
    expect(service({ build: { context: '.', ssh: 'default' } }).build).toEqual({ context: '.', ssh: ['default'] });
    expect(service({ build: { context: '.', ssh: ['default', 'key=/path'] } }).build).toEqual({
      context: '.',
      ssh: ['default', 'key=/path'],
    });
    expect(service({ build: { context: '.', ssh: { default: null, k: '/p' } } }).build).toEqual({
      context: '.',
      ssh: ['default', 'k=/p'],
    });
    expect(loadError(() => service({ build: { context: '.', ssh: ['nokey'] } })).path).toBe(
      'services.web.build.ssh[0]',
    );
  });

  it('converts sizes and ulimits', () => {
    expect(service({ build: { context: '.', shm_size: '2gb', ulimits: { nofile: 10 } } }).build).toEqual({
      context: '.',
      shm_size: 2 * 1024 ** 3,
      ulimits: { nofile: { soft: 10, hard: 10 } },
    });
  });
});

describe('commands', () => {
  it('splits command strings like a shell, without expansion', () => {
    expect(service({ command: `echo "hello world" 'a b' c\\ d '' $HOME` }).command).toEqual([
      'echo',
      'hello world',
      'a b',
      'c d',
      '',
      '$HOME',
    ]);
  });

  it('keeps explicit empty commands and list commands', () => {
    expect(service({ command: '', entrypoint: [] })).toEqual({ command: [], entrypoint: [] });
    expect(service({ entrypoint: ['sh', '-c', 'a && b'], command: ['sleep', 10] })).toEqual({
      entrypoint: ['sh', '-c', 'a && b'],
      command: ['sleep', '10'],
    });
  });

  it('splits lifecycle hook commands and reads their environment', () => {
    expect(
      service({ post_start: [{ command: 'echo hi', environment: ['A=1'] }], pre_stop: [{ command: ['x'] }] }),
    ).toEqual({
      post_start: [{ command: ['echo', 'hi'], environment: { A: '1' } }],
      pre_stop: [{ command: ['x'] }],
    });
  });

  it('refuses shell operators and unterminated quotes', () => {
    const err = loadError(() => service({ command: 'echo a && echo b' }));
    expect(err.path).toBe('services.web.command');
    expect(err.detail).toMatch(/shell operator "&".*\["sh", "-c"/);
    expect(loadError(() => service({ entrypoint: 'echo "a' })).detail).toMatch(/unterminated " quote/);
  });
});

describe('splitShellWords', () => {
  it.each([
    ['a  b\tc\nd', ['a', 'b', 'c', 'd']],
    ['"a \\"b\\"" c', ['a "b"', 'c']],
    ["'a \\ b'", ['a \\ b']],
    ['a"b c"d', ['ab cd']],
    ['""', ['']],
    ['x\\ty', ['x\ty']],
    ['echo "a;b" \'c|d\' e\\&f', ['echo', 'a;b', 'c|d', 'e&f']],
    ['   ', []],
  ])('%j', (line, argv) => {
    expect(splitShellWords(line)).toEqual(argv);
  });

  it('rejects a trailing backslash', () => {
    expect(() => splitShellWords('a\\')).toThrow(/lone backslash/);
  });
});

describe('healthcheck and durations', () => {
  it('wraps a test string in CMD-SHELL and normalizes durations', () => {
    expect(
      service({
        healthcheck: {
          test: 'curl -f http://localhost || exit 1',
          interval: '90s',
          timeout: '1m30s',
          start_period: '500ms',
          start_interval: '1s',
          retries: 3,
        },
      }).healthcheck,
    ).toEqual({
      test: ['CMD-SHELL', 'curl -f http://localhost || exit 1'],
      interval: '1m30s',
      timeout: '1m30s',
      start_period: '500ms',
      start_interval: '1s',
      retries: 3,
    });
  });

  it('keeps a list test and disable', () => {
    expect(service({ healthcheck: { test: ['CMD', 'true'] } }).healthcheck).toEqual({ test: ['CMD', 'true'] });
    expect(service({ healthcheck: { disable: true } }).healthcheck).toEqual({ disable: true });
  });

  it('normalizes stop_grace_period and deploy durations', () => {
    const web = service({
      stop_grace_period: '90s',
      deploy: {
        restart_policy: { condition: 'on-failure', delay: '5s', window: '120s' },
        update_config: { delay: '10s', monitor: '1m' },
        rollback_config: { delay: '0s', monitor: '1h' },
      },
    });
    expect(web.stop_grace_period).toBe('1m30s');
    expect(web.deploy).toEqual({
      restart_policy: { condition: 'on-failure', delay: '5s', window: '2m0s' },
      update_config: { delay: '10s', monitor: '1m0s' },
      rollback_config: { delay: '0s', monitor: '1h0m0s' },
    });
  });

  it('names the path of an invalid duration', () => {
    const err = loadError(() => service({ healthcheck: { interval: '10 parsecs' } }));
    expect(err.path).toBe('services.web.healthcheck.interval');
    expect(err.detail).toMatch(/unknown unit/);
  });
});

describe('resources', () => {
  it('converts memory sizes to bytes and cpus to numbers', () => {
    expect(
      service({
        cpus: '1.5',
        mem_limit: '512m',
        mem_reservation: 1024,
        memswap_limit: -1,
        shm_size: '64m',
        deploy: {
          resources: { limits: { cpus: '0.5', memory: '50M', pids: 10 }, reservations: { cpus: 0.25, memory: '20m' } },
        },
        blkio_config: {
          device_read_bps: [{ path: '/dev/sda', rate: '12mb' }],
          device_read_iops: [{ path: '/dev/sda', rate: 120 }],
        },
      }),
    ).toEqual({
      cpus: 1.5,
      mem_limit: 536_870_912,
      mem_reservation: 1024,
      memswap_limit: -1,
      shm_size: 67_108_864,
      deploy: {
        resources: {
          limits: { cpus: 0.5, memory: 52_428_800, pids: 10 },
          reservations: { cpus: 0.25, memory: 20_971_520 },
        },
      },
      blkio_config: {
        device_read_bps: [{ path: '/dev/sda', rate: 12_582_912 }],
        device_read_iops: [{ path: '/dev/sda', rate: 120 }],
      },
    });
  });

  it('names the path of an invalid size or cpu count', () => {
    expect(loadError(() => service({ mem_limit: '10 parsecs' })).path).toBe('services.web.mem_limit');
    expect(loadError(() => service({ cpus: 'lots' })).detail).toMatch(/invalid cpus "lots"/);
  });

  it('reads gpus: all, and device requests without a count, as every device', () => {
    expect(service({ gpus: 'all' }).gpus).toEqual([{ count: -1 }]);
    expect(
      service({
        gpus: [{ driver: 'nvidia' }, { count: 'all', capabilities: ['gpu'] }, { device_ids: ['0'] }, { count: 2 }],
      }).gpus,
    ).toEqual([
      { driver: 'nvidia', count: -1 },
      { count: -1, capabilities: ['gpu'] },
      { device_ids: ['0'] },
      { count: 2 },
    ]);
    expect(
      service({ deploy: { resources: { reservations: { devices: [{ capabilities: ['gpu'] }] } } } }).deploy,
    ).toEqual({
      resources: { reservations: { devices: [{ capabilities: ['gpu'], count: -1 }] } },
    });
    expect(loadError(() => service({ gpus: [{ count: 1, device_ids: ['0'] }] })).path).toBe('services.web.gpus[0]');
  });
});

describe('develop and include', () => {
  it('splits a watch rule with several paths', () => {
    expect(
      service({
        develop: {
          watch: [
            { path: ['./a', './b'], action: 'sync', target: '/app' },
            { path: './c', action: 'rebuild' },
          ],
        },
      }).develop,
    ).toEqual({
      watch: [
        { path: './a', action: 'sync', target: '/app' },
        { path: './b', action: 'sync', target: '/app' },
        { path: './c', action: 'rebuild' },
      ],
    });
  });

  it('turns include strings into path lists', () => {
    expect(
      toCanonical({ include: ['a.yml', { path: 'b.yml', env_file: '.env', project_directory: 'b' }] }).include,
    ).toEqual([{ path: ['a.yml'] }, { path: ['b.yml'], env_file: ['.env'], project_directory: 'b' }]);
  });
});

describe('top-level resources', () => {
  it('turns null entries into empty mappings', () => {
    expect(
      toCanonical({ networks: { front: null }, volumes: { data: null }, secrets: { s: { file: './s' } } }),
    ).toEqual({
      networks: { front: {} },
      volumes: { data: {} },
      secrets: { s: { file: './s' } },
    });
  });

  it('rewrites legacy external.name', () => {
    expect(
      toCanonical({ networks: { ext: { external: { name: 'real' } }, other: { external: true } } }).networks,
    ).toEqual({
      ext: { external: true, name: 'real' },
      other: { external: true },
    });
    expect(toCanonical({ volumes: { v: { name: 'real', external: { name: 'real' } } } }).volumes).toEqual({
      v: { name: 'real', external: true },
    });
  });

  it('rejects conflicting names', () => {
    const err = loadError(() => toCanonical({ volumes: { v: { name: 'a', external: { name: 'b' } } } }));
    expect(err.path).toBe('volumes.v');
    expect(err.detail).toMatch(/conflict/);
  });

  it('reads labels and driver options as strings', () => {
    expect(
      toCanonical({ networks: { n: { labels: ['a=1'], driver_opts: { mtu: 1500 }, ipam: { options: { x: 1 } } } } })
        .networks,
    ).toEqual({
      n: { labels: { a: '1' }, driver_opts: { mtu: '1500' }, ipam: { options: { x: '1' } } },
    });
  });
});

describe('the walk', () => {
  it('leaves absent keys absent and extends untouched', () => {
    expect(
      toCanonical({
        services: { a: { image: 'x' }, b: { extends: 'a' }, c: { extends: { service: 'a', file: 'x.yml' } } },
      }),
    ).toEqual({
      services: { a: { image: 'x' }, b: { extends: 'a' }, c: { extends: { service: 'a', file: 'x.yml' } } },
    });
  });

  it('expands values inside !override and keeps !reset', () => {
    const reset = new ResetTag();
    const out = toCanonical({
      services: {
        web: { ports: new OverrideTag(['8080:80']), environment: { A: new OverrideTag(1), B: reset }, dns: reset },
      },
    });
    const web = (out.services as Dict).web as Dict;
    expect(web.ports).toBeInstanceOf(OverrideTag);
    expect((web.ports as OverrideTag).value).toEqual([
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
    ]);
    expect((web.environment as Dict).A).toEqual(new OverrideTag('1'));
    expect((web.environment as Dict).B).toBe(reset);
    expect(web.dns).toBe(reset);
  });

  it('does not modify its input', () => {
    const input = {
      services: { web: { ports: ['80'], environment: ['A=1'], depends_on: { db: { condition: 'service_healthy' } } } },
    };
    const copy = structuredClone(input);
    toCanonical(input);
    expect(input).toEqual(copy);
  });

  it('reports where the bad value was written', () => {
    const seen: unknown[] = [];
    const err = loadError(() =>
      toCanonical({ services: { web: { ports: ['80', 'x'] } } }, (path) => {
        seen.push(path);
        return { file: 'compose.yaml', line: 7, column: 9 };
      }),
    );
    expect(seen).toEqual([['services', 'web', 'ports', 1]]);
    expect(err.position).toEqual({ file: 'compose.yaml', line: 7, column: 9 });
    expect(err.message).toMatch(/^compose\.yaml:7:9: services\.web\.ports\[1\]: invalid port "x"/);
  });
});
