import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerSpec, deviceRequests, type ContainerSpecInput } from '../../src/engine/convert.js';
import { BerthError } from '../../src/errors.js';
import type { Service } from '../../src/model/types.js';

function input(service: Partial<Service>, overrides: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    projectName: 'proj',
    service: { name: 'web', ...service },
    number: 1,
    containerName: 'proj-web-1',
    ownershipLabels: { 'com.docker.compose.project': 'proj', 'com.docker.compose.service': 'web' },
    networks: {
      default: { name: 'proj_default' },
      front: { name: 'proj_front' },
      back: { name: 'proj_back' },
      outside: { name: 'shared', external: true },
    },
    volumes: { data: { name: 'proj_data' } },
    secrets: {},
    configs: {},
    image: 'nginx:1.27',
    containerOf: (s) => `proj-${s}-1`,
    containerNamesOf: (s) => [`proj-${s}-1`],
    hostEnv: {},
    envFromFiles: {},
    ...overrides,
  };
}

function thrown(fn: () => unknown): BerthError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BerthError);
    return e as BerthError;
  }
  throw new Error('expected an error');
}

describe('containerSpec: a rich service', () => {
  const rich: Partial<Service> = {
    command: ['nginx', '-g', 'daemon off;'],
    entrypoint: ['/docker-entrypoint.sh'],
    labels: { tier: 'front', 'com.docker.compose.project': 'hijack' },
    hostname: 'web01',
    domainname: 'example.test',
    user: '101:101',
    working_dir: '/srv',
    tty: true,
    stdin_open: true,
    stop_signal: 'SIGQUIT',
    stop_grace_period: '1m30s',
    healthcheck: {
      test: ['CMD', 'curl', '-f', 'http://localhost'],
      interval: '30s',
      timeout: '1.5s',
      start_period: '1m',
      start_interval: '500ms',
      retries: 3,
    },
    restart: 'on-failure:3',
    init: true,
    privileged: true,
    read_only: true,
    cap_add: ['NET_ADMIN'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true', 'label=disable'],
    sysctls: { 'net.core.somaxconn': '1024' },
    ulimits: { nofile: { soft: 1024, hard: 2048 } },
    devices: [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' }],
    device_cgroup_rules: ['c 1:3 mr'],
    dns: ['8.8.8.8'],
    dns_opt: ['use-vc'],
    dns_search: ['example.test'],
    extra_hosts: { 'db.local': ['10.0.0.5'], dual: ['10.0.0.6', '::1'] },
    ipc: 'shareable',
    pid: 'service:db',
    uts: 'host',
    userns_mode: 'host',
    cgroup: 'private',
    cgroup_parent: 'berth.slice',
    group_add: ['audio'],
    shm_size: 67108864,
    logging: { driver: 'json-file', options: { 'max-size': '10m' } },
    cpus: 1.5,
    cpu_shares: 512,
    cpu_quota: 50000,
    cpu_period: 100000,
    cpuset: '0-1',
    mem_limit: 536870912,
    mem_reservation: 268435456,
    memswap_limit: 1073741824,
    mem_swappiness: 10,
    pids_limit: 100,
    oom_kill_disable: true,
    oom_score_adj: -500,
    blkio_config: {
      weight: 300,
      weight_device: [{ path: '/dev/sda', weight: 400 }],
      device_read_bps: [{ path: '/dev/sda', rate: 1048576 }],
      device_write_iops: [{ path: '/dev/sda', rate: 100 }],
    },
    runtime: 'runc',
    platform: 'linux/amd64',
    storage_opt: { size: '10G' },
    isolation: 'default',
    annotations: { 'com.example.note': 'x' },
    expose: ['9000', '9100-9101/udp'],
    ports: [
      { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' },
      { mode: 'ingress', target: 443, host_ip: '127.0.0.1', published: '8443', protocol: 'tcp' },
      { mode: 'ingress', target: 53, protocol: 'udp' },
    ],
    volumes: [
      {
        type: 'bind',
        source: '/srv/site',
        target: '/usr/share/nginx/html',
        read_only: true,
        bind: { create_host_path: true, selinux: 'z' },
      },
      { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true, subpath: 'web' } },
      { type: 'volume', target: '/cache' },
      { type: 'tmpfs', target: '/scratch', tmpfs: { size: 1048576, mode: 0o1777 } },
    ],
    tmpfs: ['/run', '/tmp:size=64m,mode=1777'],
    volumes_from: ['db:ro', 'container:legacy', 'service:cache:rw'],
    links: ['db:database', 'cache'],
    external_links: ['redis_1:redis'],
    environment: { MODE: 'prod' },
    networks: {
      front: { aliases: ['www'], ipv4_address: '172.20.0.10', ipv6_address: 'fd00::10', priority: 10 },
      back: null,
    },
    mac_address: '02:42:ac:11:00:02',
  };

  const spec = containerSpec(input(rich));
  const { create } = spec;
  const host = create.HostConfig!;

  it('fills the container config', () => {
    expect(create).toMatchObject({
      name: 'proj-web-1',
      platform: 'linux/amd64',
      Image: 'nginx:1.27',
      Cmd: ['nginx', '-g', 'daemon off;'],
      Entrypoint: ['/docker-entrypoint.sh'],
      Env: ['MODE=prod'],
      Hostname: 'web01',
      Domainname: 'example.test',
      User: '101:101',
      WorkingDir: '/srv',
      Tty: true,
      OpenStdin: true,
      StopSignal: 'SIGQUIT',
      StopTimeout: 90,
      MacAddress: '02:42:ac:11:00:02',
    });
  });

  it('lets ownership labels win over the service labels', () => {
    expect(create.Labels).toEqual({
      tier: 'front',
      'com.docker.compose.project': 'proj',
      'com.docker.compose.service': 'web',
    });
  });

  it('converts the healthcheck to nanoseconds', () => {
    expect(create.Healthcheck).toEqual({
      Test: ['CMD', 'curl', '-f', 'http://localhost'],
      Interval: 30e9,
      Timeout: 1.5e9,
      StartPeriod: 60e9,
      StartInterval: 500e6,
      Retries: 3,
    });
  });

  it('exposes and publishes ports', () => {
    expect(create.ExposedPorts).toEqual({
      '9000/tcp': {},
      '9100/udp': {},
      '9101/udp': {},
      '80/tcp': {},
      '443/tcp': {},
      '53/udp': {},
    });
    expect(host.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '', HostPort: '8080' }],
      '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '8443' }],
      '53/udp': [{ HostIp: '', HostPort: '' }],
    });
  });

  it('mounts volumes of every type', () => {
    expect(host.Binds).toEqual(['/srv/site:/usr/share/nginx/html:ro,z']);
    expect(host.Mounts).toEqual([
      { Type: 'volume', Source: 'proj_data', Target: '/data', VolumeOptions: { NoCopy: true, Subpath: 'web' } },
      { Type: 'volume', Target: '/cache' },
      { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } },
    ]);
    expect(host.Tmpfs).toEqual({ '/run': '', '/tmp': 'size=64m,mode=1777' });
    expect(host.VolumesFrom).toEqual(['proj-db-1:ro', 'legacy', 'proj-cache-1:rw']);
  });

  it('connects the highest-priority network at create and the others after', () => {
    expect(host.NetworkMode).toBe('proj_front');
    const links = ['proj-db-1:database', 'proj-cache-1:cache', 'redis_1:redis'];
    expect(host.Links).toEqual(links);
    expect(create.NetworkingConfig).toEqual({
      EndpointsConfig: {
        proj_front: {
          Aliases: ['proj-web-1', 'web', 'www'],
          Links: links,
          IPAMConfig: { IPv4Address: '172.20.0.10', IPv6Address: 'fd00::10' },
        },
      },
    });
    expect(spec.connectAfterCreate).toEqual([
      { network: 'proj_back', endpoint: { Aliases: ['proj-web-1', 'web'], Links: links } },
    ]);
  });

  it('links every container of the linked service by name, never by ID, and none when it has no container', () => {
    const { create } = containerSpec(
      input(
        { links: ['db:database', 'cache'] },
        {
          containerOf: (s) => `id-of-${s}`,
          containerNamesOf: (s) => (s === 'db' ? ['proj-db-1', 'proj-db-2'] : []),
        },
      ),
    );
    expect(create.HostConfig!.Links).toEqual(['proj-db-1:database', 'proj-db-2:database']);
  });

  it('sets the host options', () => {
    expect(host).toMatchObject({
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
      Init: true,
      Privileged: true,
      ReadonlyRootfs: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true', 'label=disable'],
      Sysctls: { 'net.core.somaxconn': '1024' },
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
      Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }],
      DeviceCgroupRules: ['c 1:3 mr'],
      Dns: ['8.8.8.8'],
      DnsOptions: ['use-vc'],
      DnsSearch: ['example.test'],
      ExtraHosts: ['db.local:10.0.0.5', 'dual:10.0.0.6', 'dual:::1'],
      IpcMode: 'shareable',
      PidMode: 'container:proj-db-1',
      UTSMode: 'host',
      UsernsMode: 'host',
      CgroupnsMode: 'private',
      CgroupParent: 'berth.slice',
      GroupAdd: ['audio'],
      ShmSize: 67108864,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m' } },
      Runtime: 'runc',
      StorageOpt: { size: '10G' },
      Isolation: 'default',
      OomScoreAdj: -500,
      Annotations: { 'com.example.note': 'x' },
    });
  });

  it('sets the legacy resource limits', () => {
    expect(host).toMatchObject({
      NanoCpus: 1.5e9,
      CpuShares: 512,
      CpuQuota: 50000,
      CpuPeriod: 100000,
      CpusetCpus: '0-1',
      Memory: 536870912,
      MemoryReservation: 268435456,
      MemorySwap: 1073741824,
      MemorySwappiness: 10,
      PidsLimit: 100,
      OomKillDisable: true,
      BlkioWeight: 300,
      BlkioWeightDevice: [{ Path: '/dev/sda', Weight: 400 }],
      BlkioDeviceReadBps: [{ Path: '/dev/sda', Rate: 1048576 }],
      BlkioDeviceWriteIOps: [{ Path: '/dev/sda', Rate: 100 }],
    });
    expect(host.DeviceRequests).toBeUndefined();
  });

  it('injects nothing without content secrets', () => {
    expect(spec.injectFiles).toEqual([]);
  });
});

