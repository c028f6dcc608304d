import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

describe("changing a service's volumes", () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  /** Rewrites the fixture's compose file, `from` replaced with `to`. */
  const edit = (from: string, to: string) => {
    const file = join(project.dir, 'compose.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    project.write('compose.yaml', text.replace(from, to));
  };

  /** up -d, then app's container: its ID and the named volumes it mounts. */
  const upApp = async () => {
    const result = await project.cli(['up', '-d']);
    expect(result.code, result.stderr).toBe(0);
    const [app] = await project.containers('app');
    return { id: app.Id, volumes: app.Mounts.filter((m) => m.Type === 'volume').map((m) => m.Name) };
  };

  it('another named volume, another volume name or another bind source recreates the container with the new mount', async () => {
    project = await useProject('runtime-volume-change');
    const first = await upApp();
    expect(first.volumes).toEqual([`${project.name}-first`]);

    edit('name: ${COMPOSE_PROJECT_NAME}-first', 'name: ${COMPOSE_PROJECT_NAME}-second');
    const renamed = await upApp();
    expect(renamed.id).not.toBe(first.id);
    expect(renamed.volumes).toEqual([`${project.name}-second`]);

    edit('- data:/data', '- other:/data');
    const otherKey = await upApp();
    expect(otherKey.id).not.toBe(renamed.id);
    expect(otherKey.volumes).toEqual([`${project.name}_other`]);

    edit('./site-a:/site', './site-b:/site');
    const otherSource = await upApp();
    expect(otherSource.id).not.toBe(otherKey.id);
    expect(await project.exec(otherSource.id, ['cat', '/site/index.txt'])).toBe('b\n');

    // And nothing changed: nothing is recreated.
    expect((await upApp()).id).toBe(otherSource.id);
  });
});
