// Issue 19, item 1: a recreate says which attribute changed, with old and new values, in `up`
// (plain progress lines and the library's events) and in `up --dry-run`; a secret's value never.
import { afterEach, describe, expect, it } from 'vitest';
import { BerthLabel } from '../../src/model/labels.js';
import type { ProgressEvent } from '../../src/progress/events.js';
import { envOf, useProject, type TestProject } from './harness.js';

const FIRST = 'first-pass-1';
const SECOND = 'second-pass-2';

let project: TestProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function webId(p: TestProject): Promise<string> {
  const [web] = await p.containers('web');
  expect(web).toBeDefined();
  return web.Id;
}

describe('why a container is recreated', () => {
  it('after one environment variable changes, up --dry-run and up name it, and never print the secret', async () => {
    project = await useProject('clarity-reasons');
    expect((await project.cli(['up', '-d'])).code).toBe(0);
    const before = await webId(project);
    const [created] = await project.containers('web');
    expect(created.Labels[BerthLabel.config]).toMatch(/^[A-Za-z0-9+/=]+$/);

    const changed = { DEBUG: '1', DB_PASSWORD: SECOND };
    const dry = await project.cli(['up', '--dry-run'], changed);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(`^ Container ${project.name}-web-1 {2}Recreate \\(.*environment\\.DEBUG: "0" -> "1"`, 'm'),
    );
    expect(dry.stdout).toContain('environment.DB_PASSWORD: ******** -> ********');
    expect(dry.stdout).not.toMatch(/container:web:1/);
    for (const out of [dry.stdout, dry.stderr]) expect(out).not.toMatch(new RegExp(`${FIRST}|${SECOND}`));
    // A dry run changes nothing.
    expect(await webId(project)).toBe(before);

    const real = await project.cli(['--progress', 'plain', 'up', '-d'], changed);
    expect(real.code).toBe(0);
    expect(real.stderr).toMatch(
      new RegExp(`Container ${project.name}-web-1 {2}Recreating \\(.*environment\\.DEBUG: "0" -> "1"`),
    );
    for (const out of [real.stdout, real.stderr]) expect(out).not.toMatch(new RegExp(`${FIRST}|${SECOND}`));
    const after = await webId(project);
    expect(after).not.toBe(before);
    expect(await envOf(project.engine, after)).toMatchObject({ DEBUG: '1', DB_PASSWORD: SECOND });
  });

  it("the library's step events carry the same reason, and an unchanged up recreates nothing", async () => {
    project = await useProject('clarity-reasons');
    await project.up();
    const before = await webId(project);
    const events: ProgressEvent[] = [];
    await project.up({ load: { environment: { ...project.env, DEBUG: '2' } }, onEvent: (e) => events.push(e) });
    const recreate = events.find((e) => e.type === 'step' && e.kind === 'recreate-container');
    expect(recreate).toMatchObject({ reason: 'environment.DEBUG: "0" -> "2"' });
    const after = await webId(project);
    expect(after).not.toBe(before);

    const again: ProgressEvent[] = [];
    await project.up({ load: { environment: { ...project.env, DEBUG: '2' } }, onEvent: (e) => again.push(e) });
    expect(again.filter((e) => e.type === 'step')).toEqual([]);
    expect(await webId(project)).toBe(after);
  });
});