describe('containerSpec: command, entrypoint and environment', () => {
  it('leaves Cmd and Entrypoint to the image when absent, and empties them when empty', () => {
    expect(containerSpec(input({})).create).toMatchObject({ Cmd: undefined, Entrypoint: undefined });
    expect(containerSpec(input({ command: [], entrypoint: [] })).create).toMatchObject({ Cmd: [], Entrypoint: [] });
  });

  it('takes env files first, environment over them, and null from the host or else as a bare name (unset)', () => {
    const { create } = containerSpec(
      input(
        { environment: { B: 'from-environment', C: null, D: null, E: null } },
        {
          envFromFiles: { A: 'from-file', B: 'from-file', E: 'from-file' },
          hostEnv: { C: 'from-host' },
        },
      ),
    );
    expect(create.Env).toEqual(['A=from-file', 'B=from-environment', 'E', 'C=from-host', 'D']);
  });
});

describe('containerSpec: deploy', () => {
  it('lets deploy.resources override the legacy limits', () => {
    const { create } = containerSpec(
      input({
        cpus: 2,
        mem_limit: 1024,
        mem_reservation: 512,
        pids_limit: 10,
        deploy: { resources: { limits: { cpus: 0.5, memory: 4096, pids: 20 }, reservations: { memory: 2048 } } },
      }),
    );
    expect(create.HostConfig).toMatchObject({ NanoCpus: 5e8, Memory: 4096, MemoryReservation: 2048, PidsLimit: 20 });
  });

  it('maps deploy.restart_policy over restart', () => {
    const policy = (service: Partial<Service>) => containerSpec(input(service)).create.HostConfig!.RestartPolicy;
    expect(policy({ restart: 'unless-stopped' })).toEqual({ Name: 'unless-stopped' });
    expect(policy({ restart: 'no' })).toEqual({ Name: 'no' });
    expect(
      policy({ restart: 'always', deploy: { restart_policy: { condition: 'on-failure', max_attempts: 5 } } }),
    ).toEqual({
      Name: 'on-failure',
      MaximumRetryCount: 5,
    });
    expect(policy({ deploy: { restart_policy: { max_attempts: 5 } } })).toEqual({ Name: 'always' });
    expect(policy({})).toBeUndefined();
  });

  it('disables the healthcheck with NONE', () => {
    const { create } = containerSpec(input({ healthcheck: { disable: true, test: ['CMD', 'true'] } }));
    expect(create.Healthcheck).toEqual({ Test: ['NONE'] });
  });
});

