// A dry run's plan as the user reads a real run: what each step acts on by name, what it would
// do, and why (`Container proj-web-1  Recreate (environment.DEBUG: "0" -> "1")`), in the order
// the steps would run. The graph form with node ids stays in reconcile/plan.ts for golden tests.
import type { Plan, Step } from '../reconcile/plan.js';
import { isReported, stepResource } from './events.js';

/** The step kind's verb: `recreate-container` -> `Recreate`. */
function verb(step: Step): string {
  if (step.kind === 'await-service')
    return step.condition === 'service_healthy' ? 'Wait until healthy' : 'Wait until completed';
  const word = step.kind.split('-')[0];
  return word[0].toUpperCase() + word.slice(1);
}

/** One line per step that a real run would report, then the warnings. */
export function dryRunLines(plan: Plan): string[] {
  return [
    ...plan.nodes.filter(isReported).map((n) => ` ${stepResource(n.step)}  ${verb(n.step)} (${n.reason})`),
    ...plan.warnings.map((w) => `warning: ${w}`),
  ];
}
