// Pipelines as jobs on the real engine: a completed stage stays done, a changed stage re-runs
// with everything downstream, and upstream stages are never touched. A failing job fails
// --wait with its exit code and last lines, restart: true follows a dependency that started
// again, and GPU requests are checked before any stage runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { nanos } from './engine-time.js';
import { useProject, type TestProject } from './harness.js';

const STAGES = ['ingest', 'train', 'serve', 'report'] as const;

/** A container that never started: the engine's zero time. */
const NEVER = '0001-01-01T00:00:00Z';

describe('pipeline jobs', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  async function inspect(service: string): Promise<Docker.ContainerInspectInfo> {
    const containers = await project!.containers(service);
    expect(containers, `${service} should have exactly one container`).toHaveLength(1);
    return project!.engine.getContainer(containers[0].Id).inspect();
  }

  /** Each stage's container id and last start, the identity an untouched stage keeps. */
  async function snapshot() {
    const out: Record<string, { id: string; started: string; finished: string }> = {};
    for (const s of STAGES) {
      const info = await inspect(s);
      out[s] = { id: info.Id, started: info.State.StartedAt, finished: info.State.FinishedAt };
    }
    return out;
  }

  const after = (a: string, b: string) => nanos(a) > nanos(b);

  async function upWait(args: string[] = []) {
    const result = await project!.cli(['up', '-d', '--wait', ...args]);
    expect(result.stderr).not.toMatch(/^error:/m);
    expect(result.code).toBe(0);
    return result;
  }

  it('a second unchanged up keeps completed stages, and a changed stage re-runs with serve restarted on its new output', async () => {
    project = await useProject('pipeline-jobs');

    // First run: every stage in order; the leaf job that exits 0 does not fail --wait.
    await upWait();
    for (const job of ['ingest', 'train', 'report'])
      expect((await inspect(job)).State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const serve = await inspect('serve');
    expect(serve.State.Health?.Status).toBe('healthy');
    const first = await snapshot();
    expect(after(first.train.started, first.ingest.finished)).toBe(true);
    expect(after(first.serve.started, first.train.finished)).toBe(true);
    expect(after(first.report.started, first.ingest.finished)).toBe(true);
    expect(await project.exec(serve.Id, ['cat', '/srv-model.txt'])).toMatch(/^model 1 from [0-9a-f-]{36}\n$/);

    // ps -a shows each completed job's exit code and how long it ran; serve, running, has no duration.
    const ps = await project.cli(['ps', '-a']);
    const line = (service: string) =>
      ps.stdout.split('\n').find((l) => l.startsWith(`${project!.name}-${service}-1 `)) ?? '';
    expect(ps.stdout.split('\n')[0]).toMatch(/STATUS +PORTS +RAN FOR$/);
    for (const job of ['ingest', 'train', 'report']) expect(line(job)).toMatch(/Exited \(0\) .* \d+s$/);
    expect(line('serve')).toMatch(/Up .*\(healthy\)$/);

    // Second, unchanged run: nothing re-runs, nothing restarts.
    const second = await upWait();
    expect(await snapshot()).toEqual(first);
    expect(second.stderr).toMatch(/ingest-1 +Kept \(up to date: exited 0 at \d\d:\d\d:\d\d, config unchanged\)/);
    // The summary at the end says so for each stage.
    expect(second.stderr).toMatch(
      /^Pipeline:\n {2}ingest +up to date +exit 0 +[\d.]+s\n {2}train +up to date +exit 0/m,
    );
    expect(second.stderr).toMatch(/^ {2}serve +healthy$/m);

    // Only train's environment changes: ingest stays, train re-runs, serve restarts after it.
    const file = join(project.dir, 'compose.yaml');
    project.write('compose.yaml', readFileSync(file, 'utf8').replace('MODEL_VERSION: "1"', 'MODEL_VERSION: "2"'));
    await upWait();
    const third = await snapshot();
    expect(third.ingest).toEqual(first.ingest);
    expect(third.report).toEqual(first.report);
    expect(third.train.id).not.toBe(first.train.id);
    expect((await inspect('train')).State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(third.serve.id).toBe(first.serve.id);
    expect(after(third.serve.started, third.train.finished)).toBe(true);
    const ingested = await project.exec(third.serve.id, ['cat', '/data/ingest.txt']);
    expect(await project.exec(third.serve.id, ['cat', '/srv-model.txt'])).toBe(`model 2 from ${ingested}`);
  });

  it('up --from train re-runs train and restarts serve, leaving ingest and the report alone', async () => {
    project = await useProject('pipeline-jobs');
    await upWait();
    const first = await snapshot();
    await upWait(['--from', 'train']);
    const next = await snapshot();
    expect(next.ingest).toEqual(first.ingest);
    expect(next.report).toEqual(first.report);
    // Same train container, run again after the first run finished.
    expect(next.train.id).toBe(first.train.id);
    expect(after(next.train.started, first.serve.started)).toBe(true);
    expect(next.serve.id).toBe(first.serve.id);
    expect(after(next.serve.started, next.train.finished)).toBe(true);
  });

  it('up --no-deps train serve keeps their order: serve starts only after train completed, ingest is left alone', async () => {
    project = await useProject('pipeline-jobs');
    await upWait(['ingest']);
    const ingest = await inspect('ingest');
    await upWait(['--no-deps', 'train', 'serve']);
    const train = await inspect('train');
    const serve = await inspect('serve');
    expect(train.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(after(serve.State.StartedAt, train.State.FinishedAt)).toBe(true);
    expect((await inspect('ingest')).State.StartedAt).toBe(ingest.State.StartedAt);
    expect(await project.containers('report')).toEqual([]);
  });

  it('attached up ends when every stage completed and says what each did; the next one keeps them', async () => {
    project = await useProject('pipeline-attached');
    const first = await project.cli(['up']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/train.*\| ingested/);
    expect(first.stderr).toMatch(/^Pipeline:\n {2}ingest +completed +exit 0 +[\d.]+s\n {2}train +completed +exit 0 /m);
    const train = await inspect('train');
    expect(train.State).toMatchObject({ Status: 'exited', ExitCode: 0 });

    const second = await project.cli(['up']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^ {2}ingest +up to date +exit 0/m);
    expect(second.stderr).toMatch(/^ {2}train +up to date +exit 0/m);
    expect((await inspect('train')).State.StartedAt).toBe(train.State.StartedAt);
  });

  it('up --wait fails on a job that exits non-zero, naming the service, its exit code and its last log lines', async () => {
    project = await useProject('pipeline-failing');
    const result = await project.cli(['up', '-d', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: service "check": not ready: .*exited with code 4/m);
    expect(result.stderr).toContain('row 17 is malformed');
    expect(result.stderr).toMatch(/^ {2}check +failed +exit 4 +[\d.]+s$/m);
    expect((await inspect('check')).State).toMatchObject({ Status: 'exited', ExitCode: 4 });
    expect((await inspect('web')).State.Running).toBe(true);
  });

  it('a dependency started again restarts its restart: true dependent, and re-runs the migration that depends on it', async () => {
    project = await useProject('pipeline-restart');
    const upWait = async () => {
      const result = await project!.cli(['up', '-d', '--wait']);
      expect(result.stderr).not.toMatch(/^error:/m);
      expect(result.code).toBe(0);
    };
    await upWait();
    const migrated = await inspect('migrate');
    const app = await inspect('app');
    expect(migrated.State).toMatchObject({ Status: 'exited', ExitCode: 0 });

    // Unchanged: the migration is up to date, app is left alone.
    await upWait();
    expect((await inspect('migrate')).State.StartedAt).toBe(migrated.State.StartedAt);
    expect((await inspect('app')).State.StartedAt).toBe(app.State.StartedAt);

    // db stopped and started again by up: migrate re-runs after it, app restarts after both.
    expect((await project.cli(['stop', 'db'])).code).toBe(0);
    await upWait();
    const db = await inspect('db');
    const again = await inspect('migrate');
    const restarted = await inspect('app');
    expect(again.Id).toBe(migrated.Id);
    expect(after(again.State.StartedAt, db.State.StartedAt)).toBe(true);
    expect(again.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    expect(restarted.Id).toBe(app.Id);
    expect(after(restarted.State.StartedAt, again.State.FinishedAt)).toBe(true);
    // The migration ran twice in all: once per start of db.
    const log = await project.exec(restarted.Id, ['cat', '/state/migrations.log']);
    expect(log.trim().split('\n')).toHaveLength(2);
  });

  it('a GPU request the engine cannot satisfy fails up before any stage runs, naming the service and the missing driver', async () => {
    project = await useProject('pipeline-gpu');
    const result = await project.cli(['up', '-d', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: service "train": asks for GPUs \(no-such-vendor, 1 device\)/m);
    expect(result.stderr).toMatch(/could not select device driver "no-such-vendor"/);
    // ingest, upstream of train, never ran; no probe container is left behind.
    for (const c of await project.containers()) {
      const info = await project.engine.getContainer(c.Id).inspect();
      expect(info.State.StartedAt, `${c.Names[0]} should never have started`).toBe(NEVER);
    }
    const probes = await project.engine.listContainers({ all: true, filters: { name: ['berth-gpu-probe-'] } });
    expect(probes).toEqual([]);

    // The library says the same through a typed error.
    const error = await project.up({ wait: true }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).service).toBe('train');
  });

  it('two services on the same GPU, and GPU services at the default /dev/shm, are warned about; progress names the GPUs', async () => {
    project = await useProject('pipeline-gpu-share');
    const result = await project.cli(['up', '-d', '--wait']);
    expect(result.code).toBe(0);
    // The warnings are the point here: the containers start as asked.
    expect(result.stderr).toContain(
      'warning: services "train-a" and "train-b" both reserve GPU 0: they will share it (give each its own device_ids to keep them apart)',
    );
    expect(result.stderr).toMatch(/warning: service "train-a" uses a GPU with the default 64 MB \/dev\/shm/);
    expect(result.stderr).toMatch(/train-a-1 +Started \(not found; GPUs: nvidia, 1 device\)/);
    expect(result.stderr).toMatch(/train-b-1 +Started \(not found; GPUs: nvidia, device 0\)/);
    const ps = (await project.cli(['ps'])).stdout.split('\n');
    expect(ps[0]).toMatch(/ GPUS$/);
    expect(ps.find((l) => l.startsWith(`${project!.name}-train-a-1 `))).toMatch(/ nvidia, 1 device$/);
    expect(ps.find((l) => l.startsWith(`${project!.name}-train-b-1 `))).toMatch(/ nvidia, device 0$/);
    for (const service of ['train-a', 'train-b']) {
      const info = await inspect(service);
      expect(info.State.Running).toBe(true);
      const env = await project.exec(info.Id, ['cat', '/proc/1/environ']);
      expect(env.split('\0')).toContain('NVIDIA_VISIBLE_DEVICES=0');
    }
  });
});
