// The pipeline summary printed at the end of an attached `up` or `up --wait`: one line per
// stage with its outcome, exit code and how long it ran. Pure: built from one observed
// snapshot taken after the run, and the time the run began.
import { ServiceGraph } from '../graph/graph.js';
import type { Project } from '../model/types.js';
import { engineTime, isJob } from './jobs.js';
import type { ObservedContainer } from './observed.js';

export type StageOutcome = 'completed' | 'up to date' | 'failed' | 'not started' | 'running' | 'healthy' | 'exited';

export interface StageSummary {
  service: string;
  outcome: StageOutcome;
  exitCode?: number;
  /** Seconds from the last start to the finish, for a stage that ran and exited. */
  seconds?: number;
  /** For a stage not started: the stage whose failure held it back. */
  because?: string;
}

/**
 * One entry per selected service, dependencies first; empty unless some selected service is a
 * job (a project of servers needs no summary). `sinceMs`: when this run began, so that a job
 * that exited 0 before it was kept (up to date) rather than run.
 */
export function summarizeStages(
  project: Project,
  selected: Iterable<string>,
  containers: ObservedContainer[],
  sinceMs: number,
): StageSummary[] {
  const graph = new ServiceGraph(project);
  const chosen = new Set(selected);
  if (![...chosen].some((s) => isJob(project.services[s], graph))) return [];
  const since = BigInt(Math.floor(sinceMs)) * 1_000_000n;
  const out = new Map<string, StageSummary>();
  for (const service of graph.order().filter((s) => chosen.has(s))) {
    const own = containers.filter((c) => c.service === service && !c.oneoff && c.startedAt);
    // The replica that says most: a failed one, then one still running, then any.
    const c =
      own.find((x) => x.state !== 'running' && x.exitCode !== 0) ?? own.find((x) => x.state === 'running') ?? own[0];
    if (!c) {
      const deps = graph.dependencies(service);
      const because =
        deps.find((d) => out.get(d)?.outcome === 'failed') ?? deps.map((d) => out.get(d)?.because).find(Boolean);
      out.set(service, { service, outcome: 'not started', because });
      continue;
    }
    if (c.state === 'running' || c.state === 'restarting' || c.state === 'paused') {
      out.set(service, { service, outcome: c.health === 'healthy' ? 'healthy' : 'running' });
      continue;
    }
    const started = engineTime(c.startedAt);
    const finished = engineTime(c.finishedAt);
    // The engine records a start once the process runs: a quick one can finish "before" it.
    const seconds =
      started !== undefined && finished !== undefined
        ? Math.max(0, Number((finished - started) / 1_000_000n) / 1000)
        : undefined;
    const outcome: StageOutcome =
      c.exitCode !== 0
        ? 'failed'
        : !isJob(project.services[service], graph)
          ? 'exited'
          : started !== undefined && started < since
            ? 'up to date'
            : 'completed';
    out.set(service, { service, outcome, exitCode: c.exitCode, seconds });
  }
  return [...out.values()];
}

/** The summary as lines: `  train   completed   exit 0   12.3s`. */
export function formatSummary(stages: StageSummary[]): string[] {
  if (!stages.length) return [];
  const rows = stages.map((s) => [
    s.service,
    s.because ? `${s.outcome} (${s.because} failed)` : s.outcome,
    s.exitCode === undefined ? '' : `exit ${s.exitCode}`,
    s.seconds === undefined ? '' : formatDuration(s.seconds),
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return ['Pipeline:', ...rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i])).join('   ')}`.trimEnd())];
}

/** `0.4s`, `42s`, `3m05s`, `2h10m`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${pad(whole % 60)}s`;
  return `${Math.floor(whole / 3600)}h${pad(Math.floor((whole % 3600) / 60))}m`;
}
