import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { engineRelay, type EngineRelay } from './engine-relay.js';
import { useProject, type TestProject } from './harness.js';

const DATA = '/var/lib/postgresql/data';

async function onlyContainer(project: TestProject, service: string): Promise<Docker.ContainerInspectInfo> {
  const found = await project.containers(service);
  expect(found).toHaveLength(1);
  return project.engine.getContainer(found[0].Id).inspect();
}

function volumeAt(info: Docker.ContainerInspectInfo, target: string): string {
  const mount = info.Mounts.find((m) => m.Destination === target);
  expect(mount?.Type).toBe('volume');
  return mount!.Name!;
}

async function volumeExists(project: TestProject, name: string): Promise<boolean> {
  return project.engine
    .getVolume(name)
    .inspect()
    .then(() => true)
    .catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return false;
      throw err;
    });
}

function psql(project: TestProject, id: string, sql: string): Promise<string> {
  return project.exec(id, ['psql', '-U', 'postgres', '-tAc', sql]);
}

async function cliOk(project: TestProject, args: string[], env?: Record<string, string>): Promise<void> {
  const result = await project.cli(args, env);
  expect({ code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
}

describe("a service's data in its image's VOLUME survives every recreate", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a database with no volumes keeps its rows across an environment change and --force-recreate, and down -v removes the volume', async () => {
    project = await useProject('data-image-volume');
    await cliOk(project, ['up', '-d', '--wait']);
    const first = await onlyContainer(project, 'db');
    const volume = volumeAt(first, DATA);
    await psql(project, first.Id, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");

    // An environment change recreates the container: the new one mounts the same volume.
    await cliOk(project, ['up', '-d', '--wait'], { RELEASE: '2' });
    const second = await onlyContainer(project, 'db');
    expect(second.Id).not.toBe(first.Id);
    expect(second.Config.Env).toContain('RELEASE=2');
    expect(volumeAt(second, DATA)).toBe(volume);
    expect((await psql(project, second.Id, 'SELECT body FROM notes')).trim()).toBe('kept');

    await cliOk(project, ['up', '-d', '--wait', '--force-recreate'], { RELEASE: '2' });
    const third = await onlyContainer(project, 'db');
    expect(third.Id).not.toBe(second.Id);
    expect(volumeAt(third, DATA)).toBe(volume);
    expect((await psql(project, third.Id, 'SELECT body FROM notes')).trim()).toBe('kept');

    // The container now has the volume by name, which the engine's own `rm -v` would keep.
    await cliOk(project, ['down', '-v'], { RELEASE: '2' });
    expect(await project.containers()).toHaveLength(0);
    expect(await volumeExists(project, volume)).toBe(false);
  });

  it('-V recreates on a fresh volume and removes the old one, even one carried over before', async () => {
    project = await useProject('data-image-volume');
    await cliOk(project, ['up', '-d']);
    const volume = volumeAt(await onlyContainer(project, 'db'), DATA);
    await cliOk(project, ['up', '-d', '--force-recreate']);
    expect(volumeAt(await onlyContainer(project, 'db'), DATA)).toBe(volume);

    await cliOk(project, ['up', '-d', '--force-recreate', '-V']);
    const fresh = volumeAt(await onlyContainer(project, 'db'), DATA);
    expect(fresh).not.toBe(volume);
    expect(await volumeExists(project, volume)).toBe(false);
  });
});

