// Pipelines as jobs on the real engine: a completed stage stays done, a changed stage re-runs
// with everything downstream, and upstream stages are never touched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { nanos } from './engine-time.js';
import { useProject, type TestProject } from './harness.js';

const STAGES = ['ingest', 'train', 'serve', 'report'] as const;

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
});
