import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { lockName } from '../../src/engine/lock.js';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

/** A fast heartbeat, so that a lock's owner counts as gone after five missed beats: 5 s. */
const FAST = { BERTH_LOCK_HEARTBEAT_MS: '1000' };
const STALE_MS = 5 * 1000;

/** The containers holding the project's lock name (at most one: the engine reserves names). */
function lockContainers(project: TestProject) {
  return project.engine.listContainers({ all: true, filters: { name: [`^/${lockName(project.name)}$`] } });
}

/** Starts an up of the project and returns once it holds the lock, with the lock container. */
async function upHoldingLock(project: TestProject) {
  const run = spawnCli(project, ['up', '-d'], undefined, FAST);
  await expect.poll(async () => (await lockContainers(project)).length, { timeout: 30_000, interval: 50 }).toBe(1);
  const [lock] = await lockContainers(project);
  return { run, lock };
}

interface ContainerEvent {
  action: string;
  id: string;
  name: string;
  timeNano: number;
}

/**
 * Records the engine's events of the named containers from now on. (Asking afterwards with
 * `since` misses some: the engine keeps only its last 256 events, and parallel tests make many.)
 */
async function recordEvents(
  project: TestProject,
  names: string[],
): Promise<{ events: ContainerEvent[]; stop(): void }> {
  const stream = (await project.engine.getEvents({
    filters: { type: ['container'], container: names },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const events: ContainerEvent[] = [];
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const e = JSON.parse(line) as {
        Action: string;
        id: string;
        timeNano: number;
        Actor: { Attributes: Record<string, string> };
      };
      events.push({ action: e.Action, id: e.id, name: e.Actor.Attributes.name ?? '', timeNano: e.timeNano });
    }
  });
  return { events, stop: () => stream.destroy() };
}

function first(events: ContainerEvent[], what: string, match: (e: ContainerEvent) => boolean): ContainerEvent {
  const found = events.find(match);
  if (!found) throw new Error(`no engine event: ${what}`);
  return found;
}

