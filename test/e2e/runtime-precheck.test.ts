import { afterEach, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { Label } from '../../src/model/labels.js';
import { useProject, type TestProject } from './harness.js';

/** The project's networks: a check that failed before anything changed leaves none. */
async function projectNetworks(project: TestProject): Promise<Docker.NetworkInspectInfo[]> {
  return project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } });
}

describe('up refuses what would fail half-way, before anything changes', () => {
  let project: TestProject;
  let squatter: Docker.Container | undefined;
  afterEach(async () => {
    await squatter?.remove({ force: true });
    squatter = undefined;
    await project?.cleanup();
  });

  it('a container_name taken by a container outside any project fails up before any container is created, naming the holder', async () => {
    project = await useProject('runtime-container-name');
    const name = `${project.name}-taken`;
    squatter = await project.engine.createContainer({ Image: 'busybox:latest', name, Cmd: ['true'] });

    const result = await project.cli(['up', '-d'], { RUNTIME_E2E_CONTAINER_NAME: name });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: service "web": container_name "${name}" is already taken by a container that belongs to no Compose project`,
    );
    expect(await project.containers()).toEqual([]);
    expect(await projectNetworks(project)).toEqual([]);
    // The holder is untouched.
    expect((await squatter.inspect()).Id).toBeTruthy();
  });

  it('a container_name taken by another project names that project and its service', async () => {
    project = await useProject('runtime-container-name');
    const name = `${project.name}-other`;
    squatter = await project.engine.createContainer({
      Image: 'busybox:latest',
      name,
      Cmd: ['true'],
      Labels: { [Label.project]: `${project.name}-elsewhere`, [Label.service]: 'api' },
    });

    const result = await project.cli(['up', '-d'], { RUNTIME_E2E_CONTAINER_NAME: name });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `container_name "${name}" is already taken by a container of project "${project.name}-elsewhere" (service "api")`,
    );
    expect(await project.containers()).toEqual([]);
  });

  it("the project's own container under that name is kept by a second up", async () => {
    project = await useProject('runtime-container-name');
    const env = { RUNTIME_E2E_CONTAINER_NAME: `${project.name}-mine` };
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    const [before] = await project.containers('web');
    const again = await project.cli(['up', '-d'], env);
    expect(again.code, again.stderr).toBe(0);
    const [after] = await project.containers('web');
    expect(after.Id).toBe(before.Id);
  });

  it("up --no-deps of a service joining another service's network or volumes fails clearly when that service has no container", async () => {
    project = await useProject('runtime-no-deps-donor');
    const joins = await project.cli(['up', '-d', '--no-deps', 'app']);
    expect(joins.code).toBe(1);
    expect(joins.stderr).toContain(
      'error: service "app": network_mode: service:db needs a container of service "db", and it has none',
    );
    const shares = await project.cli(['up', '-d', '--no-deps', 'backup']);
    expect(shares.code).toBe(1);
    expect(shares.stderr).toContain('error: service "backup": volumes_from: db:ro needs a container of service "db"');
    expect(await project.containers()).toEqual([]);
    expect(await projectNetworks(project)).toEqual([]);
  });

  it('up --no-deps of a service joining another one works once that service has a container', async () => {
    project = await useProject('runtime-no-deps-donor');
    expect((await project.cli(['up', '-d', 'db'])).code).toBe(0);
    const result = await project.cli(['up', '-d', '--no-deps', 'app', 'backup']);
    expect(result.code, result.stderr).toBe(0);
    expect((await project.containers()).map((c) => c.Labels[Label.service]).sort()).toEqual(['app', 'backup', 'db']);
  });
});
