import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

interface LsEntry {
  Name: string;
  Status: string;
  ConfigFiles: string;
}

interface StatsLine {
  BlockIO: string;
  CPUPerc: string;
  Container: string;
  ID: string;
  MemPerc: string;
  MemUsage: string;
  Name: string;
  NetIO: string;
  PIDs: string;
}

describe('ls and stats', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  const ls = async (args: string[] = []): Promise<LsEntry[]> => {
    const result = await project.cli(['ls', '--format', 'json', '--filter', `name=^${project.name}$`, ...args]);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as LsEntry[];
  };

  it('ls lists the project with its container states and compose file, without needing the compose file', async () => {
    project = await useProject('ls-stats');
    await project.up();
    const configFile = join(project.dir, 'compose.yaml');
    // The labels are the only source: the file may be gone.
    rmSync(configFile);
    expect(await ls()).toEqual([{ Name: project.name, Status: 'running(2)', ConfigFiles: configFile }]);

    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).stop();
    expect(await ls()).toEqual([{ Name: project.name, Status: 'running(1)', ConfigFiles: configFile }]);
    expect(await ls(['-a'])).toEqual([
      { Name: project.name, Status: 'exited(1), running(1)', ConfigFiles: configFile },
    ]);

    const quiet = await project.cli(['ls', '-q', '--filter', `name=${project.name}`]);
    expect(quiet.stdout.split('\n')).toContain(project.name);
  });

  it('ls shows a stopped project only with --all', async () => {
    project = await useProject('ls-stats');
    await project.up();
    for (const c of await project.containers()) await project.engine.getContainer(c.Id).stop();
    expect(await ls()).toEqual([]);
    expect((await ls(['--all'])).map((p) => p.Status)).toEqual(['exited(2)']);
    const table = await project.cli(['ls', '-a', '--filter', `name=^${project.name}$`]);
    expect(table.stdout.split('\n')[0].split(/\s{2,}/)).toEqual(['NAME', 'STATUS', 'CONFIG FILES']);
    expect(table.stdout.split('\n')[1].split(/\s+/).slice(0, 2)).toEqual([project.name, 'exited(2)']);
  });

  it('ls rejects filters other than name', async () => {
    project = await useProject('ls-stats');
    const result = await project.cli(['ls', '--filter', 'status=running']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only name=<pattern> is supported/);
  });

  it('stats --no-stream reports each running container as docker stats does, with its memory limit', async () => {
    project = await useProject('ls-stats');
    await project.up();
    const result = await project.cli(['stats', '--no-stream', '--format', 'json']);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StatsLine);
    const containers = await project.containers();
    expect(lines.map((l) => l.Name).sort()).toEqual([`${project.name}-web-1`, `${project.name}-worker-1`]);
    for (const line of lines) {
      const id = containers.find((c) => c.Names[0] === `/${line.Name}`)!.Id;
      expect(line.ID).toBe(id.slice(0, 12));
      expect(line.Container).toBe(id.slice(0, 12));
      expect(line.CPUPerc).toMatch(/^\d+\.\d\d%$/);
      expect(line.MemUsage).toMatch(/^[\d.]+(B|KiB|MiB|GiB) \/ [\d.]+(B|KiB|MiB|GiB|TiB)$/);
      expect(line.NetIO).toMatch(/^[\d.]+(B|kB|MB) \/ [\d.]+(B|kB|MB)$/);
      expect(line.BlockIO).toMatch(/^[\d.]+(B|kB|MB) \/ [\d.]+(B|kB|MB)$/);
      // init and sleep.
      expect(Number(line.PIDs)).toBeGreaterThanOrEqual(2);
    }
    const web = lines.find((l) => l.Name.endsWith('-web-1'))!;
    expect(web.MemUsage).toMatch(/ \/ 64MiB$/);
    // MEM % is usage over the limit (the usage printed is rounded to 4 digits).
    const [, amount, unit] = /^([\d.]+)(B|KiB|MiB)/.exec(web.MemUsage)!;
    const used = Number(amount) * { B: 1, KiB: 1024, MiB: 1024 * 1024 }[unit as 'B' | 'KiB' | 'MiB'];
    expect(Number(web.MemPerc.replace('%', ''))).toBeCloseTo((used / (64 * 1024 * 1024)) * 100, 1);
  });

  it('stats SERVICE, --all and --no-trunc select and show containers as asked', async () => {
    project = await useProject('ls-stats');
    await project.up();
    const [web] = await project.containers('web');
    const [worker] = await project.containers('worker');
    await project.engine.getContainer(worker.Id).stop();

    const only = await project.cli(['stats', '--no-stream', '--no-trunc', '--format', 'json', 'web']);
    expect(
      only.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as StatsLine).ID),
    ).toEqual([web.Id]);

    const all = await project.cli(['stats', '--no-stream', '-a', '--format', 'json']);
    const stopped = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StatsLine)
      .find((l) => l.Name.endsWith('-worker-1'));
    expect(stopped).toMatchObject({ CPUPerc: '0.00%', MemUsage: '0B / 0B', PIDs: '0' });

    const table = await project.cli(['stats', '--no-stream']);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0].split(/\s{2,}/)).toEqual([
      'CONTAINER ID',
      'NAME',
      'CPU %',
      'MEM USAGE / LIMIT',
      'MEM %',
      'NET I/O',
      'BLOCK I/O',
      'PIDS',
    ]);
    expect(rows.slice(1).map((r) => r.split(/\s+/)[1])).toEqual([`${project.name}-web-1`]);
  });

  it('stats of an unknown service fails and names the known ones', async () => {
    project = await useProject('ls-stats');
    const result = await project.cli(['stats', '--no-stream', 'nosuch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no such service: "nosuch" \(services: web, worker\)/);
  });
});
