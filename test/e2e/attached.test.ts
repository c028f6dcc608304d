import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

describe('attached up', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it("streams every service's output with a service prefix, and Ctrl-C stops the project", async () => {
    project = await useProject('attached');
    const run = spawnCli(project, ['up']);
    await expect.poll(() => run.stdout(), { timeout: 30_000 }).toMatch(/^talker-1 +\| tick \d+$/m);
    // The job writes this line to stderr: berth relays it to its own stderr.
    await expect.poll(() => run.stderr(), { timeout: 30_000 }).toMatch(/^job-1 +\| job failing$/m);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const states = (await project.containers()).map((c) => c.State);
    expect(states).toEqual(['exited', 'exited']);
  });

  it('--exit-code-from stops everything when that service exits and returns its exit code', async () => {
    project = await useProject('attached');
    const run = spawnCli(project, ['up', '--exit-code-from', 'job']);
    expect(await run.exited).toBe(4);
    const talker = (await project.containers('talker'))[0];
    expect(talker.State).toBe('exited');
    expect(run.stdout()).toMatch(/^job-1 +\| job starting$/m);
  });
});
