import { describe, expect, it } from 'vitest';
import { formatPlanGraph, PlanGraph } from '../../src/reconcile/plan-graph.js';

type Step = { kind: 'work' } | { kind: 'mark' };
const work: Step = { kind: 'work' };
const mark: Step = { kind: 'mark' };

describe('PlanGraph', () => {
  it('refuses an edge to a step that is not in the plan, naming both steps', () => {
    const b = new PlanGraph<Step>();
    b.add('network', work, 'not found');
    expect(() => b.add('container', work, 'not found', ['network', 'netwrok'])).toThrow(
      'plan step "container" waits on "netwrok", not in the plan before it',
    );
    expect(b.has('container')).toBe(false);
  });

  it('refuses an edge to a step added later, so every plan lists its steps in an order that could run', () => {
    const b = new PlanGraph<Step>();
    expect(() => b.add('remove', work, 'down', ['stop'])).toThrow(
      'plan step "remove" waits on "stop", not in the plan before it',
    );
  });

  it('keeps the first of two adds of one id, and drops repeated edges', () => {
    const b = new PlanGraph<Step>();
    b.add('a', work, 'first');
    b.add('b', work, 'b', ['a', 'a']);
    expect(b.add('a', mark, 'second', ['b'])).toBe('a');
    expect(b.plan().nodes).toEqual([
      { id: 'a', step: work, reason: 'first', after: [] },
      { id: 'b', step: work, reason: 'b', after: ['a'] },
    ]);
  });

  it('prunes the matching steps nothing waits on, and only those', () => {
    const b = new PlanGraph<Step>();
    b.add('needed', mark, 'wait');
    b.add('unneeded', mark, 'wait');
    b.add('user', work, 'uses it', ['needed']);
    b.prune((n) => n.step.kind === 'mark');
    expect(b.plan().nodes.map((n) => n.id)).toEqual(['needed', 'user']);
    expect(b.has('unneeded')).toBe(false);
  });
});

describe('formatPlanGraph', () => {
  it('shows an edge to a hidden step as edges to the steps it waits on, and drops it when those are none', () => {
    const b = new PlanGraph<Step>();
    b.add('db', work, 'not found');
    b.add('cache', work, 'not found');
    b.add('ready:db', mark, 'converged', ['db', 'cache']);
    b.add('ready:idle', mark, 'converged');
    b.add('web', work, 'not found', ['ready:db', 'db', 'ready:idle']);
    b.warnings.push('careful');
    expect(formatPlanGraph(b.plan(), (n) => n.step.kind === 'mark')).toBe(
      [
        'db work (not found)',
        'cache work (not found)',
        'web work (not found) after db, cache',
        'warning: careful',
      ].join('\n'),
    );
  });

  it('refuses to show a plan whose step waits on one not listed before it', () => {
    const plan = { nodes: [{ id: 'web', step: work, reason: 'r', after: ['db'] }], warnings: [] };
    expect(() => formatPlanGraph(plan)).toThrow('plan step "web" waits on "db", not in the plan before it');
  });
});
