import { afterEach, describe, expect, it } from 'vitest';
import { nanos } from './engine-time.js';
import { idsByName, useProject, type TestProject } from './harness.js';

describe('create, start, stop, restart, rm and ps', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('create makes containers without starting them; start starts them, dependencies first', async () => {
    project = await useProject('lifecycle');
    expect((await project.cli(['create'])).code).toBe(0);
    expect((await project.containers()).map((c) => c.State).sort()).toEqual(['created', 'created']);
    expect((await project.cli(['start'])).code).toBe(0);
    const cache = await project.engine.getContainer((await project.containers('cache'))[0].Id).inspect();
    const web = await project.engine.getContainer((await project.containers('web'))[0].Id).inspect();
    expect(nanos(web.State.StartedAt)).toBeGreaterThan(nanos(cache.State.StartedAt));
    expect([cache.State.Running, web.State.Running]).toEqual([true, true]);
  });

  it('stop keeps the containers, restart restarts them in place, rm removes only stopped ones', async () => {
    project = await useProject('lifecycle');
    await project.up();
    const ids = await idsByName(project);
    expect((await project.cli(['stop', 'web'])).code).toBe(0);
    const states = Object.fromEntries(
      (await project.containers()).map((c) => [c.Labels['com.docker.compose.service'], c.State]),
    );
    expect(states).toEqual({ web: 'exited', cache: 'running' });

    const before = await project.engine.getContainer(ids[`${project.name}-cache-1`]).inspect();
    expect((await project.cli(['restart', 'cache'])).code).toBe(0);
    const after = await project.engine.getContainer(ids[`${project.name}-cache-1`]).inspect();
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);

    expect((await project.cli(['rm', '-f'])).code).toBe(0);
    expect(Object.keys(await idsByName(project))).toEqual([`${project.name}-cache-1`]);
    expect((await project.cli(['rm', '-f', '-s'])).code).toBe(0);
    expect(await project.containers()).toHaveLength(0);
  });

  it("ps lists the project's containers in every output form", async () => {
    project = await useProject('lifecycle');
    await project.up();
    await project.cli(['stop', 'web']);
    const rows = (stdout: string) =>
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { Service: string; State: string });
    const running = await project.cli(['ps', '--format', 'json']);
    expect(rows(running.stdout).map((c) => [c.Service, c.State])).toEqual([['cache', 'running']]);
    const all = rows((await project.cli(['ps', '-a', '--format', 'json'])).stdout);
    expect(all.map((c) => c.Service)).toEqual(['cache', 'web']);
    const ids = await idsByName(project);
    expect((await project.cli(['ps', '-a', '-q'])).stdout.trim().split('\n').sort()).toEqual(Object.values(ids).sort());
    expect((await project.cli(['ps', '--services', '-a'])).stdout).toBe('cache\nweb\n');
    expect((await project.cli(['ps', '--status', 'exited', '--services'])).stdout).toBe('web\n');
    const table = (await project.cli(['ps'])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$/);
    expect(table[1]).toMatch(new RegExp(`^${project.name}-cache-1 +busybox +"sleep 3600" +cache `));
  });

  it('an unknown service is an error naming the known ones, for every command that takes services', async () => {
    project = await useProject('lifecycle');
    for (const command of ['up', 'stop', 'start', 'restart', 'rm', 'ps', 'create']) {
      const result = await project.cli([command, 'nope']);
      expect({ command, code: result.code }).toEqual({ command, code: 1 });
      expect(result.stderr).toMatch(/no such service: "nope" \(services: (web, cache|cache, web)\)/);
    }
    expect(await project.containers()).toHaveLength(0);
  });
});
