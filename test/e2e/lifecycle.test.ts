import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { envOf, idsByName, useProject, type TestProject } from './harness.js';

describe('up and down lifecycle', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('up creates labelled containers on the default network, and down removes them but keeps named volumes', async () => {
    project = await useProject('lifecycle');
    await project.up();

    const web = (await project.containers('web'))[0];
    expect(web.State).toBe('running');
    expect(web.Names[0]).toBe(`/${project.name}-web-1`);
    expect(web.Labels[Label.project]).toBe(project.name);
    expect(web.Labels[Label.containerNumber]).toBe('1');
    expect(web.Labels[Label.oneoff]).toBe('False');
    expect(web.Labels[Label.configHash]).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(web.NetworkSettings.Networks)).toEqual([`${project.name}_default`]);
    expect((await envOf(project.engine, web.Id)).GREETING).toBe('hello');

    await project.down();
    expect(await project.containers()).toHaveLength(0);
    const networks = await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(networks).toHaveLength(0);
    const volumes = await project.engine.listVolumes({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(volumes.Volumes.map((v) => v.Name)).toEqual([`${project.name}_data`]);

    await project.down({ volumes: true });
    const after = await project.engine.listVolumes({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(after.Volumes ?? []).toHaveLength(0);
  });

  it('an unchanged up must not recreate containers', async () => {
    project = await useProject('lifecycle');
    await project.up();
    const before = await idsByName(project);
    const again = await project.up();
    expect(again.plan.nodes.filter((n) => n.step.kind !== 'service-ready')).toEqual([]);
    expect(await idsByName(project)).toEqual(before);
  });

  it('a config change recreates only the changed service', async () => {
    project = await useProject('lifecycle');
    await project.up();
    const before = await idsByName(project);
    await project.up({
      load: { environment: { ...process.env, COMPOSE_PROJECT_NAME: project.name, GREETING: 'changed' } },
    });
    const after = await idsByName(project);
    expect(after[`${project.name}-cache-1`]).toBe(before[`${project.name}-cache-1`]);
    expect(after[`${project.name}-web-1`]).not.toBe(before[`${project.name}-web-1`]);
    const web = (await project.containers('web'))[0];
    expect((await envOf(project.engine, web.Id)).GREETING).toBe('changed');
    expect(web.Labels[Label.replace]).toBe(`${project.name}-web-1`);
  });

  it('--force-recreate replaces every container, through the CLI', async () => {
    project = await useProject('lifecycle');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const before = await idsByName(project);
    const result = await project.cli(['up', '-d', '--force-recreate']);
    expect(result.code).toBe(0);
    const after = await idsByName(project);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) expect(after[name]).not.toBe(before[name]);
  });

  it('down SERVICE removes that service and its dependents only; the rest keeps running with its network and volume', async () => {
    project = await useProject('lifecycle');
    await project.up();
    const cache = (await project.containers('cache'))[0];
    expect((await project.cli(['down', '-v', 'web'])).code).toBe(0);
    expect((await project.containers()).map((c) => [c.Id, c.State])).toEqual([[cache.Id, 'running']]);
    await expect(project.engine.getNetwork(`${project.name}_default`).inspect()).resolves.toBeDefined();
    await expect(project.engine.getVolume(`${project.name}_data`).inspect()).resolves.toBeDefined();

    await project.up();
    expect((await project.cli(['down', 'cache'])).code).toBe(0);
    expect(await project.containers()).toHaveLength(0);
    const networks = await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(networks).toHaveLength(0);

    const unknown = await project.cli(['down', 'nope']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no such service: "nope"/);
  });

  it('named volume data survives recreate and down, and down -v removes it', async () => {
    project = await useProject('lifecycle');
    await project.up();
    const cache = (await project.containers('cache'))[0];
    await project.exec(cache.Id, ['sh', '-c', 'echo kept > /data/file']);
    await project.up({ forceRecreate: true });
    await project.down();
    await project.up();
    const again = (await project.containers('cache'))[0];
    expect(again.Id).not.toBe(cache.Id);
    expect(await project.exec(again.Id, ['cat', '/data/file'])).toBe('kept\n');
    await project.down({ volumes: true });
    await project.up();
    const fresh = (await project.containers('cache'))[0];
    await expect(project.exec(fresh.Id, ['cat', '/data/file'])).rejects.toThrow(/No such file/);
  });
});
