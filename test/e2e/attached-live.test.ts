// Live attached output (issue 16 item 4, issue 18 item 18): output from the moment a container
// starts, stderr apart, an exit line for every exit, restarted containers followed.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type CliProcess } from './cli-process.js';
import { engineRelay, type EngineRelay } from './engine-relay.js';
import { useProject, type TestProject } from './harness.js';

describe('attached up output', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it("relays a running job's output while up still waits for it, and a first Ctrl-C stops at once", async () => {
    project = await useProject('attached-live');
    const run = spawnCli(project, ['up', '--attach-dependencies', 'serve']);
    await expect.poll(() => run.stdout(), { timeout: 30_000 }).toMatch(/^train-1 +\| training started$/m);
    // Still converging: serve waits for train, which sleeps for 300 s.
    expect(run.child.exitCode).toBeNull();
    expect((await project.containers('serve'))[0]?.State ?? 'absent').not.toBe('running');
    const interrupted = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(20_000);
    const train = (await project.containers('train'))[0];
    expect(train.State).toBe('exited');
    expect((await project.engine.getContainer(train.Id).inspect()).State.ExitCode).toBe(143);
    expect((await project.containers('serve'))[0]?.State ?? 'absent').not.toBe('running');
    expect(run.stdout()).toMatch(/^train-1 exited with code 143$/m);
  });

  it("sends a container's stderr lines to berth's stderr and its stdout lines to stdout", async () => {
    project = await useProject('attached-live');
    const run = spawnCli(project, ['up', 'talker']);
    await expect.poll(() => run.stderr(), { timeout: 30_000 }).toMatch(/^talker-1 +\| to stderr$/m);
    await expect.poll(() => run.stdout(), { timeout: 30_000 }).toMatch(/^talker-1 +\| to stdout$/m);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stdout()).not.toMatch(/to stderr/);
    expect(run.stderr()).not.toMatch(/to stdout/);
  });

  it('follows a container the engine restarts, with an exit line for each exit, and ends when it stops for good', async () => {
    project = await useProject('attached-live');
    const run = spawnCli(project, ['up', 'flaky']);
    expect(await run.exited).toBe(0);
    const flaky = (await project.containers('flaky'))[0];
    const info = await project.engine.getContainer(flaky.Id).inspect();
    expect(info.RestartCount).toBe(2);
    expect(info.State.ExitCode).toBe(5);
    const lines = run.stdout().split('\n');
    expect(lines.filter((l) => /^flaky-1 +\| run \d$/.test(l))).toEqual([
      'flaky-1 | run 1',
      'flaky-1 | run 2',
      'flaky-1 | run 3',
    ]);
    expect(lines.filter((l) => l.startsWith('flaky-1 exited'))).toEqual([
      'flaky-1 exited with code 5 (restarting)',
      'flaky-1 exited with code 5 (restarting)',
      'flaky-1 exited with code 5',
    ]);
  });

  it('relays 100 000 lines in order and then the exit line', async () => {
    project = await useProject('attached-flood');
    const run = spawnCli(project, ['up']);
    expect(await run.exited).toBe(0);
    const lines = run.stdout().trimEnd().split('\n');
    const numbers = lines.filter((l) => l.startsWith('flood-1 | ')).map((l) => Number(l.slice('flood-1 | '.length)));
    expect(numbers).toHaveLength(100_000);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
    expect(lines.at(-1)).toBe('flood-1 exited with code 0');
  });
});

describe('attached up when the engine ends a log stream early', () => {
  let project: TestProject;
  let relay: EngineRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await project?.cleanup();
  });

  /** Starts `up` through a relay that holds the log stream back after 64 KiB, until the test cuts it. */
  async function upThroughRelay(fixture: string): Promise<CliProcess> {
    project = await useProject(fixture);
    relay = await engineRelay({ holdFollowLogsAfter: 64 * 1024 });
    const run = spawnCli(project, ['up'], undefined, { DOCKER_HOST: relay.host });
    await expect.poll(() => relay!.holding(), { timeout: 30_000 }).toBe(true);
    return run;
  }

  function numbered(run: CliProcess, name: string): number[] {
    const prefix = `${name} | `;
    return run
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => Number(l.slice(prefix.length)));
  }

  it('shows every line of a container that exited before its stream ended, then the exit line', async () => {
    const run = await upThroughRelay('attached-flood');
    await expect.poll(async () => (await project.containers('flood'))[0]?.State, { timeout: 30_000 }).toBe('exited');
    relay!.cut();
    expect(await run.exited).toBe(0);
    const numbers = numbered(run, 'flood-1');
    expect(numbers).toHaveLength(100_000);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
    expect(run.stdout().trimEnd().split('\n').at(-1)).toBe('flood-1 exited with code 0');
  });

  it('follows a running container on from its last line shown when its stream ends', async () => {
    const run = await upThroughRelay('attached-dropped');
    // Cut while it pauses between its two halves: the second half comes after the stream ended.
    expect((await project.containers('steady'))[0]?.State).toBe('running');
    relay!.cut();
    expect(await run.exited).toBe(0);
    const numbers = numbered(run, 'steady-1');
    expect(numbers).toHaveLength(40_000);
    expect(numbers.every((n, i) => n === i + 1)).toBe(true);
    expect(run.stdout().trimEnd().split('\n').at(-1)).toBe('steady-1 exited with code 0');
  });
});

describe('detached up', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('returns at a first Ctrl-C while it waits for a job, leaving the job running', async () => {
    project = await useProject('attached-live');
    const run = spawnCli(project, ['up', '-d', 'serve']);
    await expect.poll(async () => (await project.containers('train'))[0]?.State, { timeout: 30_000 }).toBe('running');
    // serve waits for train, which sleeps for 300 s.
    expect(run.child.exitCode).toBeNull();
    const interrupted = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).not.toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(10_000);
    expect(run.stderr()).toMatch(/interrupted/);
    expect((await project.containers('train'))[0].State).toBe('running');
    expect((await project.containers('serve'))[0]?.State ?? 'absent').not.toBe('running');
  });
});

describe('logs -f', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('keeps following a container through berth restart', async () => {
    project = await useProject('attached-live');
    expect((await project.cli(['up', '-d', 'talker'])).code).toBe(0);
    const before = (await project.containers('talker'))[0];
    const follow = spawnCli(project, ['logs', '-f', 'talker']);
    await expect.poll(() => follow.stdout(), { timeout: 30_000 }).toMatch(/to stdout/);
    expect((await project.cli(['restart', 'talker'])).code).toBe(0);
    // The second run prints again: only a follower that survived the restart sees it.
    await expect.poll(() => follow.stdout().match(/to stdout/g)?.length ?? 0, { timeout: 30_000 }).toBe(2);
    expect(follow.child.exitCode).toBeNull();
    const after = (await project.containers('talker'))[0];
    expect(after.Id).toBe(before.Id);
    expect(after.State).toBe('running');
    follow.child.kill('SIGINT');
    await follow.exited;
  });
});
