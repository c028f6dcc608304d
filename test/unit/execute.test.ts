import { describe, expect, it } from 'vitest';
import { executePlan, type StepEvent } from '../../src/reconcile/execute.js';
import type { Plan, PlanNode } from '../../src/reconcile/plan.js';

function plan(nodes: [id: string, after: string[]][]): Plan {
  return {
    warnings: [],
    nodes: nodes.map(([id, after]): PlanNode => ({
      id,
      after,
      reason: 'test',
      step: { kind: 'service-ready', service: id },
    })),
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('executePlan', () => {
  it('starts a step as soon as its own predecessors are done, not when a whole level is', async () => {
    const gates = { a: deferred(), slow: deferred(), b: deferred() };
    const started: string[] = [];
    const run = executePlan(
      plan([
        ['a', []],
        ['slow', []],
        ['b', ['a']],
      ]),
      async (_s, node) => {
        started.push(node.id);
        await gates[node.id as keyof typeof gates].promise;
        return node.id;
      },
    );
    await Promise.resolve();
    expect(started).toEqual(['a', 'slow']);
    gates.a.resolve();
    await expect.poll(() => started).toEqual(['a', 'slow', 'b']);
    gates.b.resolve();
    gates.slow.resolve();
    const results = await run;
    expect(results.get('b')).toBe('b');
  });

  it('cancels what has not started after the first failure and rethrows that failure', async () => {
    const events: StepEvent[] = [];
    const run = executePlan(
      plan([
        ['a', []],
        ['b', ['a']],
        ['c', []],
      ]),
      async (_s, node) => {
        if (node.id === 'a') throw new Error('a broke');
      },
      { onEvent: (e) => events.push(e) },
    );
    await expect(run).rejects.toThrow('a broke');
    expect(events.filter((e) => e.status === 'cancelled').map((e) => e.node.id)).toEqual(['b']);
    expect(events.find((e) => e.node.id === 'a' && e.status === 'failed')).toBeDefined();
  });

  it('refuses a plan where a step waits on one not listed before it, before running any step', async () => {
    let calls = 0;
    const count = async () => {
      calls++;
    };
    await expect(
      executePlan(
        plan([
          ['a', []],
          ['b', ['typo']],
        ]),
        count,
      ),
    ).rejects.toThrow('plan step "b" waits on "typo", not in the plan before it');
    await expect(
      executePlan(
        plan([
          ['b', ['a']],
          ['a', []],
        ]),
        count,
      ),
    ).rejects.toThrow('plan step "b" waits on "a", not in the plan before it');
    expect(calls).toBe(0);
  });

  it('passes the results of earlier steps to later ones', async () => {
    const results = await executePlan(
      plan([
        ['create', []],
        ['use', ['create']],
      ]),
      async (_s, node, prior) => (node.id === 'create' ? 'id-1' : `used ${prior.get('create')}`),
    );
    expect(results.get('use')).toBe('used id-1');
  });

  it('stops scheduling when aborted', async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    const run = executePlan(
      plan([
        ['a', []],
        ['b', ['a']],
      ]),
      async (_s, node) => {
        ran.push(node.id);
        controller.abort(new Error('interrupted'));
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toThrow('interrupted');
    expect(ran).toEqual(['a']);
  });
});

describe('executePlan after an abort', () => {
  it('waits for the steps already running, without spinning, then rejects', async () => {
    const controller = new AbortController();
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    let calls = 0;
    const run = executePlan(
      plan([
        ['slow', []],
        ['later', ['slow']],
      ]),
      async () => {
        calls++;
        await slow;
      },
      { signal: controller.signal },
    );
    await Promise.resolve();
    controller.abort(new Error('interrupted'));
    const timer = setTimeout(finish, 50);
    await expect(run).rejects.toThrow('interrupted');
    clearTimeout(timer);
    expect(calls).toBe(1);
  });
});
