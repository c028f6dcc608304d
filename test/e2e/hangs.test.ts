import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { acquireProjectLock, lockName } from '../../src/engine/lock.js';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { startFakeEngine, type FakeEngine } from './fake-engine.js';
import { useProject, type TestProject } from './harness.js';

/** How soon an interrupted run must have ended. */
const INTERRUPT_MS = 5_000;

/** Sends `signal` to a running CLI and resolves with its exit code and how long it took to end. */
async function interrupt(
  run: ReturnType<typeof spawnCli>,
  signal: NodeJS.Signals,
): Promise<{ code: number; ms: number }> {
  const sent = performance.now();
  run.child.kill(signal);
  const code = await run.exited;
  return { code, ms: performance.now() - sent };
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter(Boolean);
}

describe('an engine that stalls or answers junk never hangs berth', () => {
  let project: TestProject;
  let fake: FakeEngine | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await project?.cleanup();
  });

  it('ps against an engine that stalls after its ping fails within the configured limit, naming the engine and the request', async () => {
    project = await useProject('hangs');
    fake = await startFakeEngine('stall');
    const started = performance.now();
    const result = await project.cli(['ps'], { DOCKER_HOST: fake.host, COMPOSE_HTTP_TIMEOUT: '2' });
    const ms = performance.now() - started;

    expect(result.code).toBe(1);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(errorLines(result.stderr)).toEqual([
      `error: the Docker Engine at ${fake.host} did not answer ${fake.requests[0]} within 2 s (COMPOSE_HTTP_TIMEOUT sets this limit, in seconds)`,
    ]);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(ms).toBeLessThan(10_000);
  });

  for (const junk of ['not-json', 'wrong-shape'] as const) {
    it(`an engine answering ${junk} gives one line naming the engine and the request, not a raw error`, async () => {
      project = await useProject('hangs');
      fake = await startFakeEngine(junk);
      for (const args of [['ps'], ['up', '-d'], ['down']]) {
        const result = await project.cli(args, { DOCKER_HOST: fake.host });
        expect(result.code).toBe(1);
        const lines = errorLines(result.stderr);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          new RegExp(
            `^error: the Docker Engine at ${fake.host} answered (GET|POST) /\\S+ with (a body that is not JSON|an object where a list was expected|an object without the new Id): is it a Docker Engine\\?$`,
          ),
        );
      }
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} ends an up stalled on the engine within 5 s`, async () => {
      project = await useProject('hangs');
      fake = await startFakeEngine('stall');
      // The default limit (30 s) is far off: only the signal can end this run in time.
      const run = spawnCli(project, ['up', '-d'], undefined, { DOCKER_HOST: fake.host });
      await expect.poll(() => fake!.requests.length, { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);

      const { code, ms } = await interrupt(run, signal);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(INTERRUPT_MS);
      expect(errorLines(run.stderr())).toEqual([
        `error: interrupted by ${signal}: run the command again to finish its work`,
      ]);
    });
  }
});

describe('an interrupt ends a waiting up within seconds, against the real engine', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('SIGINT ends an up waiting for the project lock another run holds within 5 s, and the lock stays with its holder', async () => {
    project = await useProject('hangs');
    const release = await acquireProjectLock(project.engine, project.name);
    onTestFinished(release);
    const holder = await project.engine.getContainer(lockName(project.name)).inspect();
    const run = spawnCli(project, ['up', '-d']);
    await expect.poll(() => run.stderr(), { timeout: 15_000, interval: 50 }).toMatch(/waiting for it to finish/);

    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code).toBe(1);
    expect(ms).toBeLessThan(INTERRUPT_MS);
    expect(await project.containers()).toHaveLength(0);
    expect((await project.engine.getContainer(lockName(project.name)).inspect()).Id).toBe(holder.Id);
  });

  it('SIGINT ends an up waiting for a dependency to become healthy within 5 s, and the lock is released', async () => {
    project = await useProject('hangs-dependency');
    const run = spawnCli(project, ['up', '-d']);
    await expect
      .poll(async () => (await project.containers('db'))[0]?.State, { timeout: 30_000, interval: 100 })
      .toBe('running');

    const { code, ms } = await interrupt(run, 'SIGINT');
    expect(code).toBe(1);
    expect(ms).toBeLessThan(INTERRUPT_MS);
    const app = await project.containers('app');
    expect(app.every((c) => c.State !== 'running' && c.Labels[Label.project] === project.name)).toBe(true);
    expect(
      await project.engine.listContainers({ all: true, filters: { name: [`^/${lockName(project.name)}$`] } }),
    ).toHaveLength(0);
  });
});
