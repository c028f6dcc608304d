import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('file modes of secrets and configs', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a secret or config with `mode: 0440` (an octal literal) gets -r--r----- in the container', async () => {
    project = await useProject('runtime-file-modes');
    const result = await project.cli(['up', '-d'], { RUNTIME_E2E_API_KEY: 'k-123' });
    expect(result.code, result.stderr).toBe(0);
    const [app] = await project.containers('app');
    expect(await project.exec(app.Id, ['stat', '-c', '%a %A', '/run/secrets/api_key'])).toBe('440 -r--r-----\n');
    expect(await project.exec(app.Id, ['stat', '-c', '%a %A', '/etc/motd'])).toBe('640 -rw-r-----\n');
    expect(await project.exec(app.Id, ['cat', '/run/secrets/api_key'])).toBe('k-123');
  });

  it('uid, gid and mode on a file-sourced secret are ignored with a warning, as Compose does', async () => {
    project = await useProject('runtime-file-modes');
    const result = await project.cli(['up', '-d'], { RUNTIME_E2E_API_KEY: 'k-123' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /warning: service "app": secret "token" comes from a file: its `uid`, `gid` and `mode` are not supported, they will be ignored/,
    );
    expect(result.stderr).not.toMatch(/secret "api_key" comes from a file/);
    const [app] = await project.containers('app');
    // The host file's own mode shows through the bind mount, not the 0400 asked for.
    const hostMode = (await project.exec(app.Id, ['stat', '-c', '%a', '/run/secrets/token'])).trim();
    expect(hostMode).not.toBe('400');
    expect(await project.exec(app.Id, ['cat', '/run/secrets/token'])).toBe('from-a-file\n');
  });
});