describe('configuration travels in request bodies, never in URLs', () => {
  let project: TestProject;
  let relay: EngineRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
    await project?.cleanup();
  });

  it('no engine request line of an up or an exec carries an environment value or a label', async () => {
    project = await useProject('data-wire');
    relay = await engineRelay();
    const token = `wire-token-${randomBytes(8).toString('hex')}`;
    await cliOk(project, ['up', '-d'], { API_TOKEN: token, DOCKER_HOST: relay.host });
    await cliOk(project, ['exec', '-T', '-e', `EXTRA=${token}`, 'app', 'true'], {
      API_TOKEN: token,
      DOCKER_HOST: relay.host,
    });

    const lines = relay.requestLines();
    const creates = lines.filter((l) => /\/(containers|networks|volumes)\/create|\/exec /.test(l));
    expect(creates.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(line).not.toContain(token);
    // Every container (the project's lock too) is created with its name as the only parameter.
    const containerCreates = lines.filter((l) => l.includes('/containers/create'));
    expect(containerCreates.some((l) => l.includes(`?name=${project.name}-app-1 `))).toBe(true);
    for (const line of containerCreates) expect(line).toMatch(/\/containers\/create\?name=[\w.-]+ HTTP\/1\.1$/);
    // The relay saw the token, in the bodies: it reached the container and the resources.
    expect(relay.sent()).toContain(token);
    const app = await onlyContainer(project, 'app');
    expect(app.Config.Env).toContain(`API_TOKEN=${token}`);
    const network = await project.engine.getNetwork(`${project.name}_back`).inspect();
    expect(network.Labels?.token).toBe(token);
  });

  it('a container with a 1 MB environment value is created with the value intact', async () => {
    project = await useProject('data-large-env');
    // Base64, like a key or a certificate: in a URL its + and / would grow past the engine's 1 MB header limit.
    const big = randomBytes(786_432).toString('base64');
    project.write('big.env', `BIG='${big}'\n`);
    await cliOk(project, ['create']);
    const app = await onlyContainer(project, 'app');
    expect(app.Config.Env).toContain(`BIG=${big}`);
  });
});

describe('a container removed while berth waits on it is reported as removed', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /** Removes the service's container once it runs (it never turns healthy), and expects the run to fail saying so. */
  async function removeWhileWaiting(run: ReturnType<typeof spawnCli>, service: string): Promise<void> {
    await expect
      .poll(async () => (await project.containers(service)).filter((c) => c.State === 'running').length, {
        timeout: 60_000,
        interval: 100,
      })
      .toBe(1);
    const [container] = await project.containers(service);
    await project.engine.getContainer(container.Id).remove({ force: true });
    expect(await run.exited).not.toBe(0);
    const name = container.Names[0].replace(/^\//, '');
    // Removed while berth inspects it, or before berth listed it (then counted missing).
    const removed = new RegExp(
      `container ${name} was removed while berth waited|service "${service}" has 0 of its 1 containers: one was removed while berth waited`,
    );
    expect(run.stderr()).toMatch(removed);
    expect(run.stderr()).not.toMatch(/unhealthy/);
  }

  it('up --wait fails, naming the removed container', async () => {
    project = await useProject('data-removed-wait');
    await removeWhileWaiting(spawnCli(project, ['up', '-d', '--wait']), 'slow');
  });

  it('a dependency removed while its dependent waits for it to be healthy fails the up, and the dependent is not started', async () => {
    project = await useProject('data-removed-wait');
    await removeWhileWaiting(spawnCli(project, ['--profile', 'dependent', 'up', '-d']), 'slow');
    expect((await project.containers('app')).filter((c) => c.State === 'running')).toHaveLength(0);
  });
});

describe('a secret read from the environment is applied when its value changes', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a new value recreates the service with it; the same value recreates nothing', async () => {
    project = await useProject('data-env-secret');
    await cliOk(project, ['up', '-d'], { APP_TOKEN: 'first' });
    const first = await onlyContainer(project, 'app');
    expect(await project.exec(first.Id, ['cat', '/run/secrets/token'])).toBe('first');

    await cliOk(project, ['up', '-d'], { APP_TOKEN: 'second' });
    const second = await onlyContainer(project, 'app');
    expect(second.Id).not.toBe(first.Id);
    expect(await project.exec(second.Id, ['cat', '/run/secrets/token'])).toBe('second');
    // The value is part of the configuration hash, never a label of its own.
    expect(JSON.stringify(second.Config.Labels)).not.toContain('second');

    await cliOk(project, ['up', '-d'], { APP_TOKEN: 'second' });
    expect((await onlyContainer(project, 'app')).Id).toBe(second.Id);
    expect(second.Config.Labels[Label.configHash]).not.toBe(first.Config.Labels[Label.configHash]);
  });
});
