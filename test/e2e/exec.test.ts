import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

describe('exec', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it("exec exits with the command's exit code", async () => {
    project = await useProject('exec');
    await project.up();
    const result = await project.cli(['exec', '-T', 'web', 'sh', '-c', 'exit 3']);
    expect(result.code).toBe(3);
    expect((await project.cli(['exec', '-T', 'web', 'true'])).code).toBe(0);
  });

  it('exec forwards piped stdin to the command, and keeps its stdout and stderr apart', async () => {
    project = await useProject('exec');
    await project.up();
    const cat = spawnCli(project, ['exec', '-T', 'web', 'cat'], 'hi\n');
    expect(await cat.exited).toBe(0);
    expect(cat.stdout()).toBe('hi\n');

    const both = await project.cli(['exec', '-T', 'web', '--', 'sh', '-c', 'echo to-out; echo to-err >&2']);
    expect(both).toMatchObject({ code: 0, stdout: 'to-out\n', stderr: 'to-err\n' });
  });

  it('exec runs the command with the given environment, user and working directory', async () => {
    project = await useProject('exec');
    await project.up();
    const result = await project.cli([
      'exec',
      '-T',
      '-e',
      'FOO=bar',
      '-u',
      'nobody',
      '-w',
      '/tmp',
      'web',
      '--',
      'sh',
      '-c',
      'echo "$FOO $(id -u) $(pwd)"',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: 'bar 65534 /tmp\n' });
  });

  it('exec --index picks the replica, and -d returns while the command goes on', async () => {
    project = await useProject('exec');
    await project.up();
    const [one, two] = (await project.containers('web')).sort((a, b) => a.Names[0].localeCompare(b.Names[0]));
    expect((await project.cli(['exec', '-T', '--index', '2', 'web', 'hostname'])).stdout).toBe(
      `${two.Id.slice(0, 12)}\n`,
    );
    expect((await project.cli(['exec', '-T', 'web', 'hostname'])).stdout).toBe(`${one.Id.slice(0, 12)}\n`);

    // The command ends only once the test creates /tmp/go (or after 60 s, so a blocking exec -d
    // still returns, and fails the check below).
    const detached = await project.cli([
      'exec',
      '-d',
      'web',
      '--',
      'sh',
      '-c',
      'i=0; while [ ! -f /tmp/go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; touch /tmp/done',
    ]);
    expect(detached).toMatchObject({ code: 0, stdout: '' });
    expect(await project.exec(one.Id, ['ls', '/tmp'])).not.toContain('done');
    await project.exec(one.Id, ['touch', '/tmp/go']);
    await expect.poll(() => project.exec(one.Id, ['ls', '/tmp']), { timeout: 10_000 }).toContain('done');
  });

  it('exec fails with a clear message for an unknown service, a service not running, and a replica that does not exist', async () => {
    project = await useProject('exec');
    const notRunning = await project.cli(['exec', '-T', 'web', 'true']);
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr).toBe('error: service "web" is not running\n');

    await project.up();
    const unknown = await project.cli(['exec', '-T', 'nope', 'true']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no such service: "nope" (services: web)');

    const index = await project.cli(['exec', '-T', '--index', '3', 'web', 'true']);
    expect(index.code).toBe(1);
    expect(index.stderr).toBe('error: service "web" has no running container #3 (running: #1, #2)\n');
  });
});
