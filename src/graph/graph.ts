// The service dependency graph: what must be up before what, and in which order to stop.
import { LoadError } from '../errors.js';
import type { Project, ServiceDependency } from '../model/types.js';

export class ServiceGraph {
  private readonly deps = new Map<string, Map<string, ServiceDependency>>();
  private readonly rdeps = new Map<string, Set<string>>();

  constructor(project: Pick<Project, 'services'>) {
    for (const name of Object.keys(project.services)) {
      this.deps.set(name, new Map());
      this.rdeps.set(name, new Set());
    }
    for (const [name, service] of Object.entries(project.services)) {
      for (const [dep, how] of Object.entries(service.depends_on ?? {})) {
        // Optional dependencies on services that are not part of the project are dropped.
        if (!this.deps.has(dep)) continue;
        this.deps.get(name)!.set(dep, how);
        this.rdeps.get(dep)!.add(name);
      }
    }
    const cycle = findCycle(this.services(), (s) => this.dependencies(s));
    if (cycle) {
      throw new LoadError('cycle', `dependency cycle between services: ${cycle.join(' -> ')}`, {
        path: `services.${cycle[0]}.depends_on`,
      });
    }
  }

  services(): string[] {
    return [...this.deps.keys()];
  }

  dependencies(service: string): string[] {
    return [...(this.deps.get(service)?.keys() ?? [])];
  }

  dependency(service: string, dep: string): ServiceDependency | undefined {
    return this.deps.get(service)?.get(dep);
  }

  dependents(service: string): string[] {
    return [...(this.rdeps.get(service) ?? [])];
  }

  /**
   * Dependencies first: the reverse post-order of a depth-first walk from each service to its
   * dependents, last service first. A loop with its own stack, not recursion: a chain of
   * dependencies may be as long as the file allows.
   */
  order(): string[] {
    const finished: string[] = [];
    const seen = new Set<string>();
    const roots = this.services();
    for (let r = roots.length - 1; r >= 0; r--) {
      if (seen.has(roots[r])) continue;
      seen.add(roots[r]);
      const stack = [{ node: roots[r], next: this.dependents(roots[r]) }];
      while (stack.length) {
        const top = stack[stack.length - 1];
        // Dependents are visited last first, so that independent services keep their file order.
        const child = top.next.pop();
        if (child === undefined) {
          finished.push(top.node);
          stack.pop();
        } else if (!seen.has(child)) {
          seen.add(child);
          stack.push({ node: child, next: this.dependents(child) });
        }
      }
    }
    return finished.reverse();
  }

  /** The given services and everything they depend on, transitively. */
  withDependencies(names: Iterable<string>): Set<string> {
    return this.closure(names, (s) => this.dependencies(s));
  }

  /** The given services and everything that depends on them, transitively. */
  withDependents(names: Iterable<string>): Set<string> {
    return this.closure(names, (s) => this.dependents(s));
  }

  private closure(names: Iterable<string>, next: (s: string) => string[]): Set<string> {
    const seen = new Set<string>();
    const stack = [...names];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      stack.push(...next(s));
    }
    return seen;
  }
}

/**
 * A cycle as a path that starts and ends on the same node, or undefined. Iterative, so a
 * dependency chain thousands of services long cannot overflow the stack.
 */
export function findCycle(nodes: string[], next: (n: string) => string[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of [...nodes].sort()) {
    if (state.has(root)) continue;
    const path: string[] = [];
    const stack: { node: string; children: string[]; index: number }[] = [];
    const enter = (node: string) => {
      state.set(node, 'visiting');
      path.push(node);
      stack.push({ node, children: next(node), index: 0 });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.index < top.children.length) {
        const child = top.children[top.index++];
        if (state.get(child) === 'visiting') return [...path.slice(path.indexOf(child)), child];
        if (!state.has(child)) enter(child);
      } else {
        state.set(top.node, 'done');
        stack.pop();
        path.pop();
      }
    }
  }
  return undefined;
}