describe('deviceRequests', () => {
  const reserve = (devices: NonNullable<Service['gpus']>): Service => ({
    name: 'ml',
    deploy: { resources: { reservations: { devices } } },
  });

  it('asks for every device when count is all', () => {
    expect(deviceRequests(reserve([{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }]))).toEqual([
      { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
    ]);
    const all = { driver: 'nvidia', count: 'all', capabilities: ['gpu'] } as unknown as NonNullable<
      Service['gpus']
    >[number];
    expect(deviceRequests(reserve([all]))).toEqual([{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }]);
  });

  it('asks for one device with count 1 and keeps options', () => {
    expect(
      deviceRequests(reserve([{ driver: 'nvidia', count: 1, capabilities: ['gpu', 'utility'], options: { x: 'y' } }])),
    ).toEqual([{ Driver: 'nvidia', Count: 1, Capabilities: [['gpu', 'utility']], Options: { x: 'y' } }]);
  });

  it('asks for named devices with device_ids', () => {
    expect(deviceRequests(reserve([{ capabilities: ['gpu'], device_ids: ['0', 'GPU-abc'] }]))).toEqual([
      { DeviceIDs: ['0', 'GPU-abc'], Capabilities: [['gpu']] },
    ]);
  });

  it('defaults to every device with neither count nor device_ids', () => {
    expect(deviceRequests(reserve([{ capabilities: ['gpu'] }]))).toEqual([{ Count: -1, Capabilities: [['gpu']] }]);
  });

  it('refuses count together with device_ids, naming the service and field', () => {
    const error = thrown(() => deviceRequests(reserve([{ capabilities: ['gpu'], count: 1, device_ids: ['0'] }])));
    expect(error.code).toBe('usage');
    expect(error.message).toContain('"ml"');
    expect(error.message).toContain('deploy.resources.reservations.devices[0]');
    const gpus = thrown(() => deviceRequests({ name: 'ml', gpus: [{ count: 2, device_ids: ['1'] }] }));
    expect(gpus.message).toContain('gpus[0]');
  });

  it('maps gpus entries with the gpu capability added once', () => {
    expect(
      deviceRequests({
        name: 'ml',
        gpus: [{ count: -1 }, { driver: 'nvidia', device_ids: ['1'], capabilities: ['gpu', 'compute'] }],
      }),
    ).toEqual([
      { Count: -1, Capabilities: [['gpu']] },
      { Driver: 'nvidia', DeviceIDs: ['1'], Capabilities: [['gpu', 'compute']] },
    ]);
  });

  it('turns CDI device names into a cdi request instead of a device mapping', () => {
    const service: Service = {
      name: 'ml',
      devices: [
        { source: 'nvidia.com/gpu=all', target: 'nvidia.com/gpu=all', permissions: 'rwm' },
        { source: '/dev/dri', target: '/dev/dri', permissions: 'rwm' },
      ],
    };
    expect(deviceRequests(service)).toEqual([{ Driver: 'cdi', DeviceIDs: ['nvidia.com/gpu=all'] }]);
    expect(containerSpec(input(service)).create.HostConfig!.Devices).toEqual([
      { PathOnHost: '/dev/dri', PathInContainer: '/dev/dri', CgroupPermissions: 'rwm' },
    ]);
  });

  it('lands in HostConfig.DeviceRequests, reservations first', () => {
    const service = { ...reserve([{ capabilities: ['gpu'], count: 1 }]), gpus: [{ count: -1 }] };
    expect(containerSpec(input(service)).create.HostConfig!.DeviceRequests).toEqual([
      { Count: 1, Capabilities: [['gpu']] },
      { Count: -1, Capabilities: [['gpu']] },
    ]);
  });
});

describe('containerSpec: network modes', () => {
  it('joins the default network when the service names none', () => {
    const { create, connectAfterCreate } = containerSpec(input({ networks: { default: null } }));
    expect(create.HostConfig!.NetworkMode).toBe('proj_default');
    expect(create.NetworkingConfig).toEqual({ EndpointsConfig: { proj_default: { Aliases: ['proj-web-1', 'web'] } } });
    expect(connectAfterCreate).toEqual([]);
    expect(containerSpec(input({})).create.HostConfig!.NetworkMode).toBe('proj_default');
  });

  it("shares another service's network stack with service:x", () => {
    const { create, connectAfterCreate } = containerSpec(input({ network_mode: 'service:vpn' }));
    expect(create.HostConfig!.NetworkMode).toBe('container:proj-vpn-1');
    expect(create.NetworkingConfig).toBeUndefined();
    expect(connectAfterCreate).toEqual([]);
  });

  it('passes engine modes through', () => {
    for (const mode of ['host', 'none', 'bridge', 'container:abc123']) {
      expect(containerSpec(input({ network_mode: mode })).create.HostConfig!.NetworkMode).toBe(mode);
    }
    const disabled = containerSpec(input({ network_mode: 'disabled' })).create;
    expect(disabled).toMatchObject({ NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } });
  });

  it('orders networks by priority then name, using engine names', () => {
    const spec = containerSpec(input({ networks: { outside: null, back: null, front: { priority: 1 } } }));
    expect(spec.create.HostConfig!.NetworkMode).toBe('proj_front');
    expect(spec.connectAfterCreate.map((c) => c.network)).toEqual(['proj_back', 'shared']);
  });

  it('takes the MAC address from the first network', () => {
    const spec = containerSpec(input({ networks: { front: { mac_address: '02:00:00:00:00:01' } } }));
    expect(spec.create.MacAddress).toBe('02:00:00:00:00:01');
  });

  it('refuses a MAC address on a later network, which needs API 1.44', () => {
    const error = thrown(() =>
      containerSpec(input({ networks: { front: { priority: 1 }, back: { mac_address: '02:00:00:00:00:01' } } })),
    );
    expect(error.code).toBe('usage');
    expect(error.message).toContain('back');
  });

  it('refuses an undefined network', () => {
    expect(thrown(() => containerSpec(input({ networks: { nowhere: null } }))).code).toBe('reference');
  });
});

