// `deploy --wait`: until every service of the stack has converged. A task is *current* when
// its container labels carry the task-template hash berth deployed, so tasks of the previous
// version never count, whatever the rolling update is doing. Swarm marks a task running only
// once its healthcheck (if any) passes, so "running" already means "healthy".
import { BerthError, ServiceError } from '../errors.js';
import type { Engine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { ProgressListener } from '../progress/events.js';
import { dial } from './apply.js';
import type { SwarmService } from './convert.js';
import { STACK_NAMESPACE, type ServiceInfo, type TaskInfo } from './types.js';

export interface StackWaitOptions {
  /** Milliseconds; no limit when absent. */
  timeout?: number;
  signal?: AbortSignal;
  /** New task errors are reported as warnings while waiting. */
  onEvent?: ProgressListener;
  /** Milliseconds between two looks; default 500. */
  interval?: number;
}

export type ServiceVerdict =
  | { state: 'converged' }
  | { state: 'pending'; progress: string; errors: string[] }
  | { state: 'failed'; message: string; errors: string[] };

const GONE = new Set(['shutdown', 'remove', 'orphaned']);
const FAILED = new Set(['failed', 'rejected']);

/** Pure: where one service stands, from its inspect and its tasks. */
export function serviceVerdict(
  expected: Pick<SwarmService, 'key' | 'name' | 'mode' | 'taskHash' | 'spec'>,
  info: ServiceInfo | undefined,
  tasks: TaskInfo[],
): ServiceVerdict {
  if (!info) return { state: 'pending', progress: 'service not listed yet', errors: [] };
  const live = tasks.filter((t) => !GONE.has(t.DesiredState));
  const current = live.filter((t) => t.Spec?.ContainerSpec?.Labels?.[Label.configHash] === expected.taskHash);
  const stale = live.filter(
    (t) => t.Spec?.ContainerSpec?.Labels?.[Label.configHash] !== expected.taskHash && t.Status.State !== 'complete',
  );
  // Errors of this version's tasks, replaced ones included (a rejected task is replaced at once), oldest first.
  const errors = [
    ...new Set(
      tasks
        .filter(
          (t) =>
            t.Spec?.ContainerSpec?.Labels?.[Label.configHash] === expected.taskHash &&
            (FAILED.has(t.Status.State) || t.Status.Err),
        )
        .sort((a, b) => (a.Status.Timestamp ?? '').localeCompare(b.Status.Timestamp ?? ''))
        .map((t) => `${taskName(expected.name, t)}: ${t.Status.Err || t.Status.Message || t.Status.State}`),
    ),
  ];

  const update = info.UpdateStatus?.State;
  if (update === 'paused' || update?.startsWith('rollback')) {
    return {
      state: 'failed',
      message: `update ${update.replace('_', ' ')}${info.UpdateStatus?.Message ? `: ${info.UpdateStatus.Message}` : ''}`,
      errors,
    };
  }
  const condition = info.Spec.TaskTemplate.RestartPolicy?.Condition;
  const dead = current.filter((t) => FAILED.has(t.Status.State) && t.DesiredState !== 'shutdown');
  if (dead.length && condition === 'none') {
    return {
      state: 'failed',
      message: `${dead.length} task${dead.length > 1 ? 's' : ''} failed and restart_policy is "none"`,
      errors,
    };
  }

  // Swarm watches each updated task for update_config.monitor before it calls the update done.
  if (update === 'updating') return { state: 'pending', progress: 'rolling update in progress', errors };

  const running = current.filter((t) => t.Status.State === 'running').length;
  const complete = current.filter((t) => t.Status.State === 'complete').length;
  switch (expected.mode) {
    case 'replicated': {
      const want = info.Spec.Mode.Replicated?.Replicas ?? 1;
      return running >= want && !stale.length
        ? { state: 'converged' }
        : {
            state: 'pending',
            progress: `${running}/${want} tasks running${stale.length ? `, ${stale.length} of the previous version` : ''}`,
            errors,
          };
    }
    case 'global': {
      const want = Math.max(1, info.ServiceStatus?.DesiredTasks ?? 0, current.length);
      return running >= want && !stale.length
        ? { state: 'converged' }
        : { state: 'pending', progress: `${running}/${want} tasks running`, errors };
    }
    case 'replicated-job': {
      const want = info.Spec.Mode.ReplicatedJob?.TotalCompletions ?? 1;
      return complete >= want
        ? { state: 'converged' }
        : { state: 'pending', progress: `${complete}/${want} tasks completed`, errors };
    }
    case 'global-job':
      return current.length > 0 && complete === current.length
        ? { state: 'converged' }
        : { state: 'pending', progress: `${complete}/${Math.max(1, current.length)} tasks completed`, errors };
  }
}

export function taskName(serviceName: string, t: Pick<TaskInfo, 'Slot' | 'NodeID'>): string {
  return t.Slot ? `${serviceName}.${t.Slot}` : `${serviceName}.${t.NodeID ?? '?'}`;
}

export async function waitForStack(
  engine: Engine,
  project: string,
  services: SwarmService[],
  options: StackWaitOptions = {},
): Promise<void> {
  if (!services.length) return;
  const started = Date.now();
  const reported = new Set<string>();
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const [infos, tasks] = await Promise.all([
      dial<ServiceInfo[]>(engine, {
        path: '/services?',
        method: 'GET',
        options: { filters: { label: [`${STACK_NAMESPACE}=${project}`] }, status: true },
      }),
      engine.listTasks({ filters: { service: services.map((s) => s.name) } }) as Promise<unknown> as Promise<
        TaskInfo[]
      >,
    ]);
    const byName = new Map(infos.map((i) => [i.Spec.Name, i]));
    const verdicts = services.map((s) => {
      const info = byName.get(s.name);
      return { service: s, verdict: serviceVerdict(s, info, info ? tasks.filter((t) => t.ServiceID === info.ID) : []) };
    });
    for (const { service, verdict } of verdicts) {
      if (verdict.state === 'converged') continue;
      for (const error of verdict.errors) {
        if (reported.has(error)) continue;
        reported.add(error);
        options.onEvent?.({ type: 'warning', message: `service "${service.key}": task ${error}` });
      }
    }
    const failed = verdicts.find((v) => v.verdict.state === 'failed');
    if (failed && failed.verdict.state === 'failed') {
      throw new ServiceError(
        'dependency-failed',
        failed.service.key,
        `${failed.verdict.message}${describeErrors(failed.verdict.errors)}`,
      );
    }
    const pending = verdicts.filter((v) => v.verdict.state === 'pending');
    if (!pending.length) return;
    if (options.timeout !== undefined && Date.now() - started >= options.timeout) {
      const [first, ...others] = pending;
      const describe = (v: (typeof pending)[number]) =>
        v.verdict.state === 'pending' ? `${v.verdict.progress}${describeErrors(v.verdict.errors)}` : '';
      const rest = others.map((v) => `; service "${v.service.key}": ${describe(v)}`).join('');
      throw new ServiceError(
        'timeout',
        first.service.key,
        `not converged within ${Math.round(options.timeout / 1000)} s (${describe(first)})${rest}`,
      );
    }
    await sleep(options.interval ?? 500, options.signal);
  }
}

function describeErrors(errors: string[]): string {
  if (!errors.length) return '';
  const shown = errors.slice(-3);
  return `; task errors: ${shown.join('; ')}${errors.length > shown.length ? ` (and ${errors.length - shown.length} more)` : ''}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new BerthError('timeout', 'aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
