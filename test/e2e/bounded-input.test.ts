// Files that never end and numbers that multiply are refused at once, by file and line, before
// berth creates anything on the engine; a project read from standard input works as Compose's.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/model/labels.js';
import { spawnCli } from './cli-process.js';
import { useProject, type TestProject } from './harness.js';

const APP = ['services:', '  app:', '    image: busybox', '    command: ["sleep", "3600"]', '    init: true'];
const text = (...lines: string[]) => `${lines.join('\n')}\n`;

/** Nothing of the project exists on the engine: no container, no network. */
async function expectNothingCreated(project: TestProject): Promise<void> {
  expect(await project.containers()).toEqual([]);
  expect(await project.engine.listNetworks({ filters: { label: [`${Label.project}=${project.name}`] } })).toEqual([]);
}

describe('unbounded input is refused before anything is created', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('an env_file of /dev/zero is refused in under a second, naming the env_file entry', async () => {
    project = await useProject('bounded-input');
    // The same command refused for a file that is missing, timed beside it: what the machine
    // takes to start berth and refuse, however loaded it is. /dev/zero may add no more than a second.
    project.write('compose.yaml', text(...APP, '    env_file: missing.env'));
    const baselineStarted = Date.now();
    expect((await project.cli(['up', '-d'])).code).not.toBe(0);
    const baseline = Date.now() - baselineStarted;
    project.write('compose.yaml', text(...APP, '    env_file: /dev/zero'));
    const started = Date.now();
    const result = await project.cli(['up', '-d']);
    expect(Date.now() - started).toBeLessThan(baseline + 1_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `${join(project.dir, 'compose.yaml')}:6:15: services.app.env_file[0]: cannot read env file /dev/zero: it is not a regular file`,
    );
    await expectNothingCreated(project);
  });

  it('a compose file that is a FIFO is refused instead of waiting for a writer', async () => {
    project = await useProject('bounded-input');
    execFileSync('mkfifo', [join(project.dir, 'pipe.yaml')]);
    const result = await project.cli(['-f', 'pipe.yaml', 'up', '-d']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('pipe.yaml: it is not a regular file (it is a FIFO)');
    await expectNothingCreated(project);
  });

  it('a scale past the limit is refused at its line, naming the limit', async () => {
    project = await useProject('bounded-input');
    project.write('compose.yaml', text(...APP, '    scale: 99999999999999999999'));
    const result = await project.cli(['up', '-d']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /compose\.yaml:6:12: services\.app\.scale: expected a number of replicas from 0 to 1000/,
    );
    await expectNothingCreated(project);
  });

  it('a --scale past the limit is refused before anything is created, naming the limit', async () => {
    project = await useProject('bounded-input');
    project.write('compose.yaml', text(...APP));
    const result = await project.cli(['up', '-d', '--scale', 'app=99999999999999999999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--scale app=99999999999999999999: at most 1000 replicas of a service');
    await expectNothingCreated(project);
  });

  it('a dependency chain of 10 000 services plans a dry run, the deepest dependency first', async () => {
    project = await useProject('bounded-input');
    const n = 10_000;
    project.write(
      'compose.yaml',
      text(
        'services:',
        ...Array.from(
          { length: n },
          (_, i) => `  s${i}: {image: busybox${i + 1 < n ? `, depends_on: [s${i + 1}]` : ''}}`,
        ),
      ),
    );
    const result = await project.cli(['up', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const creates = result.stdout.split('\n').filter((l) => /^ Container \S+-s\d+-1 {2}Create /.test(l));
    expect(creates).toHaveLength(n);
    expect(creates[0]).toContain(`-s${n - 1}-1  Create`);
    expect(creates[n - 1]).toContain(`-s0-1  Create`);
    await expectNothingCreated(project);
  }, 120_000);
});

describe('standard input as the compose file', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('a project given with -f - comes up from standard input, in the current directory', async () => {
    project = await useProject('bounded-input');
    const run = spawnCli(project, ['-f', '-', 'up', '-d'], text(...APP, '    environment: {FROM: stdin}'));
    expect({ code: await run.exited, stderr: run.stderr() }).toMatchObject({ code: 0 });
    const [app] = await project.containers('app');
    expect(app.Labels[Label.workingDir]).toBe(project.dir);
    const env = (await project.engine.getContainer(app.Id).inspect()).Config.Env;
    expect(env).toContain('FROM=stdin');
  });
});
