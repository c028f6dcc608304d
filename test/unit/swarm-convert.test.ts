import { describe, expect, it } from 'vitest';
import type { Project, Service } from '../../src/model/types.js';
import { swarmService, type SwarmServiceInput } from '../../src/swarm/convert.js';
import { desiredStack } from '../../src/swarm/desired.js';
import { unsupportedAttributes } from '../../src/swarm/warnings.js';
import { projectOf } from './project-fixture.js';

function service(extra: Partial<Service> = {}): Service {
  return { name: 'web', image: 'busybox:latest', networks: { default: null }, ...extra };
}

function project(services: Service[], extra: Partial<Project> = {}): Project {
  return projectOf('shop', services, extra);
}

function convert(svc: Service, extra: Partial<SwarmServiceInput> = {}, projectExtra: Partial<Project> = {}) {
  return swarmService({
    project: project([svc], projectExtra),
    service: svc,
    secretNames: {},
    configNames: {},
    hostEnv: {},
    ...extra,
  });
}

describe('swarmService: the container', () => {
  it('names the service <project>_<service> and maps entrypoint, command, user and working dir as docker stack does', () => {
    const { name, spec } = convert(
      service({
        entrypoint: ['/bin/sh', '-c'],
        command: ['echo hi'],
        user: '1000',
        working_dir: '/app',
        hostname: 'h',
        init: true,
      }),
    );
    expect(name).toBe('shop_web');
    expect(spec.Name).toBe('shop_web');
    expect(spec.TaskTemplate.ContainerSpec).toMatchObject({
      Image: 'busybox:latest',
      Command: ['/bin/sh', '-c'],
      Args: ['echo hi'],
      User: '1000',
      Dir: '/app',
      Hostname: 'h',
      Init: true,
    });
  });

  it("sends the environment sorted; a variable without value takes berth's own, or is left out", () => {
    const { spec } = convert(service({ environment: { B: '2', A: '1', PASSED: null, MISSING: null } }), {
      hostEnv: { PASSED: 'from-shell' },
    });
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['A=1', 'B=2', 'PASSED=from-shell']);
  });

  it('labels the service with the stack namespace, the project, the image and its spec hash, and the containers with the namespace and the task hash', () => {
    const { spec, specHash, taskHash } = convert(
      service({ labels: { team: 'a' }, deploy: { labels: { tier: 'front' } } }),
    );
    expect(spec.Labels).toEqual({
      tier: 'front',
      'com.docker.stack.namespace': 'shop',
      'com.docker.compose.project': 'shop',
      'com.docker.compose.version': expect.any(String),
      'com.docker.compose.service': 'web',
      'com.docker.stack.image': 'busybox:latest',
      'com.docker.compose.config-hash': specHash,
    });
    expect(spec.TaskTemplate.ContainerSpec.Labels).toEqual({
      team: 'a',
      'com.docker.stack.namespace': 'shop',
      'com.docker.compose.config-hash': taskHash,
    });
  });

  it('writes extra_hosts as SwarmKit host lines, and dns settings as a DNS config', () => {
    const { spec } = convert(
      service({
        extra_hosts: { db: ['10.0.0.5'] },
        dns: ['1.1.1.1'],
        dns_search: ['example.org'],
        dns_opt: ['ndots:2'],
      }),
    );
    expect(spec.TaskTemplate.ContainerSpec.Hosts).toEqual(['10.0.0.5 db']);
    expect(spec.TaskTemplate.ContainerSpec.DNSConfig).toEqual({
      Nameservers: ['1.1.1.1'],
      Search: ['example.org'],
      Options: ['ndots:2'],
    });
  });

  it('converts the healthcheck durations to nanoseconds', () => {
    const { spec } = convert(
      service({
        healthcheck: { test: ['CMD', 'true'], interval: '2s', timeout: '500ms', retries: 3, start_period: '1m' },
      }),
    );
    expect(spec.TaskTemplate.ContainerSpec.Healthcheck).toEqual({
      Test: ['CMD', 'true'],
      Interval: 2e9,
      Timeout: 5e8,
      Retries: 3,
      StartPeriod: 60e9,
    });
  });

  it("refers to secrets and configs by their stack names, with Docker's default targets and mode, IDs left for the apply step", () => {
    const svc = service({
      secrets: [{ source: 'token' }],
      configs: [{ source: 'settings' }, { source: 'other', target: '/etc/other.conf', mode: 0o400, uid: '33' }],
    });
    const { spec } = convert(svc, {
      secretNames: { token: 'shop_token-abc' },
      configNames: { settings: 'shop_settings-def', other: 'shop_other-123' },
    });
    expect(spec.TaskTemplate.ContainerSpec.Secrets).toEqual([
      { File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 }, SecretID: '', SecretName: 'shop_token-abc' },
    ]);
    expect(spec.TaskTemplate.ContainerSpec.Configs).toEqual([
      {
        File: { Name: '/etc/other.conf', UID: '33', GID: '0', Mode: 0o400 },
        ConfigID: '',
        ConfigName: 'shop_other-123',
      },
      { File: { Name: '/settings', UID: '0', GID: '0', Mode: 0o444 }, ConfigID: '', ConfigName: 'shop_settings-def' },
    ]);
  });

  it('fails naming the service when a secret is not defined', () => {
    expect(() => convert(service({ secrets: [{ source: 'nope' }] }))).toThrow(
      'service "web": refers to undefined secret "nope"',
    );
  });

  it('fails for a service with build but no image: nodes need an image they can run', () => {
    expect(() => convert(service({ image: undefined, build: { context: '/src' } }))).toThrow(
      /service "web": Swarm runs images/,
    );
  });
});

