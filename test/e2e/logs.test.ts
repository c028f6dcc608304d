import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

/** Lines of output, sorted: containers print concurrently, so only each container's own order is fixed. */
const sortedLines = (text: string) => text.split('\n').filter(Boolean).sort();

describe('logs', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('logs prints the stdout and stderr of every container, each line prefixed with its padded name and no colour off a terminal', async () => {
    project = await useProject('logs');
    await project.up();
    // Output is printed as the containers run: wait until the last replica has printed.
    await expect
      .poll(async () => (await project.cli(['logs', 'worker'])).stdout.split('\n').filter(Boolean).length, {
        timeout: 15_000,
      })
      .toBe(6);
    const result = await project.cli(['logs']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b[');
    expect(sortedLines(result.stdout)).toEqual([
      'web-1    | web-err',
      'web-1    | web-out-first',
      'worker-1 | worker-line-1',
      'worker-1 | worker-line-2',
      'worker-1 | worker-line-3',
      'worker-2 | worker-line-1',
      'worker-2 | worker-line-2',
      'worker-2 | worker-line-3',
    ]);
    // A stable colour per service where colour is asked for (a terminal, or --ansi always), none with --no-color.
    const coloured = (await project.cli(['--ansi', 'always', 'logs', 'web'])).stdout;
    expect(
      coloured
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('\u001b[') && l.includes('web-1 | \u001b[0m')),
    ).toBe(true);
    expect((await project.cli(['--ansi', 'always', 'logs', '--no-color', 'web'])).stdout).not.toContain('\u001b[');
    // One container's lines stay in the order it printed them.
    const worker1 = result.stdout.split('\n').filter((l) => l.startsWith('worker-1'));
    expect(worker1).toEqual(['worker-1 | worker-line-1', 'worker-1 | worker-line-2', 'worker-1 | worker-line-3']);
  });

  it('--tail, --index, --no-log-prefix and -t select and shape the lines', async () => {
    project = await useProject('logs');
    await project.up();
    await expect
      .poll(async () => (await project.cli(['logs', 'worker'])).stdout.split('\n').filter(Boolean).length, {
        timeout: 15_000,
      })
      .toBe(6);

    expect(sortedLines((await project.cli(['logs', '--tail', '1', 'worker'])).stdout)).toEqual([
      'worker-1 | worker-line-3',
      'worker-2 | worker-line-3',
    ]);
    expect((await project.cli(['logs', '--index', '2', '--tail', '2', 'worker'])).stdout).toBe(
      'worker-2 | worker-line-2\nworker-2 | worker-line-3\n',
    );
    expect(sortedLines((await project.cli(['logs', '--no-log-prefix', 'web'])).stdout)).toEqual([
      'web-err',
      'web-out-first',
    ]);
    const stamped = (await project.cli(['logs', '-t', '--tail', '1', '--index', '1', 'worker'])).stdout;
    expect(stamped).toMatch(/^worker-1 \| \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z worker-line-3\n$/);
    expect((await project.cli(['logs', '--until', '2000-01-01T00:00:00Z'])).stdout).toBe('');
    expect((await project.cli(['logs', '--since', '1h', '--tail', '1', 'web'])).stdout).not.toBe('');
  });

  it('logs -f follows a container that is recreated, and ends cleanly with exit 0 on Ctrl-C', async () => {
    project = await useProject('logs');
    await project.up();
    const follow = spawnCli(project, ['logs', '-f', 'web']);
    await expect.poll(() => follow.stdout(), { timeout: 15_000 }).toContain('web-1 | web-out-first');

    const before = (await project.containers('web'))[0].Id;
    await project.up({ load: { environment: { ...process.env, COMPOSE_PROJECT_NAME: project.name, RUN: 'second' } } });
    expect((await project.containers('web'))[0].Id).not.toBe(before);
    await expect.poll(() => follow.stdout(), { timeout: 20_000 }).toContain('web-1 | web-out-second');

    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    // Each run's output once: the follower resumed where it was, not from the start.
    expect(
      follow
        .stdout()
        .split('\n')
        .filter((l) => l.includes('web-out-first')),
    ).toHaveLength(1);
    expect(follow.stderr()).toBe('');
  });

  it('logs -f ends by itself once no followed container is left running', async () => {
    project = await useProject('logs');
    await project.up();
    const follow = spawnCli(project, ['logs', '-f', 'web']);
    await expect.poll(() => follow.stdout(), { timeout: 15_000 }).toContain('web-out-first');
    expect((await project.cli(['stop', 'web'])).code).toBe(0);
    expect(await follow.exited).toBe(0);
  });

  it('logs fails for an unknown service (naming the known ones) and for a time it cannot read', async () => {
    project = await useProject('logs');
    const unknown = await project.cli(['logs', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: web, worker)');

    const since = await project.cli(['logs', '--since', 'yesterday']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('--since: invalid time "yesterday"');
  });
});
