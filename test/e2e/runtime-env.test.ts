import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

/** The container's environment as a map, read with `env` inside it. */
async function containerEnv(project: TestProject): Promise<Record<string, string>> {
  const [app] = await project.containers('app');
  const lines = (await project.exec(app.Id, ['env'])).trim().split('\n');
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('environment entries without a value', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a bare environment name the caller has not set is unset in the container, even where the image sets it', async () => {
    project = await useProject('runtime-env-unset');
    delete project.env.RUNTIME_E2E_FROM_IMAGE;
    delete project.env.RUNTIME_E2E_NOT_IN_IMAGE;
    const result = await project.cli(['up', '-d', '--build']);
    expect(result.code, result.stderr).toBe(0);
    const env = await containerEnv(project);
    // The image's other variable is there: the check below is not vacuous.
    expect(env.RUNTIME_E2E_KEPT).toBe('kept-from-image');
    expect(env).not.toHaveProperty('RUNTIME_E2E_FROM_IMAGE');
    expect(env).not.toHaveProperty('RUNTIME_E2E_NOT_IN_IMAGE');
  });

  it('a bare environment name the caller has set passes the caller value through, over the image one', async () => {
    project = await useProject('runtime-env-unset');
    const result = await project.cli(['up', '-d', '--build'], {
      RUNTIME_E2E_FROM_IMAGE: 'from-caller',
      RUNTIME_E2E_NOT_IN_IMAGE: 'also-from-caller',
    });
    expect(result.code, result.stderr).toBe(0);
    const env = await containerEnv(project);
    expect(env.RUNTIME_E2E_FROM_IMAGE).toBe('from-caller');
    expect(env.RUNTIME_E2E_NOT_IN_IMAGE).toBe('also-from-caller');
  });
});
