import { describe, expect, it } from 'vitest';
import { ServiceGraph, findCycle } from '../../src/graph/graph.js';
import type { Service, ServiceDependency } from '../../src/model/types.js';

const started: ServiceDependency = { condition: 'service_started', required: true };
function graph(deps: Record<string, string[]>): ServiceGraph {
  const services: Record<string, Service> = {};
  for (const [name, on] of Object.entries(deps))
    services[name] = { name, depends_on: Object.fromEntries(on.map((d) => [d, started])) };
  return new ServiceGraph({ services });
}

describe('ServiceGraph', () => {
  it('orders dependencies first', () => {
    const order = graph({ web: ['api'], api: ['db', 'cache'], db: [], cache: [] }).order();
    expect(order.indexOf('db')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('cache')).toBeLessThan(order.indexOf('api'));
    expect(order.indexOf('api')).toBeLessThan(order.indexOf('web'));
  });

  it('computes transitive dependencies and dependents', () => {
    const g = graph({ web: ['api'], api: ['db'], db: [], tool: [] });
    expect([...g.withDependencies(['web'])].sort()).toEqual(['api', 'db', 'web']);
    expect([...g.withDependents(['db'])].sort()).toEqual(['api', 'db', 'web']);
    expect(g.dependents('tool')).toEqual([]);
  });

  it('rejects a cycle, naming it', () => {
    expect(() => graph({ a: ['b'], b: ['c'], c: ['a'] })).toThrow(
      'dependency cycle between services: a -> b -> c -> a',
    );
    expect(() => graph({ self: ['self'] })).toThrow('self -> self');
  });

  it('ignores optional dependencies on services that are not in the project', () => {
    const g = new ServiceGraph({
      services: { web: { name: 'web', depends_on: { gone: { condition: 'service_started', required: false } } } },
    });
    expect(g.dependencies('web')).toEqual([]);
  });

  it('findCycle returns undefined for a DAG', () => {
    expect(findCycle(['a', 'b'], (n) => (n === 'a' ? ['b'] : []))).toBeUndefined();
  });
});

describe('findCycle on long chains', () => {
  it('walks a chain of 20000 services without overflowing the stack', () => {
    const n = 20_000;
    const chain = (i: number) => (i + 1 < n ? [`s${i + 1}`] : []);
    const names = Array.from({ length: n }, (_, i) => `s${i}`);
    expect(findCycle(names, (s) => chain(Number(s.slice(1))))).toBeUndefined();
    expect(findCycle(names, (s) => (s === `s${n - 1}` ? ['s0'] : chain(Number(s.slice(1)))))?.length).toBe(n + 1);
  });
});
