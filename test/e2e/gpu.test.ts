import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('GPU device requests', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /**
   * The environment of the container's main process. The engine's NVIDIA driver adds
   * NVIDIA_VISIBLE_DEVICES to the process spec only, so an `exec env` session does not show it.
   */
  async function mainProcessEnv(id: string): Promise<Record<string, string>> {
    const raw = await project.exec(id, ['cat', '/proc/1/environ']);
    return Object.fromEntries(
      raw
        .split('\0')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  }

  it('GPU reservations and gpus: must reach the engine as DeviceRequests, so NVIDIA_VISIBLE_DEVICES is set in the container', async () => {
    project = await useProject('gpu');
    await project.up();

    const only = async (service: string) => {
      const containers = await project.containers(service);
      expect(containers).toHaveLength(1);
      const info = await project.engine.getContainer(containers[0].Id).inspect();
      expect(info.State.Running).toBe(true);
      return { requests: info.HostConfig.DeviceRequests, env: await mainProcessEnv(info.Id) };
    };

    // deploy.resources.reservations.devices, count: all
    const all = await only('all-gpus');
    expect(all.requests).toHaveLength(1);
    expect(all.requests![0]).toMatchObject({ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] });
    expect(all.requests![0].DeviceIDs ?? []).toEqual([]);
    expect(all.env.NVIDIA_VISIBLE_DEVICES).toBe('all');

    // device_ids: a list of devices, and no count
    const two = await only('two-gpus');
    expect(two.requests).toHaveLength(1);
    expect(two.requests![0]).toMatchObject({ Driver: 'nvidia', DeviceIDs: ['0', '1'], Capabilities: [['gpu']] });
    expect(two.requests![0].Count ?? 0).toBe(0);
    expect(two.env.NVIDIA_VISIBLE_DEVICES).toBe('0,1');

    // gpus: all (service level), with "gpu" as its capability and no driver named
    const shorthand = await only('gpus-shorthand');
    expect(shorthand.requests).toHaveLength(1);
    expect(shorthand.requests![0]).toMatchObject({ Count: -1, Capabilities: [['gpu']] });
    expect(shorthand.requests![0].Driver ?? '').toBe('');
    expect(shorthand.env.NVIDIA_VISIBLE_DEVICES).toBe('all');
  });

  it("a device request the engine has no driver for must fail up with the engine's reason and the service name", async () => {
    project = await useProject('gpu-unknown-driver');
    const error = await project.up().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error, 'up should have rejected').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/\btrainer\b/);
    expect(error!.message).toMatch(/could not select device driver "no-such-vendor"/);
    for (const c of await project.containers('trainer')) expect(c.State).not.toBe('running');
  });
});
