import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('exit codes as Compose gives them', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('an unknown service name exits 1 and names the known ones, for every command that takes services', async () => {
    project = await useProject('cli-two');
    for (const args of [['up', '-d'], ['stop'], ['ps'], ['pause'], ['logs'], ['kill'], ['exec', '-T'], ['scale']]) {
      const nope = args[0] === 'scale' ? 'nope=1' : 'nope';
      const result = await project.cli([...args, nope, ...(args[0] === 'exec' ? ['true'] : [])]);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr).toContain('no such service: "nope" (services: web, worker)');
    }
    expect(await project.containers()).toHaveLength(0);
  });

  it('pause of a service without a running container does nothing and succeeds', async () => {
    project = await useProject('cli-two');
    await project.up();
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).stop();
    const result = await project.cli(['pause', 'worker']);
    expect(result.code).toBe(0);
    expect((await project.engine.getContainer(worker.Id).inspect()).State.Status).toBe('exited');
  });

  it('pausing an already paused container is an error that says so, and pauses nothing else', async () => {
    project = await useProject('cli-two');
    await project.up();
    const [web] = await project.containers('web');
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(web.Id).pause();
    const result = await project.cli(['pause']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`container ${project.name}-web-1 is already paused`);
    expect((await project.engine.getContainer(worker.Id).inspect()).State.Paused).toBe(false);
  });
});
