import { afterEach, describe, expect, it } from 'vitest';
import { nanos } from './engine-time.js';
import { changedAt, healthOf, useProject, type TestProject } from './harness.js';

describe('up --wait', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  async function inspectOnly(service: string) {
    const containers = await project.containers(service);
    expect(containers.map((c) => c.Names[0])).toEqual([`/${project.name}-${service}-1`]);
    return project.engine.getContainer(containers[0].Id).inspect();
  }

  it('up -d --wait must return 0 only once services with a healthcheck are healthy', async () => {
    project = await useProject('wait-healthy');
    const result = await project.cli(['up', '-d', '--wait']);
    expect(result.code, result.stderr).toBe(0);

    // Right after it returns, with no waiting here: the wait was up's job.
    const web = await inspectOnly('web');
    expect(web.State.Running).toBe(true);
    // A probe passed before up returned (it left its mark), and web is healthy now.
    expect(await changedAt(project, web.Id, '/tmp/first-pass')).toBeGreaterThan(nanos(web.State.StartedAt));
    expect(await healthOf(project, web)).toBe('healthy');
  });

  it('up --wait must fail, naming the service, when a healthcheck does not pass within --wait-timeout', async () => {
    project = await useProject('wait-timeout');
    const startedAt = Date.now();
    const result = await project.cli(['up', '-d', '--wait', '--wait-timeout', '3']);
    const elapsed = Date.now() - startedAt;

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\bstuck\b/);
    // It gave up because of the timeout: not before 3 s, and not much after.
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    expect(elapsed).toBeLessThan(20_000);
    const stuck = await inspectOnly('stuck');
    expect(stuck.State.Running).toBe(true);
    expect(stuck.State.Health?.Status).toBe('starting');
    expect((await inspectOnly('fine')).State.Running).toBe(true);
  });

  it('up --wait must fail promptly, naming the service, when a healthcheck turns unhealthy', async () => {
    project = await useProject('wait-unhealthy');
    const startedAt = Date.now();
    const result = await project.cli(['up', '-d', '--wait']);
    const elapsed = Date.now() - startedAt;

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/\bsick\b/);
    expect(result.stderr).toMatch(/unhealthy/);
    expect(elapsed).toBeLessThan(20_000);
    expect(await healthOf(project, await inspectOnly('sick'))).toBe('unhealthy');
  });
});
