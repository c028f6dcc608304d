import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { useProject, type TestProject } from './harness.js';

/** A file's content in a named volume, read by a throwaway container that mounts it. */
async function readFromVolume(engine: Engine, volume: string, path: string): Promise<string> {
  const reader = await engine.createContainer({
    Image: 'busybox:latest',
    Cmd: ['cat', `/v/${path}`],
    Tty: true,
    HostConfig: { Binds: [`${volume}:/v:ro`] },
  });
  try {
    await reader.start();
    const { StatusCode } = (await reader.wait()) as { StatusCode: number };
    const out = ((await reader.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer).toString();
    if (StatusCode !== 0) throw new Error(`cat ${path} in volume ${volume} exited with ${StatusCode}: ${out}`);
    return out.replace(/\r\n/g, '\n');
  } finally {
    await reader.remove({ force: true });
  }
}

describe('post_start and pre_stop hooks', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('post_start hooks run in order inside the started container, with their user, working_dir and environment', async () => {
    project = await useProject('hooks-post-start');
    const result = await project.cli(['up', '-d']);
    expect(result.code, result.stderr).toBe(0);
    const [app] = await project.containers('app');
    expect(await project.exec(app.Id, ['cat', '/tmp/started'])).toBe('first\n');
    expect(await project.exec(app.Id, ['cat', '/tmp/second'])).toBe('hello 65534 /home first\n');
  });

  it('post_start hooks run again when the container is restarted', async () => {
    project = await useProject('hooks-post-start');
    await project.up();
    const [app] = await project.containers('app');
    await project.exec(app.Id, ['rm', '/tmp/started']);
    expect((await project.cli(['restart'])).code).toBe(0);
    expect(await project.exec(app.Id, ['cat', '/tmp/started'])).toBe('first\n');
  });

  it('a failing post_start hook fails up, naming the service and showing the hook output but not its environment', async () => {
    project = await useProject('hooks-post-start-failing');
    const result = await project.cli(['up', '-d']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: service "app": post_start hook #1 .* exited with code 3/);
    expect(result.stderr).toContain('cannot reach the cache');
    expect(result.stderr).toContain('preparing');
    expect(result.stderr).not.toContain('s3cr3t-token-value');
  });

  it('pre_stop hooks run before the container stops (writing to a named volume); a failing one is a warning and the stop goes on', async () => {
    project = await useProject('hooks-pre-stop');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const volume = `${project.name}_data`;
    await expect(readFromVolume(project.engine, volume, 'stopped')).rejects.toThrow(/exited with 1/);

    const result = await project.cli(['stop']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: service "flaky": pre_stop hook #1 .* exited with code 4/);
    expect(result.stderr).toContain('cannot flush');
    for (const c of await project.containers()) expect(c.State).toBe('exited');
    expect(await readFromVolume(project.engine, volume, 'stopped')).toBe('saved-before-stop\n');
  });

  it('a stopped container has no pre_stop hooks to run: stopping it again succeeds quietly', async () => {
    project = await useProject('hooks-pre-stop');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    expect((await project.cli(['stop'])).code).toBe(0);
    const again = await project.cli(['stop']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('warning');
  });
});
