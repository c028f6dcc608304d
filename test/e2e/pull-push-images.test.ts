import { afterEach, describe, expect, it } from 'vitest';
import { useProject, type TestProject } from './harness.js';

// No registry is reachable here: every real pull or push fails, which is the error path.
// The main path of `pull` is `--policy missing` against images present locally.
describe('pull, push and images', () => {
  let project: TestProject;
  const tagged: string[] = [];
  afterEach(async () => {
    await project?.cleanup();
    for (const image of tagged.splice(0))
      await project.engine
        .getImage(image)
        .remove()
        .catch(() => undefined);
  });

  it('pull --policy missing pulls nothing when the images are present, and skips services that are only built', async () => {
    project = await useProject('pull-push-images');
    const before = (await project.engine.getImage('busybox').inspect()).Id;
    const result = await project.cli(['--progress', 'plain', 'pull', '--policy', 'missing', 'web', 'cache', 'tool']);
    expect(result.stderr).not.toMatch(/Pulling|error/);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/web \| Skipped - Image is already present locally/);
    expect(result.stderr).toMatch(/tool \| Skipped - No image to be pulled/);
    expect((await project.engine.getImage('busybox').inspect()).Id).toBe(before);
  });

  it('a failed pull exits non-zero and names the image and the service', async () => {
    project = await useProject('pull-push-images');
    const result = await project.cli(['pull', 'web']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: service "web": cannot pull image "busybox"/);
  });

  it('pull --ignore-pull-failures exits 0 with a warning naming the image', async () => {
    project = await useProject('pull-push-images');
    const result = await project.cli(['pull', '--ignore-pull-failures', '-q', 'web']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: service "web": cannot pull image "busybox".*--ignore-pull-failures/);
  });

  it('a failed pull of a service that can be built is a warning to build it, not an error', async () => {
    project = await useProject('pull-push-images');
    const result = await project.cli(['pull', '-q', 'app']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*must be built from source: run "berth build app"/);
  });

  it('pull --include-deps also pulls the dependencies of the named services', async () => {
    project = await useProject('pull-push-images');
    const alone = await project.cli([
      '--progress',
      'plain',
      'pull',
      '--policy',
      'missing',
      '--ignore-pull-failures',
      'app',
    ]);
    expect(alone.code).toBe(0);
    expect(alone.stderr).not.toMatch(/^web \|/m);
    const withDeps = await project.cli([
      '--progress',
      'plain',
      'pull',
      '--policy',
      'missing',
      '--ignore-pull-failures',
      '--include-deps',
      'app',
    ]);
    expect(withDeps.code).toBe(0);
    expect(withDeps.stderr).toMatch(/^web \| Skipped - Image is already present locally/m);
  });

  it('pull of an unknown service or policy fails before touching the engine', async () => {
    project = await useProject('pull-push-images');
    const unknown = await project.cli(['pull', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no such service: "nosuch" \(services: web, cache, app, tool\)/);
    const policy = await project.cli(['pull', '--policy', 'sometimes']);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/--policy must be missing or always/);
  });

  it('push fails with an error naming the image when the registry cannot be reached, and --ignore-push-failures makes it a warning', async () => {
    project = await useProject('pull-push-images');
    const image = `berth-e2e-push-${project.name}`;
    await project.engine.getImage('busybox').tag({ repo: image, tag: '1' });
    tagged.push(`${image}:1`);
    const env = { APP_IMAGE: `${image}:1` };

    const failed = await project.cli(['push', 'app'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`error: service "app": cannot push image "${image}:1": .+`));

    const ignored = await project.cli(['push', '--ignore-push-failures', '-q'], env);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(new RegExp(`warning: service "app": cannot push image "${image}:1"`));
  });

  it('push skips services the project does not build, and names a missing local image', async () => {
    project = await useProject('pull-push-images');
    const skipped = await project.cli(['--progress', 'plain', 'push', 'web']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(/web \| Skipped - not built by this project/);
    const missing = await project.cli(['push', 'app']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot push image "berth-e2e-app-not-built:1": An image does not exist locally/);
    const unknown = await project.cli(['push', 'nosuch']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/services: web, cache, app, tool/);
  });

  it('images lists, per container, the image it runs under the reference it was created with', async () => {
    project = await useProject('pull-push-images');
    await project.up({ services: ['web', 'cache'] });
    const imageId = (await project.engine.getImage('busybox').inspect()).Id;

    const json = await project.cli(['images', '--format', 'json']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as {
      ID: string;
      ContainerName: string;
      Repository: string;
      Tag: string;
      Size: number;
    }[];
    expect(list.map((i) => [i.ContainerName, i.Repository, i.Tag, i.ID])).toEqual([
      [`${project.name}-cache-1`, 'berth-test/busybox', 'latest', imageId],
      [`${project.name}-web-1`, 'busybox', 'latest', imageId],
    ]);
    expect(list[0].Size).toBeGreaterThan(0);

    const quiet = await project.cli(['images', '-q']);
    expect(quiet.stdout).toBe(`${imageId.replace('sha256:', '')}\n`);

    const one = await project.cli(['images', 'web']);
    const rows = one.stdout.trim().split('\n');
    expect(rows[0].split(/\s{2,}/)).toEqual(['CONTAINER', 'REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE']);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
      [`${project.name}-web-1`, 'busybox', 'latest', imageId.slice(7, 19)],
    ]);
  });

  it('images of an unknown service fails and names the known ones', async () => {
    project = await useProject('pull-push-images');
    const result = await project.cli(['images', 'nosuch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no such service: "nosuch" \(services: web, cache, app, tool\)/);
  });
});
