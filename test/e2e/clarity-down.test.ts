// Issue 19, item 4: `down -v` says which volumes (named and anonymous) it removes and which
// services used them before removing anything; its dry run lists the same volumes; a declined
// confirmation changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** The named volume of db and the anonymous volume of web, as the engine names them. */
async function volumesOf(p: TestProject): Promise<{ named: string; anonymous: string }> {
  const [web] = await p.containers('web');
  const anonymous = web.Mounts.find((m) => m.Destination === '/cache')?.Name;
  expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
  return { named: `${p.name}_data`, anonymous: anonymous! };
}

async function exists(p: TestProject, volume: string): Promise<boolean> {
  return p.engine
    .getVolume(volume)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}

describe('down -v', () => {
  it('lists every volume it removes, anonymous ones included, in the dry run and before removing', async () => {
    project = await useProject('clarity-down');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const { named, anonymous } = await volumesOf(project);

    const dry = await project.cli(['down', '-v', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^ {2}${named} +\\(named; used by db\\)$`, 'm'));
    expect(dry.stdout).toMatch(new RegExp(`^ {2}${anonymous} +\\(anonymous; used by web\\)$`, 'm'));
    expect(await exists(project, named)).toBe(true);
    expect(await exists(project, anonymous)).toBe(true);

    // Not a terminal: no question, as in Compose; the list comes before the first removal.
    const real = await project.cli(['--progress', 'plain', 'down', '-v']);
    expect(real.code).toBe(0);
    const listedAt = real.stderr.indexOf(`  ${anonymous}`);
    expect(listedAt).toBeGreaterThanOrEqual(0);
    expect(listedAt).toBeLessThan(real.stderr.indexOf('Removed'));
    await expect.poll(() => exists(project!, anonymous)).toBe(false);
    expect(await exists(project, named)).toBe(false);
    expect(await project.containers()).toEqual([]);
  });

  it('changes nothing when the removal is declined', async () => {
    project = await useProject('clarity-down');
    await project.up();
    const { named, anonymous } = await volumesOf(project);
    const ids = (await project.containers()).map((c) => c.Id).sort();
    let told: string[] = [];
    await expect(
      project.down({
        volumes: true,
        onVolumes: (volumes) => {
          told = volumes.map((v) => v.name);
          return false;
        },
      }),
    ).rejects.toThrow('down cancelled: nothing was stopped or removed');
    expect(told.sort()).toEqual([named, anonymous].sort());
    expect((await project.containers()).map((c) => c.Id).sort()).toEqual(ids);
    expect((await project.containers()).every((c) => c.State === 'running')).toBe(true);
    expect(await exists(project, named)).toBe(true);
    expect(await exists(project, anonymous)).toBe(true);
  });
});
