// Issue 19, item 5: a wait says what it waits for while it waits, and each Healthy as it happens,
// for dependency waits and for `up --wait` alike.
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('progress while waiting', () => {
  it('a dependency wait prints what it waits for, its elapsed time, then Healthy before the dependent starts', async () => {
    project = await useProject('clarity-progress');
    const result = await project.cli(['--progress', 'plain', 'up', '-d']);
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    const waiting = lines.indexOf(' Service db  Waiting for healthy');
    const ticked = lines.indexOf(' Service db  Waiting for healthy (5 s)');
    const healthy = lines.indexOf(' Service db  Healthy');
    const webStarted = lines.indexOf(` Container ${project.name}-web-1  Started`);
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(ticked).toBeGreaterThan(waiting);
    expect(healthy).toBeGreaterThan(ticked);
    expect(webStarted).toBeGreaterThan(healthy);
    const [web] = await project.containers('web');
    expect(web.State).toBe('running');
  }, 60_000);

  it('up --wait reports each container it waits for, settled as it becomes ready', async () => {
    project = await useProject('clarity-progress');
    const result = await project.cli(['--progress', 'plain', 'up', '--wait', 'db']);
    expect(result.code).toBe(0);
    const db = `Container ${project.name}-db-1`;
    const lines = result.stderr.split('\n');
    expect(lines.indexOf(` ${db}  Healthy`)).toBeGreaterThan(lines.indexOf(` ${db}  Waiting for healthy`));
    const [container] = await project.containers('db');
    const health = (await project.engine.getContainer(container.Id).inspect()).State.Health?.Status;
    expect(health).toBe('healthy');
  }, 60_000);
});
