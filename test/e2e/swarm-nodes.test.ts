// `berth deploy` on a multi-node Swarm on one machine: two more engines run as containers
// (test/bed/swarm.sh worker-up), joined as workers, with the test image loaded into them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bed, testEngine, useProject, type TestProject } from './harness.js';
import { cleanupStack, liveTasks, nodeId, requireSwarm, runningTasks } from './swarm-helpers.js';

const workers = [`berth-worker-${process.pid}-a`, `berth-worker-${process.pid}-b`];
let project: TestProject | undefined;

beforeAll(async () => {
  await requireSwarm(await testEngine());
  await Promise.all(workers.map((name) => bed('swarm.sh', ['worker-up', name, 'busybox:latest'])));
});

afterEach(async () => {
  if (project) await cleanupStack(project);
  project = undefined;
});

afterAll(async () => {
  await Promise.all(workers.map((name) => bed('swarm.sh', ['worker-down', name])));
});

async function deploy(env: Record<string, string> = {}) {
  const result = await project!.cli(['deploy', '--wait', '--wait-timeout', '60'], env);
  if (result.code !== 0) throw new Error(`deploy exited with ${result.code}: ${result.stderr}`);
}

describe('deploy to several nodes', () => {
  it('a placement constraint puts the service on the chosen node', async () => {
    project = await useProject('swarm-placement');
    const [target] = workers;
    await deploy({ WORKER: target });

    const [task] = await runningTasks(project, 'pinned');
    expect(task.NodeID).toBe(await nodeId(project.engine, target));

    const ps = await project.cli(['ps', '--format', 'json'], { WORKER: target });
    expect((JSON.parse(ps.stdout) as { node: string; state: string }[]).map((t) => [t.node, t.state])).toEqual([
      [target, 'running'],
    ]);
  });

  it('the tasks of a node that goes down are rescheduled on the remaining worker, and ps shows it', async () => {
    project = await useProject('swarm-reschedule');
    const [lost, kept] = workers;
    const [lostId, keptId] = await Promise.all(workers.map((w) => nodeId(project!.engine, w)));
    await deploy();

    // Swarm spreads the two replicas over the two workers.
    expect((await runningTasks(project, 'spread')).map((t) => t.NodeID).sort()).toEqual([lostId, keptId].sort());

    // The node's engine stops; Swarm marks it down and starts its task on the other worker.
    await project.engine.getContainer(lost).kill();
    await expect
      .poll(async () => (await runningTasks(project!, 'spread')).map((t) => t.NodeID), {
        timeout: 60_000,
        interval: 1000,
      })
      .toEqual([keptId, keptId]);
    expect(await liveTasks(project, 'spread')).toHaveLength(2);

    const ps = await project.cli(['ps', '--format', 'json']);
    const tasks = JSON.parse(ps.stdout) as { node: string; desiredState: string; state: string }[];
    expect(tasks.map((t) => [t.node, t.desiredState, t.state])).toEqual([
      [kept, 'running', 'running'],
      [kept, 'running', 'running'],
    ]);
    // With --all, the task the lost node ran is listed too, shut down.
    const all = JSON.parse((await project.cli(['ps', '--all', '--format', 'json'])).stdout) as {
      node: string;
      desiredState: string;
    }[];
    expect(all.filter((t) => t.node === lost).map((t) => t.desiredState)).toEqual(['shutdown']);
  });
});