describe('swarmService: storage', () => {
  it('declares a named volume in the mount with its driver, options and the project labels, so each node creates it alike', () => {
    const svc = service({ volumes: [{ type: 'volume', source: 'data', target: '/data', read_only: true }] });
    const { spec } = convert(
      svc,
      {},
      {
        volumes: {
          data: {
            name: 'shop_data',
            driver: 'local',
            driver_opts: { type: 'tmpfs', device: 'tmpfs' },
            labels: { keep: 'yes' },
          },
        },
      },
    );
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      {
        Type: 'volume',
        Source: 'shop_data',
        Target: '/data',
        ReadOnly: true,
        VolumeOptions: {
          Labels: {
            keep: 'yes',
            'com.docker.compose.project': 'shop',
            'com.docker.compose.version': expect.any(String),
            'com.docker.compose.volume': 'data',
            'com.docker.stack.namespace': 'shop',
          },
          DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } },
        },
      },
    ]);
  });

  it('uses an external volume by name, without driver or labels', () => {
    const svc = service({ volumes: [{ type: 'volume', source: 'data', target: '/data' }] });
    const { spec } = convert(svc, {}, { volumes: { data: { name: 'shared', external: true } } });
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'volume', Source: 'shared', Target: '/data', VolumeOptions: {} },
    ]);
  });

  it('mounts binds as given and warns that the path must exist on every node', () => {
    const { spec, warnings } = convert(service({ volumes: [{ type: 'bind', source: '/srv/conf', target: '/conf' }] }));
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([{ Type: 'bind', Source: '/srv/conf', Target: '/conf' }]);
    expect(warnings).toEqual([
      'service "web": bind mount /srv/conf must exist on every node the service runs on (Swarm does not create it)',
    ]);
  });

  it('turns the tmpfs list into tmpfs mounts with size and mode', () => {
    const { spec } = convert(service({ tmpfs: ['/run', '/cache:size=1048576,mode=1777'] }));
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'tmpfs', Target: '/run' },
      { Type: 'tmpfs', Target: '/cache', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } },
    ]);
  });
});

