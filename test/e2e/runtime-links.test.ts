import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('legacy links', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a link alias (links: ["db:database"]) resolves inside the container to the linked container', async () => {
    project = await useProject('runtime-links');
    const result = await project.cli(['up', '-d']);
    expect(result.code, result.stderr).toBe(0);
    const [db] = await project.containers('db');
    const [app] = await project.containers('app');
    const dbAddress = Object.values((await project.engine.getContainer(db.Id).inspect()).NetworkSettings.Networks)[0]
      .IPAddress;
    expect(dbAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const hosts = await project.exec(app.Id, ['getent', 'hosts', 'database']);
    expect(hosts.split(/\s+/)[0]).toBe(dbAddress);
    // The link names the container, as the engine needs it.
    const networks = (await project.engine.getContainer(app.Id).inspect()).NetworkSettings.Networks;
    expect(Object.values(networks).map((n) => n.Links)).toEqual([[`${project.name}-db-1:database`]]);
  });
});
