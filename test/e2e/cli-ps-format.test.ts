import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe('ps and ls --format', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it("ps --format json prints one object a line with Compose's keys, publishers as the engine bound them", async () => {
    project = await useProject('cli-two');
    await project.up();
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).kill();
    const [web] = await project.containers('web');
    const bound = (await project.engine.getContainer(web.Id).inspect()).NetworkSettings.Ports['8080/tcp']![0];

    const result = await project.cli(['ps', '-a', '--format', 'json']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [webRow, workerRow] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(webRow).toMatchObject({
      ID: web.Id.slice(0, 12),
      Name: `${project.name}-web-1`,
      Project: project.name,
      Service: 'web',
      State: 'running',
      ExitCode: 0,
      Health: '',
      Publishers: [{ URL: '127.0.0.1', TargetPort: 8080, PublishedPort: Number(bound.HostPort), Protocol: 'tcp' }],
    });
    expect(Object.keys(webRow)).toEqual(
      expect.arrayContaining(['Command', 'CreatedAt', 'Image', 'Labels', 'Networks', 'Ports', 'RunningFor', 'Status']),
    );
    expect(workerRow).toMatchObject({ Service: 'worker', State: 'exited', ExitCode: 137 });
  });

  it('ps --format takes Go-template fields, and a table of them with a header row', async () => {
    project = await useProject('cli-two');
    await project.up();
    const names = await project.cli(['ps', '--format', '{{.Name}}']);
    expect(names.stdout).toBe(`${project.name}-web-1\n${project.name}-worker-1\n`);
    const table = await project.cli(['ps', '--format', 'table {{.Service}}\\t{{.State}}']);
    expect(table.stdout.split('\n')).toEqual(['SERVICE   STATE', 'web       running', 'worker    running', '']);
    const bad = await project.cli(['ps', '--format', '{{.Nope}}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no field "Nope"/);
  });

  it('ls --format json names the project with the same key names', async () => {
    project = await useProject('cli-two');
    await project.up();
    const result = await project.cli(['ls', '--format', 'json', '--filter', `name=^${project.name}$`]);
    expect(JSON.parse(result.stdout)).toEqual([
      { Name: project.name, Status: 'running(2)', ConfigFiles: `${project.dir}/compose.yaml` },
    ]);
  });
});
