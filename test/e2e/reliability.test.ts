import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { expectConverged, idsByName, namedLike, useProject, type TestProject } from './harness.js';

/** Starts the CLI in the background, for signals and concurrency. */
function startCli(project: TestProject, args: string[]) {
  const run = spawnCli(project, args);
  return { child: run.child, exited: run.exited, output: () => run.stdout() + run.stderr() };
}

describe('interrupted and concurrent runs converge', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`an up stopped by ${signal} halfway leaves only labelled containers, and the next up converges`, async () => {
      project = await useProject('reliability-many');
      const run = startCli(project, ['up', '-d']);
      await expect
        .poll(async () => (await namedLike(project)).length, { timeout: 30_000, interval: 50 })
        .toBeGreaterThan(0);
      run.child.kill(signal);
      expect(await run.exited).not.toBe(0);
      for (const c of await namedLike(project)) expect(c.Labels[Label.project]).toBe(project.name);

      const again = await project.cli(['up', '-d']);
      expect(again.stderr).not.toMatch(/Conflict|already in use/);
      expect(again.code).toBe(0);
      await expectConverged(project, 20);
    });
  }

  it('two ups of the same project at once create no duplicates and both succeed', async () => {
    project = await useProject('reliability-many');
    const [a, b] = [startCli(project, ['up', '-d']), startCli(project, ['up', '-d'])];
    const codes = await Promise.all([a.exited, b.exited]);
    expect({ codes, output: a.output() + b.output() }).toMatchObject({ codes: [0, 0] });
    await expectConverged(project, 20);
    const networks = await project.engine.listNetworks({ filters: { name: [`${project.name}_default`] } });
    expect(networks).toHaveLength(1);
  });

  it('a down started while an up is creating waits for it, then leaves nothing of the project', async () => {
    project = await useProject('reliability-many');
    const upRun = startCli(project, ['up', '-d']);
    // The up creates containers only while it holds the project's lock.
    await expect
      .poll(async () => (await namedLike(project)).length, { timeout: 30_000, interval: 20 })
      .toBeGreaterThan(0);
    const downRun = startCli(project, ['down']);
    const codes = await Promise.all([upRun.exited, downRun.exited]);
    expect({ codes, output: upRun.output() + downRun.output() }).toMatchObject({ codes: [0, 0] });
    expect(await project.containers()).toHaveLength(0);
    expect(await project.engine.listNetworks({ filters: { name: [`${project.name}_default`] } })).toHaveLength(0);
    expect(
      await project.engine.listContainers({ all: true, filters: { name: [`berth-lock-${project.name}`] } }),
    ).toHaveLength(0);
  });

  it('down still locks and removes everything when the image the project names is gone', async () => {
    project = await useProject('reliability-many');
    const image = `berth-e2e-gone-${project.name}`;
    await project.engine.getImage('busybox').tag({ repo: image, tag: '1' });
    onTestFinished(() =>
      project.engine
        .getImage(`${image}:1`)
        .remove()
        .catch(() => undefined),
    );
    project.write(
      'compose.yaml',
      `services:\n  web:\n    image: ${image}:1\n    command: ["sleep", "3600"]\n    init: true\n`,
    );
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    // Untags only: busybox keeps the image, and the running container with it.
    await project.engine.getImage(`${image}:1`).remove();
    const result = await project.cli(['down']);
    expect(result.code).toBe(0);
    expect(await project.containers()).toHaveLength(0);
    expect(
      await project.engine.listContainers({ all: true, filters: { name: [`berth-lock-${project.name}`] } }),
    ).toHaveLength(0);
  });
});

