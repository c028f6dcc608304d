import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

/** One line of `events --json`. */
interface EventLine {
  time: string;
  type: string;
  action: string;
  id: string;
  service: string;
  attributes: Record<string, string>;
}

interface Streamed {
  child: ChildProcess;
  lines: () => string[];
  exited: Promise<number>;
}

/** Starts the CLI as a child and reads its stdout as lines. */
function streamCli(project: TestProject, args: string[]): Streamed {
  const run = spawnCli(project, args);
  return { child: run.child, exited: run.exited, lines: () => run.stdout().split('\n').filter(Boolean) };
}

/**
 * The stream has no "ready" signal: pause and unpause `service` until its pause event shows
 * up, so that everything done afterwards is surely seen.
 */
async function untilListening(project: TestProject, stream: Streamed, service: string): Promise<void> {
  const [c] = await project.containers(service);
  await expect
    .poll(
      async () => {
        await project.engine.getContainer(c.Id).pause();
        await project.engine.getContainer(c.Id).unpause();
        return stream.lines().some((l) => l.includes(c.Id) && / pause |"action":"pause"/.test(l));
      },
      { timeout: 20_000, interval: 300 },
    )
    .toBe(true);
}

describe('events and wait', () => {
  let project: TestProject;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await project?.cleanup();
  });

  it("events --json prints one JSON object per container event with Compose's fields, and ends on SIGINT", async () => {
    project = await useProject('events-wait');
    await project.up({ services: ['web'] });
    const stream = streamCli(project, ['events', '--json']);
    children.push(stream.child);
    await untilListening(project, stream, 'web');

    const [web] = await project.containers('web');
    await project.engine.getContainer(web.Id).stop();
    await project.engine.getContainer(web.Id).start();
    const parsed = () => stream.lines().map((l) => JSON.parse(l) as EventLine);
    await expect
      .poll(
        () =>
          parsed()
            .filter((e) => e.id === web.Id)
            .map((e) => e.action),
        { timeout: 15_000 },
      )
      .toEqual(expect.arrayContaining(['die', 'stop', 'start']));

    const die = parsed().find((e) => e.action === 'die')!;
    expect(Object.keys(die)).toEqual(['action', 'attributes', 'id', 'service', 'time', 'type']);
    expect(die).toMatchObject({ type: 'container', service: 'web', id: web.Id });
    expect(die.attributes).toMatchObject({ name: `${project.name}-web-1`, image: 'busybox', exitCode: '143' });
    expect(Object.keys(die.attributes).filter((k) => k.startsWith('com.docker.compose.'))).toEqual([]);
    expect(die.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(Math.abs(Date.parse(die.time) - Date.now())).toBeLessThan(60_000);

    stream.child.kill('SIGINT');
    expect(await stream.exited).toBe(0);
  });

  it("events SERVICE prints only that service's events, one line each as Compose prints them", async () => {
    project = await useProject('events-wait');
    await project.up({ services: ['web', 'worker'] });
    const stream = streamCli(project, ['events', 'web']);
    children.push(stream.child);
    await untilListening(project, stream, 'web');

    const [web] = await project.containers('web');
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).kill();
    await project.engine.getContainer(web.Id).kill();
    await expect
      .poll(() => stream.lines().some((l) => l.includes(` container die ${web.Id} `)), { timeout: 15_000 })
      .toBe(true);
    expect(stream.lines().filter((l) => l.includes(worker.Id))).toEqual([]);
    const line = stream.lines().find((l) => l.includes(` container die ${web.Id} `))!;
    expect(line).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container die ${web.Id} \\(exitCode=137, image=busybox, name=${project.name}-web-1\\)$`,
      ),
    );

    stream.child.kill('SIGINT');
    expect(await stream.exited).toBe(0);
  });

  it('events of an unknown service fails and names the known ones', async () => {
    project = await useProject('events-wait');
    const result = await project.cli(['events', 'nosuch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no such service: "nosuch" \(services: web, worker, job\)/);
  });

  it("wait blocks until the service's container stops and exits with its exit code", async () => {
    project = await useProject('events-wait');
    await project.up({ services: ['job'] });
    const [job] = await project.containers('job');
    const result = await project.cli(['wait', 'job']);
    expect(result.stdout).toBe(`container "${project.name}-job-1" exited with status code 3\n`);
    expect(result.code).toBe(3);
    expect((await project.engine.getContainer(job.Id).inspect()).State).toMatchObject({
      Status: 'exited',
      ExitCode: 3,
    });
  });

  it('wait --down-project takes the project down once the first container stops', async () => {
    project = await useProject('events-wait');
    await project.up();
    const result = await project.cli(['wait', '--down-project', 'job', 'web']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(`container "${project.name}-job-1" exited with status code 3\n`);
    expect(await project.containers()).toEqual([]);
    expect(await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } })).toEqual([]);
  });

  it('wait needs a service that is running', async () => {
    project = await useProject('events-wait');
    await project.up({ services: ['web'] });
    const none = await project.cli(['wait']);
    expect(none.code).toBe(2);
    const unknown = await project.cli(['wait', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no such service: "nosuch" \(services: web, worker, job\)/);
    const stopped = await project.cli(['wait', 'worker']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/service "worker": no running container to wait for/);
  });
});