describe('containerSpec: binds and mounts', () => {
  const mounts = (volumes: Service['volumes']) => containerSpec(input({ volumes })).create.HostConfig!;

  it('uses Binds when the host path may be created, Mounts when it must exist', () => {
    const host = mounts([
      { type: 'bind', source: '/a', target: '/a' },
      { type: 'bind', source: '/b', target: '/b', bind: { create_host_path: true, propagation: 'rshared' } },
      { type: 'bind', source: '/c', target: '/c', read_only: true, bind: { propagation: 'rslave' } },
      { type: 'bind', source: '/d', target: '/d', bind: { create_host_path: true, recursive: 'readonly' } },
    ]);
    expect(host.Binds).toEqual(['/a:/a:rw', '/b:/b:rw,rshared']);
    expect(host.Mounts).toEqual([
      { Type: 'bind', Source: '/c', Target: '/c', ReadOnly: true, BindOptions: { Propagation: 'rslave' } },
      {
        Type: 'bind',
        Source: '/d',
        Target: '/d',
        BindOptions: { CreateMountpoint: true, ReadOnlyForceRecursive: true },
      },
    ]);
  });

  it('lets a later volume replace an earlier one at the same target', () => {
    const host = mounts([
      { type: 'bind', source: '/a', target: '/data' },
      { type: 'volume', source: 'data', target: '/data', read_only: true },
    ]);
    expect(host.Binds).toBeUndefined();
    expect(host.Mounts).toEqual([{ Type: 'volume', Source: 'proj_data', Target: '/data', ReadOnly: true }]);
  });

  it('refuses an undefined named volume', () => {
    expect(thrown(() => mounts([{ type: 'volume', source: 'ghost', target: '/g' }])).code).toBe('reference');
  });
});

