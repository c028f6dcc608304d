// What a command run under --dry-run prints instead of acting: one step a line, as
// `up --dry-run` prints its plan, or that there is nothing to do.
import { dryRunLines } from '../progress/dry-run.js';
import type { Plan } from '../reconcile/plan.js';
import type { CliContext } from './command.js';

export function printPlans(ctx: CliContext, plans: Plan[]): void {
  printDryRun(ctx, plans.flatMap(dryRunLines));
}

export function printDryRun(ctx: CliContext, lines: string[]): void {
  ctx.stdout.write(ctx.redactor().text(`${lines.join('\n') || 'nothing to do'}\n`));
}
