// The typed progress events the library reports; the CLI renders them, a library user may too.
import { KEPT, type StepStatus } from '../reconcile/execute.js';
import type { PlanNode, Step } from '../reconcile/plan.js';

export type ProgressEvent =
  /** A plan is about to run: the ids of every step that will be reported. */
  | { type: 'plan'; steps: string[] }
  /** `kind` is a plan step kind: a single-host one (`create-container`) or a Swarm one (`update-service`). */
  | {
      type: 'step';
      id: string;
      kind: string;
      resource: string;
      status: StepStatus;
      text: string;
      reason: string;
      error?: string;
    }
  | { type: 'warning'; message: string }
  /** A line of pull or build output. */
  | { type: 'output'; service: string; line: string };

export type ProgressListener = (event: ProgressEvent) => void;

/** What a step acts on, as a person reads it: `Container proj-web-1`. */
export function stepResource(step: Step): string {
  switch (step.kind) {
    case 'create-network':
    case 'recreate-network':
    case 'remove-network':
      return `Network ${step.name}`;
    case 'create-volume':
    case 'remove-volume':
      return `Volume ${step.name}`;
    case 'pull-image':
    case 'build-image':
      return `Image ${step.image}`;
    case 'remove-image':
      return `Image ${step.image}`;
    case 'create-container':
    case 'recreate-container':
      return `Container ${step.name}`;
    case 'start-container':
    case 'restart-container':
    case 'stop-container':
    case 'remove-container':
    case 'keep-job':
      return `Container ${step.container.name}`;
    case 'await-service':
    case 'service-ready':
      return `Service ${step.service}`;
  }
}

const WORDS: Record<Step['kind'], [started: string, done: string]> = {
  'create-network': ['Creating', 'Created'],
  'recreate-network': ['Recreating', 'Recreated'],
  'create-volume': ['Creating', 'Created'],
  'pull-image': ['Pulling', 'Pulled'],
  'build-image': ['Building', 'Built'],
  'create-container': ['Creating', 'Created'],
  'recreate-container': ['Recreating', 'Recreated'],
  'start-container': ['Starting', 'Started'],
  'restart-container': ['Restarting', 'Restarted'],
  'stop-container': ['Stopping', 'Stopped'],
  'remove-container': ['Removing', 'Removed'],
  'await-service': ['Waiting', 'Ready'],
  'service-ready': ['', ''],
  'remove-network': ['Removing', 'Removed'],
  'remove-volume': ['Removing', 'Removed'],
  'remove-image': ['Removing', 'Removed'],
  'keep-job': ['Checking', 'Kept'],
};

/** The status word for a step event: Creating, Created, Kept, Error, ... */
export function statusText(node: PlanNode, status: StepStatus, result?: unknown): string {
  const [started, done] = WORDS[node.step.kind];
  if (status === 'started') {
    if (node.step.kind === 'await-service')
      return node.step.condition === 'service_healthy' ? 'Waiting for healthy' : 'Waiting for completion';
    return started;
  }
  if (status === 'done') {
    const step = node.step;
    const startsToo = (step.kind === 'create-container' || step.kind === 'recreate-container') && step.start;
    if (step.kind === 'await-service') return step.condition === 'service_healthy' ? 'Healthy' : 'Exited';
    if (result === KEPT) return 'Kept';
    const word = startsToo ? 'Started' : done;
    return step.kind === 'keep-job' || ('explain' in step && step.explain) ? `${word} (${node.reason})` : word;
  }
  return status === 'failed' ? 'Error' : 'Cancelled';
}

/** Steps that do nothing visible are not reported. */
export function isReported(node: PlanNode): boolean {
  return node.step.kind !== 'service-ready';
}
