import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, type CliProcess } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

const poll = { timeout: 30_000, interval: 200 };

describe('watch and up --watch (develop.watch)', () => {
  let project: TestProject;
  let running: CliProcess | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
    await project?.cleanup();
  });

  async function webContainer(): Promise<string> {
    const [web] = await project.containers('web');
    expect(web, 'the web container exists').toBeDefined();
    return web.Id;
  }

  const catIn = (id: string, path: string) => project.exec(id, ['cat', path]).catch((err: Error) => `(${err.message})`);
  const lsIn = (id: string, path: string) =>
    project.exec(id, ['ls', '-A', path]).then((o) => o.split('\n').filter(Boolean).sort());

  it('watch starts the project, syncs changed files (not ignored ones) into the container, deletes removed ones, restarts on sync+restart, runs sync+exec commands, and ends on SIGINT', async () => {
    project = await useProject('watch');
    running = spawnCli(project, ['watch']);
    await expect.poll(() => running!.stdout(), poll).toContain('Watch enabled');
    const web = await webContainer();

    // initial_sync: the site is in the container although the image has none of it.
    await expect.poll(() => catIn(web, '/www/index.html'), poll).toBe('v1\n');
    expect(await lsIn(web, '/www')).toEqual(['index.html', 'old.html']);

    // An ignored file written first, then a synced one: once the second arrives, the first has been passed over.
    writeFileSync(join(project.dir, 'site/skip.bak'), 'not synced');
    writeFileSync(join(project.dir, 'site/drafts/d2.html'), 'not synced');
    writeFileSync(join(project.dir, 'site/index.html'), 'v2\n');
    await expect.poll(() => catIn(web, '/www/index.html'), poll).toBe('v2\n');
    expect(await lsIn(web, '/www')).toEqual(['index.html', 'old.html']);

    // A deleted file goes, a new directory comes with its content.
    rmSync(join(project.dir, 'site/old.html'));
    mkdirSync(join(project.dir, 'site/css'));
    writeFileSync(join(project.dir, 'site/css/a.css'), 'body {}\n');
    await expect.poll(() => lsIn(web, '/www'), poll).toEqual(['css', 'index.html']);
    await expect.poll(() => catIn(web, '/www/css/a.css'), poll).toBe('body {}\n');

    // sync+restart: the file is synced and the same container restarted.
    const startedAt = (await project.engine.getContainer(web).inspect()).State.StartedAt;
    writeFileSync(join(project.dir, 'conf/x'), 'two\n');
    await expect
      .poll(async () => (await project.engine.getContainer(web).inspect()).State.StartedAt, poll)
      .not.toBe(startedAt);
    await expect.poll(() => catIn(web, '/conf/x'), poll).toBe('two\n');
    expect(await webContainer()).toBe(web);

    // sync+exec: the script is synced, then the exec command runs it in the container.
    writeFileSync(join(project.dir, 'scripts/gen.sh'), 'echo regenerated\n');
    await expect.poll(() => catIn(web, '/tmp/generated'), poll).toBe('regenerated\n');

    expect(running.stdout()).toMatch(/Syncing service "web" after 1 change/);
    expect(running.stdout()).toMatch(/Restarting service "web" after 1 change/);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    // watch leaves the containers running.
    expect((await project.engine.getContainer(web).inspect()).State.Running).toBe(true);
  });

  it('watch --no-up needs running containers to sync to, and does not start any', async () => {
    project = await useProject('watch');
    running = spawnCli(project, ['watch', '--no-up']);
    await expect.poll(() => running!.stdout(), poll).toContain('Watch enabled');
    expect(await project.containers()).toEqual([]);
    writeFileSync(join(project.dir, 'site/index.html'), 'v2\n');
    await expect
      .poll(() => running!.stderr(), poll)
      .toMatch(/warning: service "web" has no running container to sync files to/);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  });

  it('up --watch follows the output and syncs changes; Ctrl-C stops the containers', async () => {
    project = await useProject('watch');
    running = spawnCli(project, ['up', '--watch', 'web']);
    await expect.poll(() => running!.stdout(), poll).toContain('Watch enabled');
    const web = await webContainer();
    writeFileSync(join(project.dir, 'site/index.html'), 'v3\n');
    await expect.poll(() => catIn(web, '/www/index.html'), poll).toBe('v3\n');
    // A line the container writes to its own output (PID 1's stdout) after the sync is shown:
    // the output is still followed while watching.
    await project.exec(web, ['sh', '-c', 'echo "after sync $((6 * 7))" > /proc/1/fd/1']);
    await expect.poll(() => running!.stdout(), poll).toMatch(/^web-1 +\| after sync 42$/m);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect((await project.engine.getContainer(web).inspect()).State.Running).toBe(false);
  });

  it('a rebuild rule rebuilds the image and recreates the container; --prune removes the replaced image, --quiet hides build output', async () => {
    project = await useProject('watch-rebuild');
    const tag = `${project.name}-app`;
    try {
      running = spawnCli(project, ['watch', '--prune', '--quiet']);
      await expect.poll(() => running!.stdout(), poll).toContain('Watch enabled');
      const [before] = await project.containers('app');
      expect(await project.exec(before.Id, ['cat', '/message.txt'])).toBe('first\n');
      const oldImage = (await project.engine.getImage(tag).inspect()).Id;

      writeFileSync(join(project.dir, 'app/message.txt'), 'second\n');
      await expect.poll(async () => (await project.containers('app')).map((c) => c.Id), poll).not.toContain(before.Id);
      const [after] = await project.containers('app');
      await expect.poll(() => project.exec(after.Id, ['cat', '/message.txt']), poll).toBe('second\n');
      expect((await project.engine.getImage(tag).inspect()).Id).not.toBe(oldImage);
      await expect
        .poll(
          () =>
            project.engine
              .getImage(oldImage)
              .inspect()
              .then(
                () => 'present',
                (e: { statusCode?: number }) => e.statusCode,
              ),
          poll,
        )
        .toBe(404);
      expect(running.stdout()).toMatch(/Rebuilding service "app" after 1 change/);
      // The Dockerfile's COPY step is named in the build output (classic and BuildKit alike).
      expect(running.stderr()).not.toContain('COPY message.txt');

      running.child.kill('SIGINT');
      expect(await running.exited).toBe(0);

      // Without --quiet, the same rebuild shows its build output.
      running = spawnCli(project, ['watch', '--no-up']);
      await expect.poll(() => running!.stdout(), poll).toContain('Watch enabled');
      writeFileSync(join(project.dir, 'app/message.txt'), 'third\n');
      await expect.poll(() => running!.stdout(), poll).toMatch(/Rebuilding service "app" after 1 change/);
      await expect.poll(() => running!.stderr(), poll).toContain('COPY message.txt');
      running.child.kill('SIGINT');
      expect(await running.exited).toBe(0);
    } finally {
      await project.cleanup();
      await project.engine
        .getImage(tag)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('watch of an unknown service fails and names the known services', async () => {
    project = await useProject('watch');
    const result = await project.cli(['watch', 'nosuch']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no such service: "nosuch" \(services: web, db\)/);
    expect(await project.containers()).toEqual([]);
  });

  it('watch of a service without develop.watch rules fails before starting anything', async () => {
    project = await useProject('watch');
    const result = await project.cli(['watch', 'db']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/none of the selected services is configured for watch/);
    expect(await project.containers()).toEqual([]);
  });

  it('up --watch cannot be detached', async () => {
    project = await useProject('watch');
    const result = await project.cli(['up', '-d', '--watch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--watch needs attached mode/);
  });
});
