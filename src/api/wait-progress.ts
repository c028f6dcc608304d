// `up --wait` reported as it goes: a line per container waited for, settled Healthy, Running
// or Exited the moment it is, so a long wait is never silent.
import type Docker from 'dockerode';
import { Label } from '../model/labels.js';
import type { Project } from '../model/types.js';
import type { ProgressListener } from '../progress/events.js';

export interface WaitProgress {
  started(c: Docker.ContainerInfo): void;
  done(c: Docker.ContainerInfo): void;
  failed(c: Docker.ContainerInfo, error: string): void;
}

export function waitProgress(
  project: Project,
  jobs: Set<string>,
  containers: Docker.ContainerInfo[],
  onEvent: ProgressListener | undefined,
): WaitProgress {
  if (containers.length) onEvent?.({ type: 'plan', steps: containers.map(stepId) });
  const healthchecked = (service: string) => {
    const check = project.services[service]?.healthcheck;
    return !!check && !check.disable;
  };
  const send = (c: Docker.ContainerInfo, status: 'started' | 'done' | 'failed', text: string, error?: string) => {
    const service = c.Labels[Label.service];
    onEvent?.({
      type: 'step',
      id: stepId(c),
      kind: 'await-service',
      resource: `Container ${(c.Names[0] ?? c.Id).replace(/^\//, '')}`,
      status,
      text,
      reason: `up --wait: service "${service}"`,
      error,
    });
  };
  const goal = (c: Docker.ContainerInfo) => {
    const service = c.Labels[Label.service];
    return jobs.has(service) ? 'completion' : healthchecked(service) ? 'healthy' : 'running';
  };
  return {
    started: (c) => send(c, 'started', `Waiting for ${goal(c)}`),
    done: (c) => send(c, 'done', { completion: 'Exited', healthy: 'Healthy', running: 'Running' }[goal(c)]),
    failed: (c, error) => send(c, 'failed', 'Error', error),
  };
}

function stepId(c: Docker.ContainerInfo): string {
  return `wait:${c.Id}`;
}
