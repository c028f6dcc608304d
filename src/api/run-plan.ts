// Runs a plan against the engine and reports it as progress events.
import { ServiceError } from '../errors.js';
import { engineStepRunner, type ActionContext } from '../engine/actions.js';
import { executePlan } from '../reconcile/execute.js';
import type { Plan } from '../reconcile/plan.js';
import { isReported, stepResource, statusText, type ProgressListener } from '../progress/events.js';

export async function runPlan(
  plan: Plan,
  ctx: ActionContext,
  onEvent: ProgressListener | undefined,
  signal?: AbortSignal,
): Promise<Map<string, unknown>> {
  for (const message of plan.warnings) onEvent?.({ type: 'warning', message });
  if (!plan.nodes.some(isReported)) return new Map();
  onEvent?.({ type: 'plan', steps: plan.nodes.filter(isReported).map((n) => n.id) });
  return executePlan(plan, engineStepRunner(ctx), {
    signal,
    onEvent: ({ node, status, error, result }) => {
      if (!isReported(node)) return;
      onEvent?.({
        type: 'step',
        id: node.id,
        kind: node.step.kind,
        resource: stepResource(node.step),
        status,
        text: statusText(node, status, result),
        reason: node.reason,
        error:
          error === undefined
            ? undefined
            : error instanceof ServiceError
              ? error.message
              : ((error as Error).message ?? String(error)),
      });
    },
  });
}
