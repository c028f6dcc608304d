import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { useProject, type TestProject } from './harness.js';

async function replicas(project: TestProject, service: string): Promise<Record<string, string>> {
  const list = await project.containers(service);
  return Object.fromEntries(list.map((c) => [c.Labels[Label.containerNumber], `${c.Id} ${c.State}`]));
}

describe('scale', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('scale SERVICE=N adds replicas numbered on from the highest, and scaling down removes the highest first', async () => {
    project = await useProject('cli-two');
    await project.up();
    const first = await replicas(project, 'web');
    expect((await project.cli(['scale', 'web=3'])).code).toBe(0);
    const three = await replicas(project, 'web');
    expect(Object.keys(three).sort()).toEqual(['1', '2', '3']);
    expect(three['1']).toBe(first['1']);
    for (const c of Object.values(three)) expect(c).toMatch(/ running$/);

    expect((await project.cli(['scale', 'web=1', 'worker=0'])).code).toBe(0);
    expect(await replicas(project, 'web')).toEqual(first);
    expect(await replicas(project, 'worker')).toEqual({});
  });

  it('scale starts what the service depends on, unless --no-deps', async () => {
    project = await useProject('cli-two');
    expect((await project.cli(['scale', '--no-deps', 'worker=2'])).code).toBe(0);
    expect(Object.keys(await replicas(project, 'worker')).sort()).toEqual(['1', '2']);
    expect(await replicas(project, 'web')).toEqual({});

    expect((await project.cli(['scale', 'worker=1'])).code).toBe(0);
    expect(Object.keys(await replicas(project, 'web'))).toEqual(['1']);
    expect(Object.keys(await replicas(project, 'worker'))).toEqual(['1']);
  });

  it('scale refuses an argument that is not SERVICE=N, more than 1000 replicas, and an unknown service, before changing anything', async () => {
    project = await useProject('cli-two');
    const bad = await project.cli(['scale', 'web']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('scale expects SERVICE=REPLICAS, got "web"');
    const huge = await project.cli(['scale', 'web=1001']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('scale web=1001: at most 1000 replicas of a service');
    const unknown = await project.cli(['scale', 'nope=2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope"');
    expect(await project.containers()).toHaveLength(0);
  });
});