describe('containerSpec: secrets and configs', () => {
  const files = {
    secrets: {
      db_password: { name: 'proj_db_password', file: '/abs/db_password.txt' },
      token: { name: 'proj_token', environment: 'TOKEN' },
      inline: { name: 'proj_inline', content: 'not so secret' },
      remote: { name: 'remote', external: true },
    },
    configs: {
      nginx: { name: 'proj_nginx', file: '/abs/nginx.conf' },
      motd: { name: 'proj_motd', content: 'hello' },
    },
  };

  it('bind-mounts file secrets and configs read-only at their default paths', () => {
    const { create, injectFiles } = containerSpec(
      input(
        { secrets: [{ source: 'db_password' }], configs: [{ source: 'nginx', target: '/etc/nginx/nginx.conf' }] },
        files,
      ),
    );
    expect(create.HostConfig!.Mounts).toEqual([
      { Type: 'bind', Source: '/abs/db_password.txt', Target: '/run/secrets/db_password', ReadOnly: true },
      { Type: 'bind', Source: '/abs/nginx.conf', Target: '/etc/nginx/nginx.conf', ReadOnly: true },
    ]);
    expect(injectFiles).toEqual([]);
  });

  it('warns, as Compose does, that uid, gid and mode of a file secret or config are ignored', () => {
    const quiet = containerSpec(
      input({ secrets: [{ source: 'db_password' }], configs: [{ source: 'motd', mode: 0o400 }] }, files),
    );
    expect(quiet.warnings).toEqual([]);
    const { warnings } = containerSpec(
      input({ secrets: [{ source: 'db_password', mode: 0o440 }], configs: [{ source: 'nginx', uid: '101' }] }, files),
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^service "web": secret "db_password" comes from a file: its `uid`, `gid` and `mode` are not supported, they will be ignored/,
      ),
      expect.stringMatching(
        /^service "web": config "nginx" comes from a file: its `uid`, `gid` and `mode` are not supported/,
      ),
    ]);
  });

  it('injects content and environment secrets and configs', () => {
    const { create, injectFiles } = containerSpec(
      input(
        {
          secrets: [{ source: 'token', target: 'api_token', mode: 0o400, uid: '101' }, { source: 'inline' }],
          configs: [{ source: 'motd', target: 'etc/motd', gid: '0' }],
        },
        { ...files, hostEnv: { TOKEN: 's3cr3t' } },
      ),
    );
    expect(create.HostConfig!.Mounts).toBeUndefined();
    expect(injectFiles).toEqual([
      { path: '/run/secrets/api_token', content: 's3cr3t', mode: 0o400, uid: '101' },
      { path: '/run/secrets/inline', content: 'not so secret', mode: 0o444 },
      { path: '/etc/motd', content: 'hello', mode: 0o444, gid: '0' },
    ]);
  });

  it('never shadows a service volume at the same target', () => {
    const { create } = containerSpec(
      input(
        {
          secrets: [{ source: 'db_password', target: '/data' }],
          volumes: [{ type: 'volume', source: 'data', target: '/data' }],
        },
        files,
      ),
    );
    expect(create.HostConfig!.Mounts).toEqual([{ Type: 'volume', Source: 'proj_data', Target: '/data' }]);
  });

  it('refuses external, undefined and unset-environment secrets without leaking values', () => {
    expect(thrown(() => containerSpec(input({ secrets: [{ source: 'remote' }] }, files))).code).toBe('usage');
    expect(thrown(() => containerSpec(input({ secrets: [{ source: 'nope' }] }, files))).code).toBe('reference');
    const unset = thrown(() => containerSpec(input({ secrets: [{ source: 'token' }] }, files)));
    expect(unset.code).toBe('reference');
    expect(unset.message).toContain('TOKEN');
  });
});

