// Execute: runs a plan's steps as soon as their predecessors are done, in parallel otherwise.
// It makes no decisions, and follows three rules: a step starts once every step in its
// `after` is done; a plan where a step waits on one not listed before it is refused before
// anything runs (the planners' builder, plan-graph.ts, holds them to the same rule); the first
// failure cancels every step not yet started, and the error that caused it is what the caller
// sees.
import { checkEdges } from './plan-graph.js';

export type StepStatus = 'started' | 'done' | 'failed' | 'cancelled';

/** A removal step's result when the engine kept the resource (still in use): it is reported as kept, not removed. */
export const KEPT = 'kept';

/** What the executor needs of a plan node; single-host and Swarm plans both have it. */
export interface ExecNode<S = unknown> {
  id: string;
  step: S;
  /** Ids of the nodes that must finish first. */
  after: string[];
}

export interface StepEvent<N extends ExecNode = ExecNode> {
  node: N;
  status: StepStatus;
  error?: unknown;
  /** What a done step returned. */
  result?: unknown;
}

/** Performs one step; `results` holds what earlier steps returned, by node id. */
export type StepRunner<N extends ExecNode = ExecNode> = (
  step: N['step'],
  node: N,
  results: ReadonlyMap<string, unknown>,
) => Promise<unknown>;

export interface ExecuteOptions<N extends ExecNode = ExecNode> {
  onEvent?: (event: StepEvent<N>) => void;
  /** Aborting cancels every step not yet started. */
  signal?: AbortSignal;
}

export async function executePlan<N extends ExecNode>(
  plan: { nodes: N[] },
  run: StepRunner<N>,
  options: ExecuteOptions<N> = {},
): Promise<Map<string, unknown>> {
  const listed = new Set<string>();
  for (const n of plan.nodes) {
    checkEdges(n, listed);
    listed.add(n.id);
  }
  const results = new Map<string, unknown>();
  const pending = new Map(plan.nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const running = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;

  const ready = (n: N) => n.after.every((id) => done.has(id));
  const emit = (node: N, status: StepStatus, error?: unknown, result?: unknown) =>
    options.onEvent?.({ node, status, error, result });
  const aborted = abortPromise(options.signal);

  while (pending.size || running.size) {
    if (!failure && options.signal?.aborted) failure = { error: options.signal.reason ?? new Error('aborted') };
    if (!failure) {
      for (const node of [...pending.values()].filter(ready)) {
        pending.delete(node.id);
        emit(node, 'started');
        running.set(
          node.id,
          run(node.step, node, results)
            .then(
              (value) => {
                results.set(node.id, value);
                done.add(node.id);
                emit(node, 'done', undefined, value);
              },
              (error: unknown) => {
                failure ??= { error };
                emit(node, 'failed', error);
              },
            )
            .finally(() => running.delete(node.id)),
        );
      }
    }
    if (failure) {
      for (const node of pending.values()) emit(node, 'cancelled');
      pending.clear();
    }
    // Every edge points to an earlier step, so with nothing running nothing is left waiting.
    if (!running.size) break;
    // Once failed, only the steps still running can wake the loop (the abort already fired).
    await Promise.race(failure ? [...running.values()] : [...running.values(), aborted]);
  }
  if (failure) throw failure.error;
  return results;
}

function abortPromise(signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
