// Loader behaviours of Docker Compose v2 that change what runs on the engine (issue 18, items 4
// and 20): profiles enabled by naming a service, and the project name for interpolation.
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

/** The running services of the project, sorted. */
async function runningServices(project: TestProject): Promise<string[]> {
  const containers = await project.containers();
  return containers
    .filter((c) => c.State === 'running')
    .map((c) => c.Labels['com.docker.compose.service'])
    .sort();
}

describe('a service named on the command line enables its profile', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('up SERVICE of a profiled service starts it and its profiled dependency, and nothing else', async () => {
    project = await useProject('loader-parity-profiles');
    const result = await project.cli(['up', '-d', 'debug']);
    expect(result.code, result.stderr).toBe(0);
    expect(await runningServices(project)).toEqual(['debug', 'probe']);
  });

  it('containers of a service whose profile is not enabled are not orphans, even with --remove-orphans', async () => {
    project = await useProject('loader-parity-profiles');
    expect((await project.cli(['up', '-d', 'debug'])).code).toBe(0);
    const before = (await project.containers()).map((c) => c.Id).sort();
    expect(before).toHaveLength(2);

    const result = await project.cli(['up', '-d', '--remove-orphans']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/orphan/);
    expect(await runningServices(project)).toEqual(['debug', 'probe', 'web']);
    const kept = (await project.containers()).map((c) => c.Id);
    expect(kept).toEqual(expect.arrayContaining(before));
  });
});

describe('${COMPOSE_PROJECT_NAME} in compose files', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('is the project name given with -p, inside the container environment', async () => {
    project = await useProject('loader-parity-name');
    // Only -p names the project: the variable must come from berth, not from the caller.
    delete project.env.COMPOSE_PROJECT_NAME;
    const result = await project.cli(['-p', project.name, 'up', '-d']);
    expect(result.code, result.stderr).toBe(0);
    const [app] = await project.containers('app');
    expect(app, 'the -p name labels the container').toBeDefined();
    const env = (await project.exec(app.Id, ['env'])).split('\n');
    expect(env).toContain(`PROJECT=${project.name}`);
    expect(env).toContain(`GREETING=hello from ${project.name}`);
  });
});