describe('swarmService: deploy', () => {
  it('runs one replica by default, deploy.replicas when given, else scale', () => {
    expect(convert(service()).spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(convert(service({ deploy: { replicas: 3 }, scale: 2 })).spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(convert(service({ scale: 2 })).spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
  });

  it('maps global and the job modes; a replicated job runs `replicas` completions', () => {
    expect(convert(service({ deploy: { mode: 'global' } }))).toMatchObject({
      mode: 'global',
      spec: { Mode: { Global: {} } },
    });
    expect(convert(service({ deploy: { mode: 'global-job' } }))).toMatchObject({
      mode: 'global-job',
      spec: { Mode: { GlobalJob: {} } },
    });
    expect(convert(service({ deploy: { mode: 'replicated-job', replicas: 4 } })).spec.Mode).toEqual({
      ReplicatedJob: { MaxConcurrent: 4, TotalCompletions: 4 },
    });
  });

  it('refuses replicas with a global mode, and unknown modes', () => {
    expect(() => convert(service({ deploy: { mode: 'global', replicas: 2 } }))).toThrow(
      'service "web": deploy.replicas cannot be used with mode global',
    );
    expect(() => convert(service({ deploy: { mode: 'sometimes' } }))).toThrow(/deploy.mode "sometimes"/);
  });

  it('maps update_config and rollback_config, with a parallelism of 1 unless given', () => {
    const { spec } = convert(
      service({
        deploy: {
          update_config: {
            order: 'start-first',
            delay: '2s',
            failure_action: 'rollback',
            monitor: '1s',
            max_failure_ratio: 0.5,
          },
          rollback_config: { parallelism: 0 },
        },
      }),
    );
    expect(spec.UpdateConfig).toEqual({
      Parallelism: 1,
      Delay: 2e9,
      FailureAction: 'rollback',
      Monitor: 1e9,
      MaxFailureRatio: 0.5,
      Order: 'start-first',
    });
    expect(spec.RollbackConfig).toEqual({ Parallelism: 0 });
  });

  it('maps restart_policy, and translates restart: as docker stack does', () => {
    expect(
      convert(
        service({
          deploy: { restart_policy: { condition: 'on-failure', delay: '3s', max_attempts: 2, window: '1m' } },
        }),
      ).spec.TaskTemplate.RestartPolicy,
    ).toEqual({ Condition: 'on-failure', Delay: 3e9, MaxAttempts: 2, Window: 60e9 });
    expect(convert(service({ restart: 'unless-stopped' })).spec.TaskTemplate.RestartPolicy).toEqual({
      Condition: 'any',
    });
    expect(convert(service({ restart: 'on-failure:5' })).spec.TaskTemplate.RestartPolicy).toEqual({
      Condition: 'on-failure',
      MaxAttempts: 5,
    });
    expect(convert(service({ restart: 'no' })).spec.TaskTemplate.RestartPolicy).toEqual({ Condition: 'none' });
  });

  it('maps placement constraints, spread preferences, max replicas per node and the platform', () => {
    const { spec } = convert(
      service({
        platform: 'linux/arm64',
        deploy: {
          placement: {
            constraints: ['node.role == worker'],
            preferences: [{ spread: 'node.labels.zone' }],
            max_replicas_per_node: 2,
          },
        },
      }),
    );
    expect(spec.TaskTemplate.Placement).toEqual({
      Constraints: ['node.role == worker'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
      MaxReplicas: 2,
      Platforms: [{ OS: 'linux', Architecture: 'arm64' }],
    });
  });

  it('maps limits and reservations, falling back to the legacy cpus, mem_limit, mem_reservation and pids_limit', () => {
    expect(
      convert(
        service({
          deploy: {
            resources: { limits: { cpus: 0.5, memory: 1024, pids: 10 }, reservations: { cpus: 0.25, memory: 512 } },
          },
        }),
      ).spec.TaskTemplate.Resources,
    ).toEqual({
      Limits: { NanoCPUs: 5e8, MemoryBytes: 1024, Pids: 10 },
      Reservations: { NanoCPUs: 2.5e8, MemoryBytes: 512 },
    });
    expect(
      convert(service({ cpus: 1.5, mem_limit: 2048, mem_reservation: 100, pids_limit: 7 })).spec.TaskTemplate.Resources,
    ).toEqual({
      Limits: { NanoCPUs: 1.5e9, MemoryBytes: 2048, Pids: 7 },
      Reservations: { MemoryBytes: 100 },
    });
  });

  it('reserves GPUs as the generic resource NVIDIA-GPU: a count, or the named devices', () => {
    const counted = convert(
      service({
        deploy: { resources: { reservations: { devices: [{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }] } } },
      }),
    );
    expect(counted.spec.TaskTemplate.Resources?.Reservations?.GenericResources).toEqual([
      { DiscreteResourceSpec: { Kind: 'NVIDIA-GPU', Value: 2 } },
    ]);
    const named = convert(
      service({
        deploy: {
          resources: { reservations: { devices: [{ capabilities: ['gpu'], device_ids: ['GPU-1', 'GPU-2'] }] } },
        },
      }),
    );
    expect(named.spec.TaskTemplate.Resources?.Reservations?.GenericResources).toEqual([
      { NamedResourceSpec: { Kind: 'NVIDIA-GPU', Value: 'GPU-1' } },
      { NamedResourceSpec: { Kind: 'NVIDIA-GPU', Value: 'GPU-2' } },
    ]);
    const generic = convert(
      service({
        deploy: {
          resources: { reservations: { generic_resources: [{ discrete_resource_spec: { kind: 'SSD', value: 1 } }] } },
        },
      }),
    );
    expect(generic.spec.TaskTemplate.Resources?.Reservations?.GenericResources).toEqual([
      { DiscreteResourceSpec: { Kind: 'SSD', Value: 1 } },
    ]);
  });

  it('refuses GPU reservations Swarm cannot express: all devices, or a device that is not a GPU', () => {
    expect(() =>
      convert(
        service({
          deploy: {
            resources: { reservations: { devices: [{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }] } },
          },
        }),
      ),
    ).toThrow(/service "web": deploy.resources.reservations.devices\[0\]: Swarm reserves GPUs by number/);
    expect(() =>
      convert(
        service({
          deploy: { resources: { reservations: { devices: [{ driver: 'tpu', count: 1, capabilities: ['tpu'] }] } } },
        }),
      ),
    ).toThrow(/reserves only GPUs/);
  });

  it('publishes ports in ingress or host mode, sorted, and sets the endpoint mode', () => {
    const { spec } = convert(
      service({
        ports: [
          { target: 443, published: '8443', protocol: 'tcp', mode: 'host' },
          { target: 80, published: '8080', protocol: 'tcp', mode: 'ingress' },
          { target: 53, protocol: 'udp', mode: 'ingress' },
        ],
        deploy: { endpoint_mode: 'vip' },
      }),
    );
    expect(spec.EndpointSpec).toEqual({
      Mode: 'vip',
      Ports: [
        { Protocol: 'udp', TargetPort: 53, PublishMode: 'ingress' },
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
      ],
    });
    expect(convert(service({ deploy: { endpoint_mode: 'dnsrr' } })).spec.EndpointSpec).toEqual({ Mode: 'dnsrr' });
  });

  it('refuses a published port range, which Swarm cannot publish', () => {
    expect(() =>
      convert(service({ ports: [{ target: 80, published: '8000-8010', protocol: 'tcp', mode: 'ingress' }] })),
    ).toThrow('service "web": ports[0]: Swarm publishes single ports, not the range "8000-8010"');
  });

  it('attaches the service to its networks by engine name, with its name as an alias, sorted', () => {
    const svc = service({ networks: { front: { aliases: ['www'] }, back: null } });
    const { spec } = convert(
      svc,
      {},
      { networks: { front: { name: 'shop_front' }, back: { name: 'shared-back', external: true } } },
    );
    expect(spec.TaskTemplate.Networks).toEqual([
      { Target: 'shared-back', Aliases: ['web'] },
      { Target: 'shop_front', Aliases: ['www', 'web'] },
    ]);
  });
});

describe('swarmService: hashes', () => {
  it('gives the same hashes for the same service, whatever the order of its maps', () => {
    const a = convert(service({ environment: { A: '1', B: '2' }, labels: { x: '1', y: '2' } }));
    const b = convert(service({ labels: { y: '2', x: '1' }, environment: { B: '2', A: '1' } }));
    expect([a.specHash, a.taskHash]).toEqual([b.specHash, b.taskHash]);
  });

  it('changes both hashes when the container changes, and only the spec hash when the replica count does', () => {
    const base = convert(service());
    const env = convert(service({ environment: { A: '1' } }));
    const scaled = convert(service({ deploy: { replicas: 3 } }));
    expect(env.specHash).not.toBe(base.specHash);
    expect(env.taskHash).not.toBe(base.taskHash);
    expect(scaled.specHash).not.toBe(base.specHash);
    expect(scaled.taskHash).toBe(base.taskHash);
  });
});

describe('desiredStack', () => {
  const secretProject = (content: string) =>
    project([service({ secrets: [{ source: 'token' }] })], {
      secrets: { token: { name: 'shop_token', content }, unused: { name: 'shop_unused', content: 'x' } },
      configs: {},
    });

  it('names each used secret by its content, so a new content is a new secret; unused ones are left out', () => {
    const one = desiredStack({ project: secretProject('a'), environment: {} });
    const two = desiredStack({ project: secretProject('b'), environment: {} });
    expect(one.secrets.map((s) => s.key)).toEqual(['token']);
    expect(one.secrets[0].name).toMatch(/^shop_token-[0-9a-f]{12}$/);
    expect(two.secrets[0].name).not.toBe(one.secrets[0].name);
    expect(one.byKey.web.spec.TaskTemplate.ContainerSpec.Secrets?.[0].SecretName).toBe(one.secrets[0].name);
    expect(two.byKey.web.specHash).not.toBe(one.byKey.web.specHash);
  });

  it('reads environment-backed secrets from the project environment, and fails naming a missing variable', () => {
    const p = project([service({ secrets: [{ source: 'token' }] })], {
      secrets: { token: { name: 'shop_token', environment: 'TOKEN' } },
    });
    expect(desiredStack({ project: p, environment: { TOKEN: 't' } }).secrets[0].data?.toString()).toBe('t');
    expect(() => desiredStack({ project: p, environment: {} })).toThrow(
      'secret "token": environment variable "TOKEN" is not set',
    );
  });

  it('uses an external secret by its name, unhashed', () => {
    const p = project([service({ secrets: [{ source: 'token' }] })], {
      secrets: { token: { name: 'prod-token', external: true } },
    });
    expect(desiredStack({ project: p, environment: {} }).secrets).toMatchObject([
      { name: 'prod-token', external: true },
    ]);
  });

  it('lists only the networks some service uses', () => {
    const p = project([service()], { networks: { default: { name: 'shop_default' }, spare: { name: 'shop_spare' } } });
    expect(desiredStack({ project: p, environment: {} }).networks.map((n) => n.name)).toEqual(['shop_default']);
  });
});

describe('unsupportedAttributes', () => {
  it('names the service and each attribute Swarm ignores, never dropping one silently', () => {
    const warnings = unsupportedAttributes(
      service({
        container_name: 'web',
        privileged: true,
        network_mode: 'host',
        cap_add: ['NET_ADMIN'],
        depends_on: { db: { condition: 'service_started', required: true } },
        build: { context: '/src' },
      }),
    );
    expect(warnings.map((w) => w.replace(/ \(.*\)$/, ''))).toEqual([
      'service "web": container_name is ignored by Swarm',
      'service "web": privileged is ignored by Swarm',
      'service "web": network_mode is ignored by Swarm',
      'service "web": depends_on is ignored by Swarm',
      'service "web": build is ignored by Swarm',
    ]);
  });

  it('warns that a host address on a port cannot be honoured, and about fixed addresses on networks', () => {
    const warnings = unsupportedAttributes(
      service({
        ports: [{ target: 80, published: '8080', host_ip: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }],
        networks: { default: { ipv4_address: '10.0.0.9' } },
      }),
    );
    expect(warnings).toEqual([
      'service "web": networks.default.ipv4_address is ignored by Swarm (it assigns addresses itself)',
      'service "web": ports[0] asks for host address 127.0.0.1, which Swarm cannot honour: port 8080 is published on every address of every node',
    ]);
  });

  it('warns about the healthcheck and mount options this Engine API cannot carry', () => {
    const warnings = unsupportedAttributes(
      service({
        healthcheck: { test: ['CMD', 'true'], start_interval: '1s' },
        volumes: [
          { type: 'volume', source: 'data', target: '/data', volume: { subpath: 'sub' } },
          { type: 'bind', source: '/srv', target: '/srv', bind: { selinux: 'z' } },
        ],
      }),
    );
    expect(warnings.map((w) => w.replace(/ \(.*\)$/, ''))).toEqual([
      'service "web": healthcheck.start_interval is ignored by Swarm',
      'service "web": volumes[0].volume.subpath is ignored by Swarm',
      'service "web": volumes[1].bind.selinux is ignored by Swarm',
    ]);
  });

  it('says nothing for a service Swarm runs as written', () => {
    expect(
      unsupportedAttributes(
        service({
          init: true,
          cap_add: ['NET_ADMIN'],
          ulimits: { nofile: { soft: 1, hard: 2 } },
          deploy: { replicas: 2 },
        }),
      ),
    ).toEqual([]);
  });
});
