import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { nanos } from './engine-time.js';
import { changedAt, healthOf, useProject, type TestProject } from './harness.js';

describe('run', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('run starts the dependencies first (waiting until healthy), then a labelled one-off container, and exits with its code', async () => {
    project = await useProject('run');
    const result = await project.cli(['run', '-T', 'app', 'sh', '-c', 'echo "$GREETING from run"; exit 5']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('hello from run\n');

    const db = (await project.containers('db'))[0];
    const dbState = await project.engine.getContainer(db.Id).inspect();
    // db's first passing probe marked when it turned healthy (fixture), seconds after it started:
    // the one-off container started after that. (Read before healthOf, which may probe itself.)
    const healthyAt = await changedAt(project, db.Id, '/tmp/first-pass');
    expect(Number(healthyAt - nanos(dbState.State.StartedAt)) / 1e6).toBeGreaterThan(2_000);
    expect(await healthOf(project, dbState)).toBe('healthy');

    const [oneOff, ...others] = await project.containers('app');
    expect(others).toHaveLength(0);
    const info = await project.engine.getContainer(oneOff.Id).inspect();
    expect(nanos(info.State.StartedAt)).toBeGreaterThan(healthyAt);
    expect(info.Name).toMatch(new RegExp(`^/${project.name}-app-run-[0-9a-f]{12}$`));
    expect(info.Config.Labels).toMatchObject({
      [Label.project]: project.name,
      [Label.service]: 'app',
      [Label.oneoff]: 'True',
      [Label.containerNumber]: '1',
    });
    expect(info.Config.Labels[Label.slug]).toMatch(new RegExp(`^${info.Name.slice(-12)}[0-9a-f]{52}$`));
    expect(info.Config.Labels[Label.configHash]).toMatch(/^[0-9a-f]{64}$/);
    // No ports unless asked, the project network (reached by name only), the project volume, no restart policy.
    expect(info.HostConfig.PortBindings ?? {}).toEqual({});
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`${project.name}_default`]);
    expect(info.NetworkSettings.Networks[`${project.name}_default`].Aliases ?? []).not.toContain('app');
    expect(info.Mounts.map((m) => m.Name)).toEqual([`${project.name}_data`]);
    expect(info.HostConfig.RestartPolicy?.Name ?? '').toBe('');

    // Exited, it is an orphan to up, as in Docker Compose v2 (which warns, and removes it with
    // --remove-orphans); up keeps it, ps leaves it out, and down removes it with the rest.
    const up = await project.cli(['up', '-d', 'db']);
    expect(up.stderr).toMatch(/orphan containers .*app-run-/);
    expect((await project.engine.getContainer(oneOff.Id).inspect()).State.Status).toBe('exited');
    expect((await project.cli(['ps', '-a', '-q'])).stdout).not.toContain(oneOff.Id);
    expect((await project.cli(['down'])).code).toBe(0);
    expect(await project.containers()).toHaveLength(0);
  });

  it('run --rm removes the container after it exits, and applies -e, -v, -w and -u', async () => {
    project = await useProject('run');
    mkdirSync(join(project.dir, 'shared'));
    const result = await project.cli([
      'run',
      '--rm',
      '-T',
      '--no-deps',
      '-e',
      'EXTRA=1',
      '-v',
      './shared:/shared',
      '-w',
      '/shared',
      '-u',
      'root',
      'app',
      '--',
      'sh',
      '-c',
      'echo "$GREETING $EXTRA $(pwd) $(id -u)" > out.txt',
    ]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(project.dir, 'shared', 'out.txt'), 'utf8')).toBe('hello 1 /shared 0\n');
    await expect.poll(async () => (await project.containers('app')).length, { timeout: 10_000 }).toBe(0);
    // --no-deps: db was never created, but the network the container needed was.
    expect(await project.containers('db')).toHaveLength(0);
    expect(
      (await project.engine.listNetworks({ filters: { name: [`${project.name}_default`] } })).map((n) => n.Name),
    ).toEqual([`${project.name}_default`]);
  });

  it('run -d prints the container ID and honours --name, --entrypoint, -l; ports only with --service-ports or -p', async () => {
    project = await useProject('run');
    const detached = await project.cli([
      'run',
      '-d',
      '--no-deps',
      '--name',
      `${project.name}-custom`,
      '--entrypoint',
      'sleep',
      '-l',
      'team=qa',
      'app',
      '30',
    ]);
    expect(detached.code).toBe(0);
    const info = await project.engine.getContainer(detached.stdout.trim()).inspect();
    expect(info.Name).toBe(`/${project.name}-custom`);
    expect(info.State.Running).toBe(true);
    expect(info.Config.Entrypoint).toEqual(['sleep']);
    expect(info.Config.Cmd).toEqual(['30']);
    expect(info.Config.Labels.team).toBe('qa');

    const servicePorts = await project.cli(['run', '-d', '--no-deps', '--service-ports', 'app', 'sleep', '30']);
    const withService = await project.engine.getContainer(servicePorts.stdout.trim()).inspect();
    expect(
      Object.keys(withService.NetworkSettings.Ports ?? {}).filter((k) => withService.NetworkSettings.Ports[k]?.length),
    ).toEqual(['8080/tcp']);

    const published = await project.cli(['run', '-d', '--no-deps', '-p', '127.0.0.1::9090', 'app', 'sleep', '30']);
    const withPublish = await project.engine.getContainer(published.stdout.trim()).inspect();
    expect(
      Object.keys(withPublish.NetworkSettings.Ports ?? {}).filter((k) => withPublish.NetworkSettings.Ports[k]?.length),
    ).toEqual(['9090/tcp']);
    expect(withPublish.NetworkSettings.Ports['9090/tcp']?.[0].HostIp).toBe('127.0.0.1');
  });

  it('run --rm forwards piped stdin, and nothing else, to the one-off container, and exits with its code once it is gone', async () => {
    project = await useProject('run');
    const cat = spawnCli(project, ['run', '--rm', '-T', '--no-deps', 'app', 'sh', '-c', 'cat; exit 3'], 'piped-in\n');
    expect(await cat.exited, cat.stderr()).toBe(3);
    expect(cat.stdout()).toBe('piped-in\n');
    expect(await project.containers('app')).toHaveLength(0);
  });

  it('run runs a service its profile leaves out when it is named', async () => {
    project = await useProject('run');
    expect(await project.cli(['run', '--rm', '-T', 'migrate'])).toMatchObject({ code: 0, stdout: 'migrated\n' });
  });

  it('run fails for an unknown service, for conflicting flags, and when the image cannot be pulled', async () => {
    project = await useProject('run');
    const unknown = await project.cli(['run', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: app, db)');

    const conflict = await project.cli(['run', '--service-ports', '-p', '9000:80', 'app']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain('--service-ports and --publish are incompatible');

    const pull = await project.cli(['run', '--rm', '-T', '--no-deps', '--pull', 'always', 'app', 'true']);
    expect(pull.code).toBe(1);
    expect(pull.stderr).toContain('cannot pull image "busybox"');
    expect(await project.containers('app')).toHaveLength(0);
  });
});
