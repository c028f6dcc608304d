import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliIn } from './cli-elsewhere.js';
import { useProject, type TestProject } from './harness.js';

describe('commands on existing containers from a folder without a compose file', () => {
  let project: TestProject;
  let empty: string;
  afterEach(async () => {
    rmSync(empty, { recursive: true, force: true });
    await project?.cleanup();
  });

  it('with -p, ps, pause, stop, start, restart, kill, rm, logs and down act on the project its labels describe', async () => {
    project = await useProject('cli-two');
    await project.up();
    empty = mkdtempSync(join(tmpdir(), 'berth-no-compose-'));
    // Only -p names the project: the harness's COMPOSE_PROJECT_NAME is taken away.
    const berth = (...args: string[]) =>
      cliIn(project, empty, ['-p', project.name, ...args], { COMPOSE_PROJECT_NAME: '' });
    const state = async (service: string) => {
      const [c] = await project.containers(service);
      return c ? (await project.engine.getContainer(c.Id).inspect()).State : undefined;
    };

    const ps = await berth('ps', '--format', '{{.Service}}');
    expect(ps).toMatchObject({ code: 0, stdout: 'web\nworker\n' });

    expect((await berth('pause', 'web')).code).toBe(0);
    expect((await state('web'))?.Paused).toBe(true);
    expect((await berth('unpause', 'web')).code).toBe(0);
    expect((await state('web'))?.Paused).toBe(false);

    expect((await berth('stop')).code).toBe(0);
    expect([(await state('web'))?.Status, (await state('worker'))?.Status]).toEqual(['exited', 'exited']);
    expect((await berth('start')).code).toBe(0);
    expect([(await state('web'))?.Status, (await state('worker'))?.Status]).toEqual(['running', 'running']);

    const startedAt = (await state('web'))?.StartedAt;
    expect((await berth('restart', 'web')).code).toBe(0);
    expect((await state('web'))?.StartedAt).not.toBe(startedAt);

    expect((await berth('kill', 'worker')).code).toBe(0);
    expect((await state('worker'))?.Status).toBe('exited');
    expect((await berth('rm', '-f', 'worker')).code).toBe(0);
    expect(await project.containers('worker')).toHaveLength(0);

    expect((await berth('logs', 'web')).code).toBe(0);

    expect((await berth('down')).code).toBe(0);
    expect(await project.containers()).toHaveLength(0);
    const networks = await project.engine.listNetworks({ filters: { name: [`${project.name}_default`] } });
    expect(networks).toHaveLength(0);
  });

  it('without a project name, a folder without a compose file is still an error', async () => {
    project = await useProject('cli-two');
    empty = mkdtempSync(join(tmpdir(), 'berth-no-compose-'));
    const result = await cliIn(project, empty, ['ps'], { COMPOSE_PROJECT_NAME: '' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no configuration file provided/);
  });
});