describe('containerSpec: security options', () => {
  it('inlines a seccomp profile and unconfines system paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-convert-'));
    writeFileSync(join(dir, 'profile.json'), '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
    const { create } = containerSpec(
      input(
        { security_opt: ['seccomp:profile.json', 'systempaths=unconfined', 'apparmor=unconfined'] },
        { workingDir: dir },
      ),
    );
    expect(create.HostConfig).toMatchObject({
      SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'apparmor=unconfined'],
      MaskedPaths: [],
      ReadonlyPaths: [],
    });
  });

  it('keeps built-in seccomp profiles by name', () => {
    const { create } = containerSpec(input({ security_opt: ['seccomp=unconfined'] }));
    expect(create.HostConfig!.SecurityOpt).toEqual(['seccomp=unconfined']);
  });
});

describe('containerSpec: ports', () => {
  it('passes a published range through for the engine to pick from', () => {
    const { create } = containerSpec(
      input({
        ports: [
          { mode: 'ingress', target: 80, published: '8000-8010', protocol: 'tcp' },
          { mode: 'ingress', target: 80, published: '9080', protocol: 'tcp', host_ip: '::1' },
        ],
      }),
    );
    expect(create.HostConfig!.PortBindings).toEqual({
      '80/tcp': [
        { HostIp: '', HostPort: '8000-8010' },
        { HostIp: '::1', HostPort: '9080' },
      ],
    });
    expect(create.ExposedPorts).toEqual({ '80/tcp': {} });
  });

  it('expands exposed ranges and refuses nonsense', () => {
    const { create } = containerSpec(input({ expose: ['7000-7002'] }));
    expect(Object.keys(create.ExposedPorts!)).toEqual(['7000/tcp', '7001/tcp', '7002/tcp']);
    expect(thrown(() => containerSpec(input({ expose: ['http'] }))).code).toBe('usage');
  });
});
