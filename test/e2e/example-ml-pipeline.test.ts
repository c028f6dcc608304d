// examples/ml-pipeline end to end, as a user runs it: `berth up -d --wait` runs ingest, then
// train (asking the engine for a GPU), then serve, each step only after the one before it
// completed successfully; a failing step stops the pipeline there.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, up } from '../../src/index.js';
import { nanos } from './engine-time.js';
import { freePort, healthOf, repoRoot, useProject, type TestProject } from './harness.js';

/** A container that never started: the engine's zero time. */
const NEVER = '0001-01-01T00:00:00Z';

describe('example: ml-pipeline', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  async function only(service: string) {
    const containers = await project!.containers(service);
    expect(containers, `${service} should have exactly one container`).toHaveLength(1);
    return project!.engine.getContainer(containers[0].Id).inspect();
  }

  it('up --wait runs ingest, then train with its GPU request, then serves predictions of the synthetic line y = 2x + 1', async () => {
    project = await useProject(join(repoRoot, 'examples', 'ml-pipeline'));
    const port = await freePort();
    const result = await project.cli(['up', '-d', '--wait'], { SERVE_PORT: String(port) });
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.code).toBe(0);

    // ingest and train ran once and exited 0, each after the step before it had finished.
    const ingest = await only('ingest');
    const train = await only('train');
    const serve = await only('serve');
    expect(ingest.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(train.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(serve.State).toMatchObject({ Status: 'running', Health: { Status: 'healthy' } });
    expect(nanos(train.State.StartedAt)).toBeGreaterThan(nanos(ingest.State.FinishedAt));
    expect(nanos(serve.State.StartedAt)).toBeGreaterThan(nanos(train.State.FinishedAt));

    // The GPU reservation reached the engine, and the engine told train which device it got
    // (the test bed's stand-in driver grants no real device, so train used the CPU).
    expect(train.HostConfig.DeviceRequests).toEqual([
      expect.objectContaining({ Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] }),
    ]);
    const gpu = JSON.parse(await project.exec(serve.Id, ['cat', '/data/gpu.json'])) as Record<string, unknown>;
    expect(gpu.NVIDIA_VISIBLE_DEVICES).toBe('0');
    const trainLogs = (await project.engine.getContainer(train.Id).logs({ stdout: true, stderr: true })).toString();
    expect(trainLogs).toContain(gpu.used ? 'using GPU 0' : 'no GPU visible, training on CPU');

    // The model fits the data: predictions over HTTP on 127.0.0.1 follow y = 2x + 1.
    const predict = async (x: string) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/predict?x=${x}`, { signal: AbortSignal.timeout(5000) });
        return { status: res.status, body: (await res.json()) as { x?: number; y?: number; error?: string } };
      } catch (err) {
        return { status: 0, body: { error: String(err) } };
      }
    };
    await expect
      .poll(() => predict('3'), { timeout: 15_000, interval: 500 })
      .toMatchObject({ status: 200, body: { x: 3 } });
    for (const x of [0, 3, 10]) {
      const { body } = await predict(String(x));
      expect(Math.abs(body.y! - (2 * x + 1)), `prediction at x=${x}`).toBeLessThan(0.25);
    }
    expect((await predict('abc')).status).toBe(400);
  });

  it('a second up keeps the completed steps; a changed train re-runs alone and serve restarts on the new model', async () => {
    project = await useProject(join(repoRoot, 'examples', 'ml-pipeline'));
    const port = String(await freePort());
    const upWait = async (env: Record<string, string> = {}, args: string[] = []) => {
      const result = await project!.cli(['up', '-d', '--wait', ...args], { SERVE_PORT: port, ...env });
      expect(result.stderr).not.toMatch(/^error:/m);
      expect(result.code).toBe(0);
    };
    const started = async () =>
      Object.fromEntries(
        await Promise.all(['ingest', 'train', 'serve'].map(async (s) => [s, (await only(s)).State.StartedAt] as const)),
      );
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
      return ((await res.json()) as { model: { epochs: number } }).model.epochs;
    };
    await upWait();
    const first = await started();
    expect(await health()).toBe(2000);

    await upWait();
    expect(await started()).toEqual(first);

    await upWait({ EPOCHS: '500' });
    const second = await started();
    expect(second.ingest).toBe(first.ingest);
    expect(nanos(second.train)).toBeGreaterThan(nanos(first.train));
    expect(nanos(second.serve)).toBeGreaterThan(nanos((await only('train')).State.FinishedAt));
    await expect.poll(() => health().catch(() => 0), { timeout: 15_000, interval: 500 }).toBe(500);

    // --from train: training again, ingest still untouched.
    await upWait({ EPOCHS: '500' }, ['--from', 'train']);
    const third = await started();
    expect(third.ingest).toBe(first.ingest);
    expect(nanos(third.train)).toBeGreaterThan(nanos(second.train));
    expect(nanos(third.serve)).toBeGreaterThan(nanos(second.serve));
  });

  it('with compose.cpu.yaml the GPU reservation is reset away and the pipeline trains on the CPU', async () => {
    project = await useProject(join(repoRoot, 'examples', 'ml-pipeline'));
    const result = await project.cli(['-f', 'compose.yaml', '-f', 'compose.cpu.yaml', 'up', '-d', '--wait'], {
      SERVE_PORT: String(await freePort()),
    });
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.code).toBe(0);
    const train = await only('train');
    expect(train.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(train.HostConfig.DeviceRequests ?? []).toEqual([]);
    const serve = await only('serve');
    expect(await healthOf(project, serve)).toBe('healthy');
    expect(JSON.parse(await project.exec(serve.Id, ['cat', '/data/gpu.json']))).toEqual({
      NVIDIA_VISIBLE_DEVICES: null,
      device_present: false,
      used: false,
    });
    expect((await project.engine.getContainer(train.Id).logs({ stdout: true, stderr: true })).toString()).toContain(
      'no GPU visible, training on CPU',
    );
  });

  it('a failing ingest stops the pipeline: berth exits non-zero naming ingest, and train and serve never start', async () => {
    project = await useProject(join(repoRoot, 'examples', 'ml-pipeline'));
    const port = String(await freePort());
    // On the CPU: the point is the failing stage, on any engine (Podman before 5.4 takes no GPU at all).
    const result = await project.cli(['-f', 'compose.yaml', '-f', 'compose.cpu.yaml', 'up', '-d', '--wait'], {
      SERVE_PORT: port,
      INGEST_FAIL: '1',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^error: .*\bingest\b/m);
    expect(result.stderr).toContain('INGEST_FAIL=1: failing on purpose');

    const ingest = await only('ingest');
    expect(ingest.State).toMatchObject({ Status: 'exited', ExitCode: 1 });
    const notStarted = async () => {
      for (const service of ['train', 'serve']) {
        for (const c of await project!.containers(service)) {
          const info = await project!.engine.getContainer(c.Id).inspect();
          expect(info.State.StartedAt, `${service} should never have started`).toBe(NEVER);
        }
      }
      expect((await project!.containers()).filter((c) => c.State === 'running')).toEqual([]);
    };
    await notStarted();

    // The library reports the same through its error, and still starts nothing downstream.
    const loaded = await loadProject({
      cwd: project.dir,
      files: ['compose.yaml', 'compose.cpu.yaml'],
      environment: { ...process.env, COMPOSE_PROJECT_NAME: project.name, SERVE_PORT: port, INGEST_FAIL: '1' },
    });
    const error = await up(loaded, { engine: project.engine, wait: true }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error, 'up should have rejected').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/\bingest\b/);
    expect((await only('ingest')).State).toMatchObject({ Status: 'exited', ExitCode: 1 });
    await notStarted();
  });
});
