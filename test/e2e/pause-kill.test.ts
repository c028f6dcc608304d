import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

async function state(project: TestProject, service: string) {
  const [c] = await project.containers(service);
  return (await project.engine.getContainer(c.Id).inspect()).State;
}

describe('pause, unpause and kill', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('pause freezes only the named service, and unpause thaws it', async () => {
    project = await useProject('pause-kill');
    await project.up();
    const paused = await project.cli(['pause', 'web']);
    expect(paused.code).toBe(0);
    expect(await state(project, 'web')).toMatchObject({ Status: 'paused', Paused: true });
    expect(await state(project, 'worker')).toMatchObject({ Status: 'running', Paused: false });

    const unpaused = await project.cli(['unpause']);
    expect(unpaused.code).toBe(0);
    expect(await state(project, 'web')).toMatchObject({ Status: 'running', Paused: false });
  });

  it('pause without services pauses every running container', async () => {
    project = await useProject('pause-kill');
    await project.up();
    expect((await project.cli(['pause'])).code).toBe(0);
    expect((await state(project, 'web')).Paused).toBe(true);
    expect((await state(project, 'worker')).Paused).toBe(true);
  });

  it('unpausing a running service or naming an unknown service fails; pausing a stopped one does nothing', async () => {
    project = await useProject('pause-kill');
    await project.up();
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).stop();

    const stopped = await project.cli(['pause', 'worker']);
    expect(stopped.code).toBe(0);
    expect(await state(project, 'worker')).toMatchObject({ Status: 'exited', Paused: false });
    const notPaused = await project.cli(['unpause', 'web']);
    expect(notPaused.code).toBe(1);
    expect(notPaused.stderr).toMatch(/service "web": container .*-web-1 is not paused/);
    const unknown = await project.cli(['pause', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no such service: "nosuch" \(services: web, worker\)/);
    expect((await state(project, 'web')).Status).toBe('running');
  });

  it('kill sends SIGKILL to every running container by default', async () => {
    project = await useProject('pause-kill');
    await project.up();
    const result = await project.cli(['kill']);
    expect(result.code).toBe(0);
    for (const service of ['web', 'worker'])
      expect(await state(project, service)).toMatchObject({ Status: 'exited', ExitCode: 137 });
  });

  it('kill -s SIGTERM stops an init: true container through its init, and leaves other services running', async () => {
    project = await useProject('pause-kill');
    await project.up();
    const result = await project.cli(['kill', '-s', 'SIGTERM', 'web']);
    expect(result.code).toBe(0);
    // The signal is delivered at once; the container exits when sleep has handled it.
    await expect.poll(async () => (await state(project, 'web')).Status, { timeout: 10_000 }).toBe('exited');
    expect((await state(project, 'web')).ExitCode).toBe(143);
    expect((await state(project, 'worker')).Status).toBe('running');
  });

  it('kill leaves orphan containers alone unless --remove-orphans is given', async () => {
    project = await useProject('pause-kill');
    await project.up();
    project.write(
      'compose.yaml',
      'services:\n  web:\n    image: busybox\n    command: ["sleep", "3600"]\n    init: true\n',
    );
    expect((await project.cli(['kill'])).code).toBe(0);
    expect((await state(project, 'web')).Status).toBe('exited');
    expect((await state(project, 'worker')).Status).toBe('running');

    expect((await project.cli(['kill', '--remove-orphans'])).code).toBe(0);
    expect((await state(project, 'worker')).Status).toBe('exited');
  });

  it('kill of a stopped service says there is no container to kill and succeeds, as Compose; an unknown one fails', async () => {
    project = await useProject('pause-kill');
    await project.up();
    expect((await project.cli(['kill', 'web'])).code).toBe(0);
    const worker = (await project.containers('worker'))[0].Id;
    const stopped = await project.cli(['kill', 'web']);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/no container to kill/);
    expect((await project.containers('worker'))[0]).toMatchObject({ Id: worker, State: 'running' });
    const unknown = await project.cli(['kill', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/services: web, worker/);
    expect((await project.cli(['kill'])).code).toBe(0);
    const nothing = await project.cli(['kill']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/no container to kill/);
  });

  it('kill with a signal the engine does not know fails and names the signal', async () => {
    project = await useProject('pause-kill');
    await project.up();
    const result = await project.cli(['kill', '-s', 'SIGNOPE', 'web']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot kill .*-web-1 with SIGNOPE/);
    expect((await state(project, 'web')).Status).toBe('running');
  });
});