describe('engine faults are named clearly', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('no engine at DOCKER_HOST: one clear line and a non-zero exit', async () => {
    project = await useProject('reliability-safety');
    const result = await project.cli(['up', '-d'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      SHARED_VOLUME: 'x',
      SHARED_NETWORK: 'y',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot reach the Docker Engine at unix:\/\/\/nonexistent\/docker.sock/);
  });

  it('a container that exits at start names the service and shows its last log lines', async () => {
    project = await useProject('reliability-many');
    // With a healthcheck, --wait needs the container healthy. Without one, a container seen
    // running for an instant counts as ready, as in Compose, and the test would race the crash.
    project.write(
      'compose.yaml',
      'services:\n  crash:\n    image: busybox\n    command: ["sh", "-c", "echo starting; echo boom: missing config >&2; exit 3"]\n    healthcheck: {test: ["CMD", "true"], interval: 30s}\n',
    );
    const result = await project.cli(['up', '-d', '--wait', '--wait-timeout', '30']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/service "crash"/);
    expect(result.stderr).toMatch(/exited with code 3/);
    expect(result.stderr).toMatch(/boom: missing config/);
  });

  it("a port already allocated is refused before anything is created, naming the service's port", async () => {
    project = await useProject('reliability-many');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      project.write(
        'compose.yaml',
        `services:\n  web:\n    image: busybox\n    command: ["httpd", "-f", "-p", "80"]\n    init: true\n    ports: ["127.0.0.1:${port}:80"]\n`,
      );
      const result = await project.cli(['up', '-d']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/services\.web\.ports\[0\]/);
      expect(result.stderr).toContain(String(port));
      expect(await project.containers()).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('an image that does not exist names the image and the service', async () => {
    project = await useProject('reliability-many');
    project.write('compose.yaml', 'services:\n  ghost:\n    image: berth-test/does-not-exist:1.0\n');
    const result = await project.cli(['up', '-d']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/service "ghost"/);
    expect(result.stderr).toContain('berth-test/does-not-exist:1.0');
    expect(await project.containers()).toHaveLength(0);
  });

  it('a healthcheck that never passes times out under --wait, naming the service and its last health log', async () => {
    project = await useProject('reliability-many');
    project.write(
      'compose.yaml',
      'services:\n  sick:\n    image: busybox\n    command: ["sleep", "3600"]\n    init: true\n    healthcheck:\n      test: ["CMD-SHELL", "echo database not ready; exit 1"]\n      interval: 500ms\n      retries: 100\n',
    );
    const result = await project.cli(['up', '-d', '--wait', '--wait-timeout', '4']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/service "sick"/);
    expect(result.stderr).toMatch(/timed out after 4 s/);
    expect(result.stderr).toMatch(/database not ready/);
  });
});

describe('data safety', () => {
  let project: TestProject;
  const extras: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await project?.cleanup();
    for (const undo of extras.splice(0)) await undo().catch(() => undefined);
  });

  async function withExternals(): Promise<Record<string, string>> {
    const suffix = `${process.pid}-${Date.now()}`;
    const volume = `berth-e2e-shared-${suffix}`;
    const network = `berth-e2e-outside-${suffix}`;
    const engine = project.engine;
    await engine.createVolume({ Name: volume });
    await engine.createNetwork({ Name: network });
    extras.push(
      () => engine.getVolume(volume).remove(),
      () => engine.getNetwork(network).remove(),
    );
    return { SHARED_VOLUME: volume, SHARED_NETWORK: network };
  }

  it('down -v removes the project volume but never external volumes or networks', async () => {
    project = await useProject('reliability-safety');
    const env = await withExternals();
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    expect((await project.cli(['down', '-v'], env)).code).toBe(0);
    await expect(project.engine.getVolume(env.SHARED_VOLUME).inspect()).resolves.toBeDefined();
    await expect(project.engine.getNetwork(env.SHARED_NETWORK).inspect()).resolves.toBeDefined();
    await expect(project.engine.getVolume(`${project.name}_data`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('anonymous volumes are carried over on recreate, and renewed with -V', async () => {
    project = await useProject('reliability-safety');
    const env = await withExternals();
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    const first = (await project.containers('app'))[0];
    await project.exec(first.Id, ['sh', '-c', 'echo cached > /cache/f && echo named > /data/f']);
    expect((await project.cli(['up', '-d', '--force-recreate'], env)).code).toBe(0);
    const second = (await project.containers('app'))[0];
    expect(second.Id).not.toBe(first.Id);
    expect(await project.exec(second.Id, ['cat', '/cache/f', '/data/f'])).toBe('cached\nnamed\n');
    expect((await project.cli(['up', '-d', '--force-recreate', '-V'], env)).code).toBe(0);
    const third = (await project.containers('app'))[0];
    await expect(project.exec(third.Id, ['cat', '/cache/f'])).rejects.toThrow(/No such file/);
    expect(await project.exec(third.Id, ['cat', '/data/f'])).toBe('named\n');
  });

  it('down keeps anonymous volumes, as Docker Compose does; down -v removes them', async () => {
    project = await useProject('reliability-safety');
    const env = await withExternals();
    const cacheVolume = async () =>
      (await project.engine.getContainer((await project.containers('app'))[0].Id).inspect()).Mounts.find(
        (m) => m.Destination === '/cache',
      )!.Name!;
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    const kept = await cacheVolume();
    extras.push(() => project.engine.getVolume(kept).remove());
    expect((await project.cli(['down'], env)).code).toBe(0);
    await expect(project.engine.getVolume(kept).inspect()).resolves.toMatchObject({ Name: kept });
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    const removed = await cacheVolume();
    expect(removed).not.toBe(kept);
    expect((await project.cli(['down', '-v'], env)).code).toBe(0);
    await expect(project.engine.getVolume(removed).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('down never touches the containers of another project', async () => {
    project = await useProject('reliability-safety');
    const other = await useProject('reliability-many');
    extras.push(() => other.cleanup());
    const env = await withExternals();
    await other.up({ services: ['s00'] });
    const before = await idsByName(other);
    expect((await project.cli(['up', '-d'], env)).code).toBe(0);
    expect((await project.cli(['down', '-v', '--remove-orphans'], env)).code).toBe(0);
    expect(await idsByName(other)).toEqual(before);
  });

  it("a same-named container that is not the project's is reported, never removed", async () => {
    project = await useProject('reliability-safety');
    const env = await withExternals();
    const squatter = await project.engine.createContainer({
      name: `${project.name}-app-1`,
      Image: 'busybox',
      Cmd: ['true'],
    });
    extras.push(() => squatter.remove({ force: true }));
    const result = await project.cli(['up', '-d'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/a container named "[^"]+-app-1" already exists and does not belong/);
    expect((await squatter.inspect()).Id).toBe(squatter.id);
  });
});

describe('secrets stay secret', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());
  const password = 'pw-5f3a9c-never-print-me';

  it('an interpolated password appears in no progress output, error or config, and the secret file is read-only', async () => {
    project = await useProject('reliability-secrets');
    const env = { DB_PASSWORD: password };
    const up = await project.cli(['--progress', 'plain', 'up', '-d'], env);
    expect(up.code).toBe(0);
    const config = await project.cli(['config'], env);
    for (const output of [up.stdout, up.stderr, config.stdout, config.stderr]) {
      expect(output).not.toContain(password);
      expect(output).not.toContain('from-file-7d1e');
    }
    expect(config.stdout).toContain('DB_PASSWORD: "********"');
    expect((await project.cli(['config', '--show-secrets'], env)).stdout).toContain(password);

    const app = (await project.containers('app'))[0];
    expect(await project.exec(app.Id, ['cat', '/run/secrets/api_key'])).toBe('key-from-file-7d1e\n');
    await expect(project.exec(app.Id, ['sh', '-c', 'echo x > /run/secrets/api_key'])).rejects.toThrow(
      /Read-only file system/,
    );

    project.write(
      'compose.yaml',
      'services:\n  app:\n    image: berth-test/missing:1\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD}\n',
    );
    const failed = await project.cli(['--progress', 'plain', 'up', '-d'], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).not.toContain(password);
  });
});
