// berth on Podman's Docker-compatible API (run by `npm run test:podman`; on Docker the same
// steps must hold too). Podman without systemd runs no healthcheck: berth probes them itself.
import { afterEach, describe, expect, it } from 'vitest';
import { engineCapabilities } from '../../src/engine/capabilities.js';
import { Label } from '../../src/model/labels.js';
import { idsByName, namedLike, useProject, type TestProject } from './harness.js';

/** The engine's start time of a container that never started. */
const NEVER_STARTED = '0001-01-01T00:00:00Z';

describe('berth on the test engine (Podman under npm run test:podman)', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  it('two healthchecked services, one depending on the other being healthy, come up with up -d --wait, list, log, stay unchanged on a second up, and go with down', async () => {
    project = await useProject('podman-healthy');
    const up = await project.cli(['up', '-d', '--wait', '--wait-timeout', '60']);
    expect(up.stderr).not.toMatch(/^error:/m);
    expect(up.code).toBe(0);
    // Said once, and only where the engine runs no probe itself.
    const ownProbes = up.stderr.match(/berth runs each service's healthcheck itself/g) ?? [];
    expect(ownProbes).toHaveLength((await engineCapabilities(project.engine)).name === 'Podman Engine' ? 1 : 0);
    const running = await project.containers();
    expect(running.map((c) => c.Labels[Label.service]).sort()).toEqual(['db', 'web']);
    expect(running.every((c) => c.State === 'running')).toBe(true);
    // web started only after db's healthcheck passed, which means after db's command had run.
    const [db, web] = await Promise.all(
      ['db', 'web'].map(async (s) => project!.engine.getContainer((await project!.containers(s))[0].Id).inspect()),
    );
    expect(Date.parse(web.State.StartedAt)).toBeGreaterThan(Date.parse(db.State.StartedAt));

    const ps = await project.cli(['ps', '--format', '{{.Service}} {{.State}}']);
    expect(ps.code).toBe(0);
    expect(ps.stdout.trim().split('\n').sort()).toEqual(['db running', 'web running']);

    const logs = await project.cli(['logs', '--no-log-prefix']);
    expect(logs.code).toBe(0);
    expect(logs.stdout.split('\n').sort()).toEqual(expect.arrayContaining(['db says hello', 'web says hello']));

    const before = await idsByName(project);
    const again = await project.cli(['up', '-d', '--wait', '--wait-timeout', '60']);
    expect(again.code).toBe(0);
    expect(await idsByName(project)).toEqual(before);

    const down = await project.cli(['down']);
    expect(down.code).toBe(0);
    expect(await namedLike(project)).toHaveLength(0);
    const filters = { label: [`${Label.project}=${project.name}`] };
    expect(await project.engine.listNetworks({ filters })).toHaveLength(0);
    expect(
      await project.engine.listContainers({ all: true, filters: { name: [`berth-lock-${project.name}`] } }),
    ).toEqual([]);
  });

  it('a service_healthy dependency whose healthcheck keeps failing fails up, naming it as unhealthy, and its dependent never starts', async () => {
    project = await useProject('podman-unhealthy');
    const up = await project.cli(['up', '-d', '--wait', '--wait-timeout', '60']);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toMatch(/\bdb\b.*unhealthy|unhealthy.*\bdb\b/);
    const [app] = await project.containers('app');
    const startedAt = app && (await project.engine.getContainer(app.Id).inspect()).State.StartedAt;
    expect(startedAt ?? NEVER_STARTED).toBe(NEVER_STARTED);
  });

  it('a GPU reservation reaches the container as the engine takes GPUs, or fails up before anything is created, naming the service and its CDI devices, where the engine API takes no CDI', async () => {
    project = await useProject('podman-gpu');
    const engine = await engineCapabilities(project.engine);
    const up = await project.cli(['up', '-d']);
    if (engine.cdiRefusal) {
      // Podman before 5.4: even with the CDI spec in place its Docker API cannot take the devices.
      expect(up.code).not.toBe(0);
      const errors = up.stderr.split('\n').filter((line) => line.includes('CDI'));
      expect(errors).toEqual([
        expect.stringContaining(`service "train": GPUs on Podman are CDI devices (here nvidia.com/gpu=0), but Podman`),
      ]);
      expect(up.stderr).not.toMatch(/stat nvidia\.com/);
      expect(await project.containers()).toEqual([]);
      expect(await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } })).toEqual(
        [],
      );
      return;
    }
    expect(up.code).toBe(0);
    // The progress output names the devices asked for, and on Podman the CDI names they became.
    expect(up.stderr).toMatch(/GPUs: nvidia, device 0/);
    if (engine.cdiGpus) expect(up.stderr).toMatch(/GPUs requested as CDI devices: nvidia\.com\/gpu=0/);
    // Docker's NVIDIA hook, or Podman's CDI edits from the test bed's spec, set the main process's environment.
    const environOf = async (service: string) =>
      project!.exec((await project!.containers(service))[0].Id, ['cat', '/proc/1/environ']);
    expect((await environOf('train')).split('\0')).toContain('NVIDIA_VISIBLE_DEVICES=0');
    expect(await environOf('web')).not.toMatch(/NVIDIA_VISIBLE_DEVICES/);
  });
});
