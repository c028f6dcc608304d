// What attached `up SERVICE` shows and stops (issue 18 items 6 and 19), and `restart` with the
// services that depend on a restarted one (issue 18 item 6).
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

async function container(project: TestProject, service: string) {
  const [c] = await project.containers(service);
  return c ? { id: c.Id, state: c.State } : undefined;
}

async function startedAt(project: TestProject, service: string): Promise<string> {
  const [c] = await project.containers(service);
  return (await project.engine.getContainer(c.Id).inspect()).State.StartedAt;
}

describe('attached up SERVICE', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('Ctrl-C stops the services it started and leaves a dependency that was already running', async () => {
    project = await useProject('attached-deps');
    expect((await project.cli(['up', '-d', 'db'])).code).toBe(0);
    const db = await container(project, 'db');
    expect(db?.state).toBe('running');
    const run = spawnCli(project, ['up', 'web']);
    await expect.poll(() => run.stdout(), { timeout: 30_000 }).toMatch(/^web-1 +\| web up$/m);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await container(project, 'db')).toEqual({ id: db!.id, state: 'running' });
    expect((await container(project, 'cache'))?.state).toBe('exited');
    expect((await container(project, 'web'))?.state).toBe('exited');
    expect(await container(project, 'worker')).toBeUndefined();
  });

  it('shows only the named service, its dependencies with --attach-dependencies, and honours --no-attach', async () => {
    project = await useProject('attached-deps');
    // Ctrl-C once every expected line is there: what else it printed is what it shows.
    const outputOf = async (args: string[], expected: RegExp[]) => {
      const run = spawnCli(project, ['up', ...args]);
      await expect.poll(() => expected.every((e) => e.test(run.stdout())), { timeout: 30_000 }).toBe(true);
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      return run.stdout();
    };
    const plain = await outputOf(['web'], [/^web-1 +\| web up$/m]);
    expect(plain).not.toMatch(/db up|cache up/);
    const withDeps = await outputOf(
      ['--attach-dependencies', '--no-attach', 'cache', 'web'],
      [/^db-1 +\| db up$/m, /^web-1 +\| web up$/m],
    );
    expect(withDeps).not.toMatch(/cache up/);
    const chosen = await outputOf(['--attach', 'cache', 'web'], [/^cache-1 +\| cache up$/m]);
    expect(chosen).not.toMatch(/web up|db up/);
  });
});

describe('restart', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('restarts the services that depend on it with restart: true, and only it with --no-deps', async () => {
    project = await useProject('attached-deps');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const services = ['db', 'cache', 'web', 'worker'];
    const times = async () =>
      Object.fromEntries(await Promise.all(services.map(async (s) => [s, await startedAt(project, s)])));
    const first = await times();
    expect((await project.cli(['restart', 'web'])).code).toBe(0);
    const second = await times();
    expect(second.web).not.toBe(first.web);
    expect(second.worker).not.toBe(first.worker);
    // The worker restarts after web, the dependency it restarts with.
    expect(Date.parse(second.worker)).toBeGreaterThanOrEqual(Date.parse(second.web));
    expect([second.db, second.cache]).toEqual([first.db, first.cache]);
    expect((await project.cli(['restart', '--no-deps', 'web'])).code).toBe(0);
    const third = await times();
    expect(third.web).not.toBe(second.web);
    expect([third.db, third.cache, third.worker]).toEqual([second.db, second.cache, second.worker]);
  });
});
