import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { nanos } from './engine-time.js';
import { changedAt, healthOf, useProject, type TestProject } from './harness.js';

const NEVER_STARTED = '0001-01-01T00:00:00Z';

describe('depends_on conditions', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /** Inspects the one container of a service, failing loudly when there is not exactly one. */
  async function inspectOnly(service: string): Promise<Docker.ContainerInspectInfo> {
    const containers = await project.containers(service);
    expect(containers.map((c) => c.Names[0])).toEqual([`/${project.name}-${service}-1`]);
    return project.engine.getContainer(containers[0].Id).inspect();
  }

  it('a service_started dependent must be started after its dependency has started', async () => {
    project = await useProject('dependencies-started');
    await project.up();

    const [db, app, front] = await Promise.all(['db', 'app', 'front'].map(inspectOnly));
    for (const c of [db, app, front]) expect(c.State.Running).toBe(true);
    expect(nanos(app.State.StartedAt)).toBeGreaterThan(nanos(db.State.StartedAt));
    expect(nanos(front.State.StartedAt)).toBeGreaterThan(nanos(app.State.StartedAt));
    expect(app.Config.Labels[Label.dependsOn]).toBe('db:service_started:false');
    expect(front.Config.Labels[Label.dependsOn]).toBe('app:service_started:false');
  });

  it('a service_healthy dependent must start only once its dependency is healthy, and promptly after', async () => {
    project = await useProject('dependencies-healthy');
    await project.up();

    const db = await inspectOnly('db');
    const app = await inspectOnly('app');
    expect(app.State.Running).toBe(true);
    // db's first passing probe marked the moment it turned healthy (fixture), a second or more
    // after it started: app must start after that moment, and within moments of it. (Read
    // before healthOf, which may probe itself.)
    const healthyAt = await changedAt(project, db.Id, '/tmp/first-pass');
    expect(await healthOf(project, db)).toBe('healthy');
    expect(Number(healthyAt - nanos(db.State.StartedAt)) / 1e6).toBeGreaterThan(900);
    const appStartedAt = nanos(app.State.StartedAt);
    expect(appStartedAt).toBeGreaterThan(healthyAt);
    expect(Number(appStartedAt - healthyAt) / 1e6).toBeLessThan(3_000);
    expect(app.Config.Labels[Label.dependsOn]).toBe('db:service_healthy:false');
  });

  it('a service_completed_successfully dependent must start only after the job exited 0, and see what it wrote', async () => {
    project = await useProject('dependencies-completed');
    await project.up();

    const seed = await inspectOnly('seed');
    expect(seed.State.Status).toBe('exited');
    expect(seed.State.ExitCode).toBe(0);
    const app = await inspectOnly('app');
    expect(app.State.Running).toBe(true);
    expect(nanos(app.State.StartedAt)).toBeGreaterThan(nanos(seed.State.FinishedAt));
    // What app found in the shared volume the moment it started, and what is there now.
    expect(await project.exec(app.Id, ['cat', '/tmp/seen-at-start'])).toBe('seeded\n');
    expect(await project.exec(app.Id, ['cat', '/shared/seed'])).toBe('seeded\n');
  });

  it('a second unchanged up must keep a completed job (berth runs jobs like make targets) and leave the running dependent alone', async () => {
    project = await useProject('dependencies-completed');
    await project.up();
    const seed = await inspectOnly('seed');
    const app = await inspectOnly('app');
    expect(seed.State.Status).toBe('exited');

    // Unlike Compose, the job that exited 0 with its config unchanged is not run again.
    await project.up();
    const seedAgain = await inspectOnly('seed');
    expect(seedAgain.Id).toBe(seed.Id);
    expect(seedAgain.State.StartedAt).toBe(seed.State.StartedAt);
    expect(seedAgain.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    const appAgain = await inspectOnly('app');
    expect(appAgain.Id).toBe(app.Id);
    expect(appAgain.State.StartedAt).toBe(app.State.StartedAt);
  });

  it('an up that starts a stopped service_healthy dependency must return only once it is healthy again', async () => {
    project = await useProject('dependencies-healthy');
    await project.up();
    const db = await inspectOnly('db');
    const app = await inspectOnly('app');
    await project.engine.getContainer(db.Id).stop({ t: 1 });
    expect((await inspectOnly('db')).State.Running).toBe(false);

    await project.up();
    const dbAgain = await inspectOnly('db');
    expect(dbAgain.Id).toBe(db.Id);
    expect(dbAgain.State.Running).toBe(true);
    // Healthy again in this start: a probe passed after the restart, before up returned.
    expect(await changedAt(project, dbAgain.Id, '/tmp/first-pass')).toBeGreaterThan(nanos(dbAgain.State.StartedAt));
    expect(await healthOf(project, dbAgain)).toBe('healthy');
    const appAgain = await inspectOnly('app');
    expect(appAgain.Id).toBe(app.Id);
    expect(appAgain.State.StartedAt).toBe(app.State.StartedAt);
  });

  it('a service_healthy dependency that turns unhealthy must fail up, naming it, and leave the dependent unstarted', async () => {
    project = await useProject('dependencies-unhealthy');
    const error = await project.up().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error, 'up should have rejected').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/\bdb\b/);
    expect(error!.message).toMatch(/unhealthy/);
    expect(await healthOf(project, await inspectOnly('db'))).toBe('unhealthy');
    for (const c of await project.containers('app')) {
      const info = await project.engine.getContainer(c.Id).inspect();
      expect(info.State.StartedAt).toBe(NEVER_STARTED);
    }
  });

  it('a failed service_completed_successfully dependency must fail up, naming the service and its exit code, and leave the dependent unstarted', async () => {
    project = await useProject('dependencies-failed');
    const error = await project.up().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error, 'up should have rejected').toBeInstanceOf(Error);
    expect(error!.message).toMatch(/\bmigrate\b/);
    expect(error!.message).toMatch(/\bexit(?:ed)?(?: with)?(?: code)?:? 3\b/);

    const migrate = await inspectOnly('migrate');
    expect(migrate.State.Status).toBe('exited');
    expect(migrate.State.ExitCode).toBe(3);
    for (const c of await project.containers('app')) {
      const info = await project.engine.getContainer(c.Id).inspect();
      expect(info.State.Status).toBe('created');
      expect(info.State.StartedAt).toBe(NEVER_STARTED);
    }
  });

  it('through the CLI, a failed dependency must make up exit non-zero and name the service on stderr', async () => {
    project = await useProject('dependencies-failed');
    const result = await project.cli(['up', '-d']);
    expect(result.code, result.stderr).not.toBe(0);
    expect(result.stderr).toMatch(/\bmigrate\b/);
    expect(result.stderr).toMatch(/\b3\b/);

    for (const c of await project.containers('app')) {
      const info = await project.engine.getContainer(c.Id).inspect();
      expect(info.State.StartedAt).toBe(NEVER_STARTED);
    }
  });
});
