import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

/** What the engine holds for the project: each container's ID, state and last start, by name. */
async function snapshot(project: TestProject): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of await project.containers()) {
    const { State } = await project.engine.getContainer(c.Id).inspect();
    out[c.Names[0]] = `${c.Id} ${State.Status} ${State.StartedAt}`;
  }
  return out;
}

describe('the global --dry-run', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a command that plans prints its steps under --dry-run and leaves every container as it was', async () => {
    project = await useProject('cli-two');
    await project.up();
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).stop();
    const before = await snapshot(project);
    const expected: [string[], RegExp][] = [
      [['stop'], /Container .*-web-1 {2}Stop/],
      [['rm', '-s', '-f'], /Container .*-web-1 {2}Remove/],
      [['kill'], /Container .*-web-1 {2}Kill \(SIGKILL\)/],
      [['start'], /Container .*-worker-1 {2}Start/],
      [['restart'], /Container .*-web-1 {2}Restart/],
      [['create', '--force-recreate'], /Container .*-web-1 {2}Recreate/],
      [['pause'], /Container .*-web-1 {2}Pause/],
      [['scale', 'web=2'], /Container .*-web-2 {2}Create/],
      [['down'], /Container .*-web-1 {2}Remove/],
    ];
    for (const [args, plan] of expected) {
      const result = await project.cli(['--dry-run', ...args]);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(result.stdout).toMatch(plan);
      expect(await snapshot(project)).toEqual(before);
    }
  });

  it('unpause under --dry-run leaves a paused container paused', async () => {
    project = await useProject('cli-two');
    await project.up();
    const [web] = await project.containers('web');
    await project.engine.getContainer(web.Id).pause();
    const result = await project.cli(['--dry-run', 'unpause']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Container .*-web-1 {2}Unpause/);
    expect((await project.engine.getContainer(web.Id).inspect()).State.Paused).toBe(true);
  });

  it('a command without a dry-run mode refuses --dry-run, says so, and changes nothing', async () => {
    project = await useProject('cli-two');
    await project.up();
    const before = await snapshot(project);
    for (const args of [['run', '-d', 'web'], ['exec', '-T', 'web', 'touch', '/ran'], ['build'], ['pull']]) {
      const result = await project.cli(['--dry-run', ...args]);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toContain(`${args[0]} has no dry-run mode`);
    }
    expect(await snapshot(project)).toEqual(before);
    const [web] = await project.containers('web');
    await expect(project.exec(web.Id, ['test', '-e', '/ran'])).rejects.toThrow(/exited with 1/);
  });
});
