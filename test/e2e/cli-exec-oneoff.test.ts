import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { useProject, type TestProject } from './harness.js';

/** The service's one-off containers, in name order. */
async function oneOffs(project: TestProject, service: string) {
  return (await project.containers(service))
    .filter((c) => c.Labels[Label.oneoff] === 'True')
    .sort((a, b) => a.Names[0].localeCompare(b.Names[0]));
}

describe('one-off containers for exec and up --remove-orphans', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('exec reaches a one-off container when no service container runs, and --index picks among them', async () => {
    project = await useProject('cli-oneoff');
    await project.up({ services: ['web'] });
    for (let i = 0; i < 2; i++) expect((await project.cli(['run', '-d', 'tool'])).code).toBe(0);
    const [first, second] = await oneOffs(project, 'tool');
    expect([first.State, second.State]).toEqual(['running', 'running']);

    const one = await project.cli(['exec', '-T', 'tool', 'hostname']);
    expect(one).toMatchObject({ code: 0, stdout: `${first.Id.slice(0, 12)}\n` });
    const two = await project.cli(['exec', '-T', '--index', '2', 'tool', 'hostname']);
    expect(two).toMatchObject({ code: 0, stdout: `${second.Id.slice(0, 12)}\n` });
    const three = await project.cli(['exec', '-T', '--index', '3', 'tool', 'hostname']);
    expect(three.code).toBe(1);
    expect(three.stderr).toContain('service "tool" has no running container #3');
  });

  it('up --remove-orphans removes one-off containers that have exited, and keeps those still running', async () => {
    project = await useProject('cli-oneoff');
    await project.up({ services: ['web'] });
    for (let i = 0; i < 2; i++) expect((await project.cli(['run', '-d', 'tool'])).code).toBe(0);
    const [exited, running] = await oneOffs(project, 'tool');
    await project.engine.getContainer(exited.Id).kill();
    await expect.poll(async () => (await project.engine.getContainer(exited.Id).inspect()).State.Status).toBe('exited');

    expect((await project.cli(['up', '-d', '--remove-orphans', 'web'])).code).toBe(0);
    expect((await oneOffs(project, 'tool')).map((c) => c.Id)).toEqual([running.Id]);
  });
});
