// Plan graph: the node and edge bookkeeping the host planner (reconcile/plan.ts) and the Swarm
// planner (swarm/plan.ts) share. A node may only wait on nodes added before it, so a plan
// lists its steps in an order that could run, has no cycle, and an edge with a mistyped id
// fails the first unit test that builds that plan instead of silently dropping an ordering.

/** What the graph needs of a step: its kind, for the text form. */
interface Step {
  kind: string;
}

export interface PlanGraphNode<S extends Step> {
  id: string;
  step: S;
  /** Why this step is needed, for people ("config hash changed"). */
  reason: string;
  /** Ids of the nodes that must finish first. */
  after: string[];
}

export interface BuiltPlan<S extends Step> {
  nodes: PlanGraphNode<S>[];
  warnings: string[];
}

/** Throws unless every id `node` waits on is in `known` (the ids listed before it). */
export function checkEdges(node: { id: string; after: string[] }, known: { has(id: string): boolean }): void {
  const missing = node.after.filter((id) => !known.has(id));
  if (missing.length)
    throw new Error(
      `plan step "${node.id}" waits on ${missing.map((id) => `"${id}"`).join(', ')}, not in the plan before it`,
    );
}

export class PlanGraph<S extends Step> {
  readonly nodes: PlanGraphNode<S>[] = [];
  readonly warnings: string[] = [];
  private readonly ids = new Set<string>();

  /** Adds a step once: a second add of the same id keeps the first (two dependents share one wait). */
  add(id: string, step: S, reason: string, after: string[] = []): string {
    if (this.ids.has(id)) return id;
    const node = { id, step, reason, after: [...new Set(after)] };
    checkEdges(node, this.ids);
    this.ids.add(id);
    this.nodes.push(node);
    return id;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Drops nodes matching `unneeded` that no other node waits on (a wait nobody needs). */
  prune(unneeded: (n: PlanGraphNode<S>) => boolean): void {
    const referenced = new Set(this.nodes.flatMap((n) => n.after));
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (unneeded(n) && !referenced.has(n.id)) {
        this.nodes.splice(i, 1);
        this.ids.delete(n.id);
      }
    }
  }

  plan(): BuiltPlan<S> {
    return { nodes: this.nodes, warnings: this.warnings };
  }
}

/**
 * The plan as text, one step a line with the steps it waits on, then the warnings: for dry
 * runs and golden tests. A `hidden` step (bookkeeping such as "service ready") is not shown;
 * an edge to it shows as edges to the steps it waits on, so the order shown is the order run.
 */
export function formatPlanGraph<S extends Step>(
  plan: BuiltPlan<S>,
  hidden: (n: PlanGraphNode<S>) => boolean = () => false,
): string {
  const shownAfter = new Map<string, string[]>();
  const waits = new Map(plan.nodes.map((n) => [n.id, n.after]));
  const lines: string[] = [];
  for (const n of plan.nodes) {
    checkEdges(n, shownAfter);
    // An edge another of n's edges implies adds nothing; through a chain of hidden steps it would list every step before.
    const direct = n.after.filter((id) => !n.after.some((other) => waits.get(other)!.includes(id)));
    const after = [...new Set(direct.flatMap((id) => shownAfter.get(id)!))];
    if (hidden(n)) {
      shownAfter.set(n.id, after);
      continue;
    }
    shownAfter.set(n.id, [n.id]);
    lines.push(`${n.id} ${n.step.kind} (${n.reason})${after.length ? ` after ${after.join(', ')}` : ''}`);
  }
  return [...lines, ...plan.warnings.map((w) => `warning: ${w}`)].join('\n');
}
