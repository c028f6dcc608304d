// What berth does differently on Podman: the capabilities read from /version, GPUs as CDI device
// names, and the health berth probes itself where the engine runs no healthcheck.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../src/engine/capabilities.js';
import { cdiGpuDevices, deviceRequests, resourceSettings } from '../../src/engine/convert-resources.js';
import { ServiceError } from '../../src/errors.js';
import { engineRunsNoProbe, nextHealth, probeSettings } from '../../src/engine/health-fallback.js';
import type { Service } from '../../src/model/types.js';

const podmanVersion = { Components: [{ Name: 'Podman Engine', Version: '4.3.1' }, { Name: 'Conmon' }] };
const dockerVersion = { Components: [{ Name: 'Engine' }, { Name: 'containerd' }] };

describe('engine capabilities', () => {
  it('Podman is told by its /version component: no Swarm, CDI GPUs, and its 500 "name is already in use" is a name conflict', () => {
    const podman = capabilitiesOf(podmanVersion);
    expect(podman).toMatchObject({ name: 'Podman Engine', swarm: false, cdiGpus: true });
    const taken = Object.assign(new Error('x'), {
      statusCode: 500,
      json: {
        message: 'container create: the container name "p" is already in use by 1a: that name is already in use',
      },
    });
    expect(podman.isNameConflict(taken)).toBe(true);
    expect(
      podman.isNameConflict(Object.assign(new Error('x'), { statusCode: 500, json: { message: 'disk full' } })),
    ).toBe(false);
  });

  it('only Podman 5.4 and later take CDI devices through the Docker-compatible API', () => {
    const podman = (version: string) => capabilitiesOf({ Components: [{ Name: 'Podman Engine', Version: version }] });
    for (const old of ['4.3.1', '4.9.3', '5.3.2']) {
      expect(podman(old).cdiRefusal).toBe(
        `Podman ${old} takes CDI devices only through its own CLI and API, not the Docker-compatible API berth uses (Podman 5.4 and later do)`,
      );
    }
    for (const able of ['5.4.0', '5.6.1', '6.0.0']) expect(podman(able).cdiRefusal).toBeUndefined();
    expect(capabilitiesOf({ Components: [{ Name: 'Engine', Version: '20.10.0' }] }).cdiRefusal).toBeUndefined();
  });

  it('Docker, or an engine that names no component, keeps Swarm and device requests, and only a 409 is a conflict', () => {
    for (const caps of [capabilitiesOf(dockerVersion), capabilitiesOf({})]) {
      expect(caps).toMatchObject({ name: 'Docker Engine', swarm: true, cdiGpus: false });
      expect(caps.isNameConflict(Object.assign(new Error('x'), { statusCode: 409 }))).toBe(true);
      expect(
        caps.isNameConflict(
          Object.assign(new Error('x'), { statusCode: 500, json: { message: 'name is already in use' } }),
        ),
      ).toBe(false);
    }
  });
});

describe('GPUs as CDI devices', () => {
  const reserve = (devices: NonNullable<Service['gpus']>): Service => ({
    name: 'train',
    deploy: { resources: { reservations: { devices } } },
  });

  it('count all, a count, device IDs, and gpus: become nvidia.com/gpu names', () => {
    expect(cdiGpuDevices(reserve([{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }]))).toEqual([
      'nvidia.com/gpu=all',
    ]);
    expect(cdiGpuDevices(reserve([{ driver: 'nvidia', count: 2, capabilities: ['gpu'] }]))).toEqual([
      'nvidia.com/gpu=0',
      'nvidia.com/gpu=1',
    ]);
    expect(cdiGpuDevices(reserve([{ capabilities: ['gpu'], device_ids: ['1', 'GPU-abc'] }]))).toEqual([
      'nvidia.com/gpu=1',
      'nvidia.com/gpu=GPU-abc',
    ]);
    expect(cdiGpuDevices({ name: 'ml', gpus: [{ device_ids: ['0'] }, { count: -1 }] })).toEqual(['nvidia.com/gpu=all']);
    expect(cdiGpuDevices({ name: 'web' })).toEqual([]);
  });

  it('with cdiGpus the GPUs and CDI devices go as one cdi device request, as Compose sends them; without it, as NVIDIA requests', () => {
    const service = reserve([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    const podman = resourceSettings(service, { cdiGpus: true });
    expect(podman.DeviceRequests).toEqual([{ Driver: 'cdi', DeviceIDs: ['nvidia.com/gpu=0'] }]);
    expect(podman.Devices).toBeUndefined();
    const docker = resourceSettings(service);
    expect(docker.Devices).toBeUndefined();
    expect(docker.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] }]);

    const mixed: Service = {
      ...reserve([{ capabilities: ['gpu'], device_ids: ['1'] }]),
      devices: [
        { source: '/dev/null', target: '/dev/berth-null', permissions: 'rwm' },
        { source: 'vendor.example/fpga=a', target: 'vendor.example/fpga=a', permissions: 'rwm' },
      ],
    };
    const both = resourceSettings(mixed, { cdiGpus: true });
    expect(both.DeviceRequests).toEqual([{ Driver: 'cdi', DeviceIDs: ['vendor.example/fpga=a', 'nvidia.com/gpu=1'] }]);
    expect(both.Devices).toEqual([
      { PathOnHost: '/dev/null', PathInContainer: '/dev/berth-null', CgroupPermissions: 'rwm' },
    ]);
  });

  it('a count with device_ids is refused on Podman as on Docker', () => {
    const service = reserve([{ capabilities: ['gpu'], count: 1, device_ids: ['0'] }]);
    expect(() => resourceSettings(service, { cdiGpus: true })).toThrow(/count and device_ids are mutually exclusive/);
  });

  it('where the engine cannot take CDI, a GPU request is one clear error naming the service; a service without one is untouched', () => {
    const cdiRefusal = capabilitiesOf(podmanVersion).cdiRefusal;
    const service = reserve([{ driver: 'nvidia', count: -1, capabilities: ['gpu'] }]);
    let error: unknown;
    try {
      deviceRequests(service, { cdiGpus: true, cdiRefusal });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toBe(
      'service "train": GPUs on Podman are CDI devices (here nvidia.com/gpu=all), but Podman 4.3.1 takes CDI devices only ' +
        'through its own CLI and API, not the Docker-compatible API berth uses (Podman 5.4 and later do): upgrade Podman, ' +
        'or remove the request (deploy.resources.reservations.devices, gpus, devices)',
    );
    expect(
      resourceSettings(
        { name: 'web', devices: [{ source: '/dev/null', target: '/dev/x', permissions: 'rwm' }] },
        { cdiGpus: true, cdiRefusal },
      ),
    ).toMatchObject({ DeviceRequests: undefined });
  });
});

