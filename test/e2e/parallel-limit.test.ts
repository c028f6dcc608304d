// COMPOSE_PARALLEL_LIMIT and --parallel, as Docker Compose takes them.
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('the parallelism setting', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('an up with --parallel 1 still brings every service up, one start at a time', async () => {
    project = await useProject('parallel-limit');
    const run = await project.cli(['--parallel', '1', 'up', '-d']);
    expect(run).toMatchObject({ code: 0 });
    const running = (await project.containers()).filter((c) => c.State === 'running');
    expect(running.map((c) => c.Labels['com.docker.compose.service']).sort()).toEqual(['a', 'b', 'c']);
  });

  it('a bad COMPOSE_PARALLEL_LIMIT in .env is refused before anything is created, naming the setting', async () => {
    project = await useProject('parallel-limit');
    project.write('.env', 'COMPOSE_PARALLEL_LIMIT=0\n');
    const run = await project.cli(['up', '-d']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/COMPOSE_PARALLEL_LIMIT \(--parallel\) must be a whole number/);
    expect(await project.containers()).toHaveLength(0);
    const networks = await project.engine.listNetworks({ filters: { name: [`${project.name}_default`] } });
    expect(networks).toHaveLength(0);
  });
});
