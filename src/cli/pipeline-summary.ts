// Prints the pipeline summary on stderr at the end of `up --wait` and attached `up`.
import { pipelineSummary } from '../api/pipeline-summary.js';
import type { UpOptions } from '../api/up.js';
import type { LoadedProject } from '../model/types.js';
import type { CliContext } from './command.js';

/** `since`: when the run began (ms). Best effort: a run that failed reports its own error, not the summary's. */
export async function printPipelineSummary(
  ctx: CliContext,
  loaded: LoadedProject,
  upOptions: UpOptions,
  since: number,
): Promise<void> {
  const { engine, services, noDeps } = upOptions;
  const lines = await pipelineSummary(loaded, { engine, services, noDeps, since }).catch(() => []);
  if (lines.length) ctx.stderr.write(lines.map((l) => `${l}\n`).join(''));
}
