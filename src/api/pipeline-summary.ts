// The pipeline summary after `up --wait` or an attached `up`: what each stage did, read from
// the engine once the run is over (reconcile/pipeline-summary.ts decides the words).
import { connectEngine } from '../engine/connect.js';
import { observe } from '../engine/observe.js';
import { ServiceGraph } from '../graph/graph.js';
import type { LoadedProject } from '../model/types.js';
import { formatSummary, summarizeStages } from '../reconcile/pipeline-summary.js';
import { selectServices } from '../reconcile/plan.js';
import type { EngineOptions } from './engine-options.js';

export interface SummaryOptions extends Pick<EngineOptions, 'engine'> {
  services?: string[];
  noDeps?: boolean;
  /** When the run began (milliseconds since the epoch). */
  since: number;
}

/** The summary's lines; none when the selected services hold no job. */
export async function pipelineSummary(loaded: LoadedProject, options: SummaryOptions): Promise<string[]> {
  const project = loaded.project;
  const engine = options.engine ?? (await connectEngine());
  const selected = selectServices(project, new ServiceGraph(project), options.services, options.noDeps);
  const observed = await observe(engine, project);
  return formatSummary(summarizeStages(project, selected, observed.containers, options.since));
}
