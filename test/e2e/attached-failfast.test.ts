// Fail fast (issue 16 item 3): a failed stage ends `up` at once, whatever sibling stages still run.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

/** The state of a service's container, or "absent". */
async function stateOf(project: TestProject, service: string): Promise<string> {
  return (await project.containers(service))[0]?.State ?? 'absent';
}

describe('a failing stage', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('ends attached up at once with exit 1, naming the stages still running and leaving them running', async () => {
    project = await useProject('attached-failfast');
    const started = Date.now();
    const run = spawnCli(project, ['up']);
    expect(await run.exited).toBe(1);
    // `slow` sleeps for 300 s: returning within a minute means up did not wait for it.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await stateOf(project, 'slow')).toBe('running');
    expect(await stateOf(project, 'broken')).toBe('exited');
    expect(['absent', 'created']).toContain(await stateOf(project, 'final'));
    expect(run.stderr()).toMatch(/still running.*: slow-1$/m);
    expect(run.stderr()).toMatch(/service "broken".*exited with code 3/);
  });

  it('ends detached up at once too, leaving the sibling stage running', async () => {
    project = await useProject('attached-failfast');
    const started = Date.now();
    const result = await project.cli(['up', '-d']);
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await stateOf(project, 'slow')).toBe('running');
    expect(['absent', 'created']).toContain(await stateOf(project, 'final'));
  });

  it('--abort-on-container-failure stops the stages still running and returns the failed stage exit code', async () => {
    project = await useProject('attached-failfast');
    const run = spawnCli(project, ['up', '--abort-on-container-failure']);
    expect(await run.exited).toBe(3);
    const slow = (await project.containers('slow'))[0];
    expect(slow.State).toBe('exited');
    const info = await project.engine.getContainer(slow.Id).inspect();
    // Stopped by berth (SIGTERM through init), not finished on its own.
    expect(info.State.ExitCode).toBe(143);
  });

  it('--exit-code-from returns the failed stage exit code when the chosen service never ran', async () => {
    project = await useProject('attached-failfast');
    const run = spawnCli(project, ['up', '--exit-code-from', 'final']);
    expect(await run.exited).toBe(3);
    expect(['absent', 'created']).toContain(await stateOf(project, 'final'));
    expect(await stateOf(project, 'slow')).toBe('exited');
  });
});