describe("berth's own health probes", () => {
  const config = (Test: string[], seconds: { interval?: number; timeout?: number; start?: number } = {}) =>
    ({
      Healthcheck: {
        Test,
        Interval: (seconds.interval ?? 1) * 1e9,
        Timeout: (seconds.timeout ?? 2) * 1e9,
        StartPeriod: (seconds.start ?? 0) * 1e9,
        Retries: 3,
      },
    }) as unknown as Docker.ContainerInspectInfo['Config'];
  const state = (health: Partial<NonNullable<Docker.ContainerInspectInfo['State']['Health']>>, startedAt: number) =>
    ({
      State: {
        Running: true,
        StartedAt: new Date(startedAt).toISOString(),
        Health: { Status: 'starting', FailingStreak: 0, Log: null, ...health },
      },
    }) as unknown as Docker.ContainerInspectInfo;

  it('runs CMD as given and CMD-SHELL through sh; the service own test wins over the engine copy; NONE is none', () => {
    expect(probeSettings(config(['CMD', 'test', '-f', '/x']))).toMatchObject({ command: ['test', '-f', '/x'] });
    expect(probeSettings(config(['CMD-SHELL', 'pg_isready || exit 1']))?.command).toEqual([
      '/bin/sh',
      '-c',
      'pg_isready || exit 1',
    ]);
    // Podman 4.3 hands back a CMD test split at spaces; the service's own is used instead.
    const split = config(['CMD', 'python3', '-c', 'import', 'os;']);
    expect(probeSettings(split, ['CMD', 'python3', '-c', 'import os;'])?.command).toEqual([
      'python3',
      '-c',
      'import os;',
    ]);
    expect(probeSettings(config(['NONE']))).toBeUndefined();
    expect(probeSettings(config(['CMD', 'true']))).toMatchObject({ intervalMs: 1000, timeoutMs: 2000, retries: 3 });
  });

  it('takes over only when no probe ran two intervals and a timeout after the start', () => {
    const settings = probeSettings(config(['CMD', 'true'], { interval: 1, timeout: 2, start: 60 }))!;
    const now = Date.now();
    expect(engineRunsNoProbe(state({}, now - 3_000), settings, now)).toBe(false);
    expect(engineRunsNoProbe(state({}, now - 5_000), settings, now)).toBe(true);
    const probed = { Start: '', End: '', ExitCode: 1, Output: '' };
    expect(engineRunsNoProbe(state({ Log: [probed] }, now - 60_000), settings, now)).toBe(false);
    expect(engineRunsNoProbe(state({ Status: 'healthy' }, now - 60_000), settings, now)).toBe(false);
  });

  it('a pass makes healthy; failures count only after the start period, and retries of them make unhealthy', () => {
    const settings = probeSettings(config(['CMD', 'true']))!;
    const fail = { Start: '', End: '', ExitCode: 1, Output: 'no' };
    const pass = { ...fail, ExitCode: 0 };
    const starting = { Status: 'starting', FailingStreak: 0, Log: [] };
    expect(nextHealth(starting, fail, settings, true)).toMatchObject({ Status: 'starting', FailingStreak: 0 });
    let health: Parameters<typeof nextHealth>[0] = starting;
    for (let i = 0; i < 2; i++) health = nextHealth(health, fail, settings, false);
    expect(health).toMatchObject({ Status: 'starting', FailingStreak: 2 });
    expect(nextHealth(health, fail, settings, false)).toMatchObject({ Status: 'unhealthy', FailingStreak: 3 });
    expect(nextHealth(health, pass, settings, false)).toMatchObject({ Status: 'healthy', FailingStreak: 0 });
  });
});
