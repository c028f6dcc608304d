import { describe, expect, it } from 'vitest';
import type { ModeName, ServiceInfo, ServiceSpec, TaskInfo } from '../../src/swarm/types.js';
import { serviceVerdict } from '../../src/swarm/wait.js';

const HASH = 'current';

function expected(mode: ModeName = 'replicated') {
  return { key: 'web', name: 'shop_web', mode, taskHash: HASH, spec: {} as ServiceSpec };
}

function info(mode: ServiceSpec['Mode'], extra: Partial<ServiceInfo> = {}, condition = 'any'): ServiceInfo {
  return {
    ID: 'svc',
    Version: { Index: 5 },
    Spec: {
      Name: 'shop_web',
      Labels: {},
      Mode: mode,
      TaskTemplate: { ContainerSpec: { Image: 'busybox', Labels: {} }, RestartPolicy: { Condition: condition } },
    },
    ...extra,
  };
}

let counter = 0;
function task(
  state: string,
  extra: { hash?: string; desired?: string; err?: string; slot?: number; at?: string } = {},
): TaskInfo {
  counter += 1;
  return {
    ID: `t${counter}`,
    ServiceID: 'svc',
    NodeID: 'node1',
    Slot: extra.slot ?? counter,
    DesiredState: extra.desired ?? 'running',
    Spec: { ContainerSpec: { Image: 'busybox', Labels: { 'com.docker.compose.config-hash': extra.hash ?? HASH } } },
    Status: {
      State: state,
      Err: extra.err,
      Timestamp: extra.at ?? `2024-01-01T00:00:${String(counter % 60).padStart(2, '0')}Z`,
    },
  };
}

describe('serviceVerdict', () => {
  it('is converged when as many current tasks run as there are replicas', () => {
    expect(
      serviceVerdict(expected(), info({ Replicated: { Replicas: 2 } }), [task('running'), task('running')]),
    ).toEqual({ state: 'converged' });
  });

  it('is pending while a task is still starting (or not yet healthy)', () => {
    expect(
      serviceVerdict(expected(), info({ Replicated: { Replicas: 2 } }), [task('running'), task('starting')]),
    ).toMatchObject({ state: 'pending', progress: '1/2 tasks running' });
  });

  it('does not count tasks of the previous version, even running ones, during a rolling update', () => {
    const tasks = [task('running'), task('running', { hash: 'old' })];
    expect(serviceVerdict(expected(), info({ Replicated: { Replicas: 1 } }), tasks)).toMatchObject({
      state: 'pending',
      progress: '1/1 tasks running, 1 of the previous version',
    });
  });

  it('ignores tasks Swarm has shut down', () => {
    const tasks = [task('running'), task('failed', { desired: 'shutdown', err: 'boom' })];
    expect(serviceVerdict(expected(), info({ Replicated: { Replicas: 1 } }), tasks)).toEqual({ state: 'converged' });
  });

  it("collects the errors of this version's tasks, replaced ones included, for the report", () => {
    const tasks = [
      task('rejected', { desired: 'shutdown', err: 'No such image: nope:1', slot: 1, at: '2024-01-01T00:00:01Z' }),
      task('pending', { slot: 1, at: '2024-01-01T00:00:02Z' }),
    ];
    expect(serviceVerdict(expected(), info({ Replicated: { Replicas: 1 } }), tasks)).toEqual({
      state: 'pending',
      progress: '0/1 tasks running',
      errors: ['shop_web.1: No such image: nope:1'],
    });
  });

  it('fails at once when a task failed and the restart policy will not restart it', () => {
    const verdict = serviceVerdict(expected(), info({ Replicated: { Replicas: 1 } }, {}, 'none'), [
      task('failed', { err: 'task: non-zero exit (3)', slot: 1 }),
    ]);
    expect(verdict).toEqual({
      state: 'failed',
      message: '1 task failed and restart_policy is "none"',
      errors: ['shop_web.1: task: non-zero exit (3)'],
    });
  });

  it('fails when the update was paused or rolled back', () => {
    const paused = info(
      { Replicated: { Replicas: 1 } },
      { UpdateStatus: { State: 'rollback_completed', Message: 'rollback completed' } },
    );
    expect(serviceVerdict(expected(), paused, [task('running')])).toMatchObject({
      state: 'failed',
      message: 'update rollback completed: rollback completed',
    });
  });

  it('is pending until Swarm calls the rolling update done (after its monitor period)', () => {
    const updating = info({ Replicated: { Replicas: 1 } }, { UpdateStatus: { State: 'updating' } });
    expect(serviceVerdict(expected(), updating, [task('running')])).toMatchObject({
      state: 'pending',
      progress: 'rolling update in progress',
    });
    const done = info({ Replicated: { Replicas: 1 } }, { UpdateStatus: { State: 'completed' } });
    expect(serviceVerdict(expected(), done, [task('running')])).toEqual({ state: 'converged' });
  });

  it('waits for every node of a global service', () => {
    const global = info({ Global: {} }, { ServiceStatus: { RunningTasks: 1, DesiredTasks: 2 } });
    expect(serviceVerdict(expected('global'), global, [task('running'), task('starting')])).toMatchObject({
      state: 'pending',
      progress: '1/2 tasks running',
    });
    expect(serviceVerdict(expected('global'), global, [task('running'), task('running')])).toEqual({
      state: 'converged',
    });
  });

  it('is converged for a job once its completions are done', () => {
    const job = info({ ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 2 } });
    expect(
      serviceVerdict(expected('replicated-job'), job, [
        task('complete', { desired: 'complete' }),
        task('running', { desired: 'complete' }),
      ]),
    ).toMatchObject({ state: 'pending', progress: '1/2 tasks completed' });
    expect(
      serviceVerdict(expected('replicated-job'), job, [
        task('complete', { desired: 'complete' }),
        task('complete', { desired: 'complete' }),
      ]),
    ).toEqual({ state: 'converged' });
  });

  it('is pending until the service is listed', () => {
    expect(serviceVerdict(expected(), undefined, [])).toMatchObject({ state: 'pending' });
  });
});
