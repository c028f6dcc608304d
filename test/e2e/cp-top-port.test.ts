import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

/** The containers of web, replica 1 first. */
async function replicas(project: TestProject) {
  return (await project.containers('web')).sort((a, b) => a.Names[0].localeCompare(b.Names[0]));
}

/** Waits until web's command has written its files. */
async function ready(project: TestProject): Promise<void> {
  for (const c of await replicas(project)) {
    await expect
      .poll(() => project.exec(c.Id, ['cat', '/srv/conf/app.conf']).catch(() => ''), { timeout: 10_000 })
      .toBe('from-container\n');
  }
}

describe('cp', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('cp copies a local file into every container of the service, or one with --index, readable inside', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    const [one, two] = await replicas(project);
    project.write('in.txt', 'copied-in\n');

    expect((await project.cli(['cp', 'in.txt', 'web:/tmp/in.txt'])).code).toBe(0);
    expect(await project.exec(one.Id, ['cat', '/tmp/in.txt'])).toBe('copied-in\n');
    expect(await project.exec(two.Id, ['cat', '/tmp/in.txt'])).toBe('copied-in\n');
    // Without -a the copy belongs to root inside the container.
    expect(await project.exec(one.Id, ['stat', '-c', '%u', '/tmp/in.txt'])).toBe('0\n');

    project.write('in.txt', 'only-two\n');
    expect((await project.cli(['cp', '--index', '2', './in.txt', 'web:/tmp/'])).code).toBe(0);
    expect(await project.exec(two.Id, ['cat', '/tmp/in.txt'])).toBe('only-two\n');
    expect(await project.exec(one.Id, ['cat', '/tmp/in.txt'])).toBe('copied-in\n');
  });

  it('cp copies a local directory into an existing container directory, keeping its name', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    mkdirSync(join(project.dir, 'site', 'css'), { recursive: true });
    writeFileSync(join(project.dir, 'site', 'index.html'), '<h1>hi</h1>\n');
    writeFileSync(join(project.dir, 'site', 'css', 'a.css'), 'body{}\n');
    expect((await project.cli(['cp', '--index', '1', 'site', 'web:/srv'])).code).toBe(0);
    const [one] = await replicas(project);
    expect(await project.exec(one.Id, ['cat', '/srv/site/index.html', '/srv/site/css/a.css'])).toBe(
      '<h1>hi</h1>\nbody{}\n',
    );
  });

  it('cp copies files and directories out with the right content, following a link with -L, or as a tar on stdout', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    await ready(project);

    expect((await project.cli(['cp', 'web:/srv/conf/app.conf', 'out.txt'])).code).toBe(0);
    expect(readFileSync(join(project.dir, 'out.txt'), 'utf8')).toBe('from-container\n');

    expect((await project.cli(['cp', 'web:/srv/conf', 'confcopy'])).code).toBe(0);
    expect(readFileSync(join(project.dir, 'confcopy', 'app.conf'), 'utf8')).toBe('from-container\n');
    mkdirSync(join(project.dir, 'into'));
    expect((await project.cli(['cp', 'web:/srv/conf', 'into'])).code).toBe(0);
    expect(readFileSync(join(project.dir, 'into', 'conf', 'app.conf'), 'utf8')).toBe('from-container\n');

    expect((await project.cli(['cp', 'web:/srv/link', 'link'])).code).toBe(0);
    expect(readlinkSync(join(project.dir, 'link'))).toBe('/srv/conf/app.conf');
    expect((await project.cli(['cp', '-L', 'web:/srv/link', 'followed'])).code).toBe(0);
    expect(statSync(join(project.dir, 'followed')).isFile()).toBe(true);
    expect(readFileSync(join(project.dir, 'followed'), 'utf8')).toBe('from-container\n');

    const tar = await project.cli(['cp', 'web:/srv/conf/app.conf', '-']);
    expect(tar.code).toBe(0);
    expect(tar.stdout.slice(0, 8)).toBe('app.conf');
    expect(tar.stdout).toContain('from-container\n');
  });

  it('cp fails for a missing path, an unknown service, and two local paths', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    const missing = await project.cli(['cp', 'web:/no/such/file', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or directory in the container: /no/such/file');

    const unknown = await project.cli(['cp', 'nope:/etc/hosts', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: web)');

    const local = await project.cli(['cp', 'a', 'b']);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('one of the source and the destination must be SERVICE:PATH');
  });
});

describe('top', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('top prints each running container by name, then the table of its processes', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    await ready(project);
    const result = await project.cli(['top', 'web']);
    expect(result.code).toBe(0);
    const blocks = result.stdout.trimEnd().split('\n\n');
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([`${project.name}-web-1`, `${project.name}-web-2`]);
    for (const block of blocks) {
      const [, header, ...rows] = block.split('\n');
      expect(header.split(/\s+/)).toEqual(['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
      expect(rows.some((r) => r.endsWith('httpd -f -p 8080'))).toBe(true);
    }
  });

  it('top names the known services for an unknown one, and prints nothing when nothing runs', async () => {
    project = await useProject('cp-top-port');
    const unknown = await project.cli(['top', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: web)');
    expect(await project.cli(['top'])).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('port', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('port prints the host address and port a container port is published on, per replica', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    const [one, two] = await replicas(project);
    const binding = async (id: string) =>
      (await project.engine.getContainer(id).inspect()).NetworkSettings.Ports['8080/tcp']![0];

    const first = await project.cli(['port', 'web', '8080']);
    expect(first).toMatchObject({ code: 0, stdout: `127.0.0.1:${(await binding(one.Id)).HostPort}\n` });
    const second = await project.cli(['port', '--index', '2', 'web', '8080']);
    expect(second.stdout).toBe(`127.0.0.1:${(await binding(two.Id)).HostPort}\n`);
    expect(second.stdout).not.toBe(first.stdout);
  });

  it('port fails for a port not published, another protocol, and an unknown service', async () => {
    project = await useProject('cp-top-port');
    await project.up();
    const closed = await project.cli(['port', 'web', '9999']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toBe(
      `error: port 9999/tcp of container ${project.name}-web-1 is not published (published: 8080/tcp)\n`,
    );
    expect((await project.cli(['port', '--protocol', 'udp', 'web', '8080'])).code).toBe(1);
    const unknown = await project.cli(['port', 'nope', '80']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: web)');
  });
});