describe('the project lock is held while its owner lives, and only then', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('an up holding the lock longer than the stale window is not stolen from by a concurrent down', async () => {
    project = await useProject('lock-slow');
    const recording = await recordEvents(project, [
      lockName(project.name),
      `${project.name}-slow-1`,
      `${project.name}-web-1`,
    ]);
    onTestFinished(() => recording.stop());
    const { run: upRun } = await upHoldingLock(project);
    const downRun = spawnCli(project, ['down'], undefined, FAST);
    const codes = await Promise.all([upRun.exited, downRun.exited]);
    expect({ codes, output: upRun.stderr() + downRun.stderr() }).toMatchObject({ codes: [0, 0] });

    const events = recording.events;
    await expect
      .poll(() => events.filter((e) => e.action === 'destroy').length, { timeout: 10_000, interval: 50 })
      .toBe(4);
    const locked = first(
      events,
      'the up creates the lock',
      (e) => e.name === lockName(project.name) && e.action === 'create',
    );
    const unlocked = first(events, 'the lock of the up goes', (e) => e.id === locked.id && e.action === 'destroy');
    const webStarted = first(events, 'web starts', (e) => e.name === `${project.name}-web-1` && e.action === 'start');
    const teardown = first(
      events,
      'down stops a container',
      (e) => e.name.startsWith(`${project.name}-`) && ['kill', 'stop', 'die', 'destroy'].includes(e.action),
    );
    // The up held its lock for longer than a waiter would wait for a dead owner.
    expect((unlocked.timeNano - locked.timeNano) / 1e6).toBeGreaterThan(STALE_MS);
    // Its lock went only after it had finished, and the down began only after that.
    expect(unlocked.timeNano).toBeGreaterThan(webStarted.timeNano);
    expect(teardown.timeNano).toBeGreaterThan(unlocked.timeNano);
    expect(await project.containers()).toHaveLength(0);
    expect(await lockContainers(project)).toHaveLength(0);
  });

  it('a lock whose owner was killed with SIGKILL is taken over within the stale window', async () => {
    project = await useProject('lock-slow');
    const { run: upRun, lock: abandoned } = await upHoldingLock(project);
    upRun.child.kill('SIGKILL');
    await upRun.exited;

    const started = performance.now();
    const result = await project.cli(['down'], FAST);
    expect(result.code).toBe(0);
    // The stale window, plus the down's own work; a lock guessed by its age would wait 10 minutes.
    expect(performance.now() - started).toBeLessThan(STALE_MS + 10_000);
    expect(await project.containers()).toHaveLength(0);
    const left = await lockContainers(project);
    expect(left.map((c) => c.Id)).not.toContain(abandoned.Id);
    expect(left).toHaveLength(0);
  });

  it('a lock left by a run on another host that stopped beating is taken over within the stale window', async () => {
    project = await useProject('lock-plain');
    // What a berth on another machine leaves when it dies: berth's labels, a host that is not this one.
    const left = await project.engine.createContainer({
      name: lockName(project.name),
      Image: 'busybox',
      Cmd: ['true'],
      Labels: {
        'dev.berth.lock': project.name,
        'dev.berth.lock.owner': 'another-host:4242',
        'dev.berth.lock.heartbeat-ms': '1000',
      },
    });
    onTestFinished(() => left.remove({ force: true }).catch(() => undefined));

    const started = performance.now();
    const result = await project.cli(['up', '-d'], FAST);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('another-host:4242');
    expect(performance.now() - started).toBeLessThan(STALE_MS + 10_000);
    await expect(left.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await project.containers('web'))[0]?.State).toBe('running');
    expect(await lockContainers(project)).toHaveLength(0);
  });

  it('an up whose lock is removed under it says it lost the lock', async () => {
    project = await useProject('lock-slow');
    const { run: upRun, lock: held } = await upHoldingLock(project);
    await project.engine.getContainer(held.Id).remove({ force: true });
    expect(await upRun.exited).toBe(0);
    expect(upRun.stderr()).toContain(`lost project "${project.name}"'s lock`);
  });

  it("a container named like the project's lock that is not berth's is never waited on nor removed", async () => {
    project = await useProject('lock-plain');
    const foreign = await project.engine.createContainer({
      name: lockName(project.name),
      Image: 'busybox',
      Cmd: ['true'],
    });
    onTestFinished(() => foreign.remove({ force: true }).catch(() => undefined));

    for (const args of [['up', '-d'], ['down']]) {
      const started = performance.now();
      const result = await project.cli(args, FAST);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`container ${lockName(project.name)}`);
      expect(result.stderr).toContain("not berth's");
      expect(performance.now() - started).toBeLessThan(STALE_MS);
    }
    expect((await foreign.inspect()).Id).toBe(foreign.id);
    expect(await project.containers()).toHaveLength(0);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`a down interrupted by ${signal} while it holds the lock releases it`, async () => {
      project = await useProject('lock-stubborn');
      expect((await project.cli(['up', '-d'])).code).toBe(0);
      const downRun = spawnCli(project, ['down']);
      await expect.poll(async () => (await lockContainers(project)).length, { timeout: 30_000, interval: 50 }).toBe(1);
      downRun.child.kill(signal);
      // 1, not a death by the signal: berth handled it and ended the run itself.
      expect(await downRun.exited).toBe(1);
      expect(downRun.stderr()).toMatch(/interrupted/);
      expect(await lockContainers(project)).toHaveLength(0);

      const again = await project.cli(['down']);
      expect(again.code).toBe(0);
      expect(await project.containers()).toHaveLength(0);
    });
  }
});

describe('down says what it removed and what it kept', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('down --rmi local removes the image the project built', async () => {
    project = await useProject('lock-built');
    expect((await project.cli(['up', '-d', '--build'])).code).toBe(0);
    const image = `${project.name}-app`;
    expect((await project.engine.getImage(image).inspect()).Id).toMatch(/^sha256:/);

    const result = await project.cli(['down', '--rmi', 'local']);
    expect(result.code).toBe(0);
    await expect(project.engine.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(result.stderr).not.toMatch(/kept/i);
    expect(await project.containers()).toHaveLength(0);
  });

  it('a network still in use by a container of no project is reported kept, never removed', async () => {
    project = await useProject('lock-plain');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const network = `${project.name}_default`;
    const stranger = await project.engine.createContainer({
      name: `${project.name}-stranger`,
      Image: 'busybox',
      Cmd: ['sleep', '3600'],
      HostConfig: { NetworkMode: network, Init: true },
    });
    try {
      await stranger.start();
      const result = await project.cli(['down']);
      expect(result.code).toBe(0);
      expect((await project.engine.getNetwork(network).inspect()).Name).toBe(network);
      expect(result.stderr).toContain(`Network ${network}  Kept`);
      expect(result.stderr).not.toContain(`Network ${network}  Removed`);
    } finally {
      await stranger.remove({ force: true });
    }
  });
});
