// `ls`: the Compose projects on this engine, found through their containers' labels. Needs
// no compose file: the labels say where each project's files are.
import { BerthError } from '../errors.js';
import { connectEngine } from '../engine/connect.js';
import { Label } from '../model/labels.js';
import type { EngineOptions } from './up.js';

export interface ProjectSummary {
  name: string;
  /** Container states with counts, sorted by state: `exited(1), running(2)`. */
  status: string;
  /** The compose files, comma-separated, from the containers' labels. */
  configFiles: string;
}

export interface ListProjectsOptions extends Pick<EngineOptions, 'engine'> {
  /** Include projects whose containers are all stopped (and count stopped containers). */
  all?: boolean;
  /** `name=<pattern>` filters (a project matches when its name matches any of them). */
  filters?: string[];
}

export async function listProjects(options: ListProjectsOptions = {}): Promise<ProjectSummary[]> {
  const names = (options.filters ?? []).map(parseFilter);
  const engine = options.engine ?? (await connectEngine());
  const containers = await engine.listContainers({ all: !!options.all, filters: { label: [Label.project] } });
  const byProject = new Map<string, typeof containers>();
  for (const c of containers) {
    const project = c.Labels[Label.project];
    byProject.set(project, [...(byProject.get(project) ?? []), c]);
  }
  return [...byProject]
    .filter(([name]) => !names.length || names.some((pattern) => matches(pattern, name)))
    .map(([name, list]) => ({
      name,
      status: combinedStatus(list.map((c) => c.State)),
      configFiles: combinedFiles(list.map((c) => c.Labels[Label.configFiles] ?? '')),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function parseFilter(filter: string): string {
  const eq = filter.indexOf('=');
  const key = eq < 0 ? filter : filter.slice(0, eq);
  if (eq < 0 || key !== 'name')
    throw new BerthError('usage', `invalid filter "${filter}": only name=<pattern> is supported`);
  return filter.slice(eq + 1);
}

/** As the docker CLI matches filter values: the exact name, or a regular expression found in it. */
function matches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

export function combinedStatus(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.keys()]
    .sort()
    .map((s) => `${s}(${counts.get(s)})`)
    .join(', ');
}

function combinedFiles(labels: string[]): string {
  const files: string[] = [];
  for (const label of labels) for (const f of label.split(',')) if (f && !files.includes(f)) files.push(f);
  return files.join(',');
}
