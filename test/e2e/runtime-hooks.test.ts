import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { useProject, type TestProject } from './harness.js';

describe('a failing pre_stop hook on down', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('down with a failing pre_stop hook still removes every container and network, then exits 1', async () => {
    project = await useProject('runtime-pre-stop-failing');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    expect(await project.containers()).toHaveLength(2);

    const result = await project.cli(['down']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/warning: service "flaky": pre_stop hook #1 .* exited with code 4/);
    expect(result.stderr).toMatch(/error: pre_stop hooks of service "flaky" failed/);
    expect(await project.containers()).toEqual([]);
    const networks = await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } });
    expect(networks).toEqual([]);
  });
});
