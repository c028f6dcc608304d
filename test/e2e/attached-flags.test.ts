// `up` flags from Compose v2 (issue 18 item 6): --all-resources, --compatibility, -y.
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('up flags', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('--all-resources creates the network and volume no service uses', async () => {
    project = await useProject('attached-flags');
    const spare = async () => ({
      network: (await project.engine.listNetworks({ filters: { name: [`${project.name}_spare`] } })).length,
      volume: ((await project.engine.listVolumes({ filters: { name: [`${project.name}_spare`] } })).Volumes ?? [])
        .length,
    });
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    expect(await spare()).toEqual({ network: 0, volume: 0 });
    expect((await project.cli(['up', '-d', '--all-resources'])).code).toBe(0);
    expect(await spare()).toEqual({ network: 1, volume: 1 });
  });

  it('--compatibility names containers as Compose v1 did', async () => {
    project = await useProject('attached-flags');
    expect((await project.cli(['up', '-d', '--compatibility'])).code).toBe(0);
    const [app] = await project.containers('app');
    expect(app.Names).toEqual([`/${project.name}_app_1`]);
    expect(app.State).toBe('running');
  });

  it('keeps a volume whose config changed, and recreates it with -y', async () => {
    project = await useProject('attached-flags');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const [before] = await project.containers('app');
    await project.exec(before.Id, ['sh', '-c', 'echo kept > /data/file']);
    project.write(
      'compose.yaml',
      `services:\n  app:\n    image: busybox\n    init: true\n    command: ["sleep", "300"]\n    volumes:\n      - data:/data\nvolumes:\n  data:\n    labels:\n      tier: fast\n`,
    );
    const kept = await project.cli(['up', '-d']);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toMatch(/volume ".*_data" exists with a different configuration; keeping it/);
    expect(await project.exec(before.Id, ['cat', '/data/file'])).toBe('kept\n');

    expect((await project.cli(['up', '-d', '-y'])).code).toBe(0);
    const [after] = await project.containers('app');
    expect(after.Id).not.toBe(before.Id);
    expect(after.State).toBe('running');
    expect(await project.exec(after.Id, ['ls', '/data'])).toBe('');
    const volume = await project.engine.getVolume(`${project.name}_data`).inspect();
    expect(volume.Labels?.tier).toBe('fast');
  });
});
