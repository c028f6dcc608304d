import { afterEach, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/index.js';
import { Label } from '../../src/model/labels.js';
import { idsByName, useProject, type TestProject } from './harness.js';

const ONLY_A = `services:
  a:
    image: busybox
    command: ["sleep", "3600"]
    init: true
`;

describe('orphans and scale', () => {
  let project: TestProject;
  afterEach(async () => project?.cleanup());

  it('up must keep, and warn about, the container of a service removed from the file, and --remove-orphans must remove it', async () => {
    project = await useProject('orphans-scale-orphans');
    await project.up();
    const before = await idsByName(project);
    const a = `${project.name}-a-1`;
    const b = `${project.name}-b-1`;
    expect(Object.keys(before).sort()).toEqual([a, b]);

    // b leaves the file: up keeps its container and says so.
    project.write('compose.yaml', ONLY_A);
    const events: ProgressEvent[] = [];
    await project.up({ onEvent: (e) => events.push(e) });
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(
      warnings.filter((w) => /orphan/i.test(w) && w.includes(b)),
      JSON.stringify(warnings),
    ).toHaveLength(1);
    expect(await idsByName(project)).toEqual(before);
    expect((await project.containers('b'))[0].State).toBe('running');

    // --remove-orphans removes it, and leaves a untouched.
    const result = await project.cli(['up', '-d', '--remove-orphans']);
    expect(result.code, result.stderr).toBe(0);
    expect(await idsByName(project)).toEqual({ [a]: before[a] });
    expect((await project.containers('a'))[0].State).toBe('running');
  });

  it('scale must number replicas 1..n, remove the highest-numbered first when scaling down, and keep the rest', async () => {
    project = await useProject('orphans-scale-scale');
    const replicas = async () =>
      (await project.containers('web'))
        .map((c) => ({
          name: c.Names[0].replace(/^\//, ''),
          number: c.Labels[Label.containerNumber],
          id: c.Id,
          state: c.State,
        }))
        .sort((x, y) => Number(x.number) - Number(y.number));

    await project.up({ scale: { web: 3 } });
    const three = await replicas();
    expect(three.map((r) => [r.name, r.number, r.state])).toEqual(
      [1, 2, 3].map((n) => [`${project.name}-web-${n}`, String(n), 'running']),
    );

    let result = await project.cli(['up', '-d', '--scale', 'web=2']);
    expect(result.code, result.stderr).toBe(0);
    expect(await replicas()).toEqual(three.slice(0, 2));

    result = await project.cli(['up', '-d', '--scale', 'web=1']);
    expect(result.code, result.stderr).toBe(0);
    expect(await replicas()).toEqual(three.slice(0, 1));

    // Scaling up again numbers the new replica after the highest one left.
    await project.up({ scale: { web: 2 } });
    const again = await replicas();
    expect(again.map((r) => [r.name, r.number])).toEqual([
      [`${project.name}-web-1`, '1'],
      [`${project.name}-web-2`, '2'],
    ]);
    expect(again[0].id).toBe(three[0].id);
    expect(again[1].id).not.toBe(three[1].id);
  });
});
