// Builds through the engine's BuildKit builder, against the real engine: cache mounts, build
// secrets, a failing step, the classic fallback, and one build for services that share it.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/connect.js';
import { useProject, type TestProject } from './harness.js';
import { imageOutput as output } from './image-output.js';

/** The image as `docker save` writes it: every layer and the config, as bytes. */
async function saved(engine: Engine, image: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await engine.getImage(image).get()) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The history comments BuildKit writes on the steps it ran (`buildkit.dockerfile.v0`). */
async function historyComments(engine: Engine, image: string): Promise<string[]> {
  const history = (await engine.getImage(image).history()) as { Comment: string }[];
  return history.map((h) => h.Comment);
}

describe('builds through BuildKit', () => {
  let project: TestProject;
  afterEach(async () => {
    await project?.down({ rmi: 'local' }).catch(() => undefined);
    await project?.cleanup();
  });

  it('berth build succeeds on a cache mount, and the cache keeps its files from one build to the next', async () => {
    project = await useProject('buildkit-cache');
    const first = `first-${randomBytes(4).toString('hex')}`;
    const second = `second-${randomBytes(4).toString('hex')}`;
    project.write('token', `${first}\n`);
    const built = await project.cli(['build']);
    expect(built.code, built.stderr).toBe(0);
    expect(await output(project.engine, `${project.name}-app`, ['cat', '/runs'])).toContain(first);

    // A new token changes the COPY, so the RUN step runs again with the same cache mount.
    project.write('token', `${second}\n`);
    expect((await project.cli(['build'])).code).toBe(0);
    const runs = (await output(project.engine, `${project.name}-app`, ['cat', '/runs'])).split('\n');
    expect(runs).toContain(first);
    expect(runs).toContain(second);
  });

  it('a build secret is readable in its RUN step and absent from the image, its history and the output', async () => {
    project = await useProject('buildkit-secret');
    const token = `token-${randomBytes(8).toString('hex')}`;
    const apiKey = `key-${randomBytes(8).toString('hex')}`;
    project.write('token.txt', token);
    project.write('run-id', randomBytes(8).toString('hex'));
    const result = await project.cli(['build'], { BERTH_TEST_API_KEY: apiKey });
    expect(result.code, result.stderr).toBe(0);

    const image = `${project.name}-app`;
    const proof = createHash('sha256').update(`${token}${apiKey}`).digest('hex');
    expect((await output(project.engine, image, ['cat', '/proof'])).trim()).toBe(proof);
    const everything = (await saved(project.engine, image)).toString('latin1');
    // Checked as booleans: a failure would otherwise print the whole image.
    expect(everything.includes(proof)).toBe(true);
    expect(everything.includes(token)).toBe(false);
    expect(everything.includes(apiKey)).toBe(false);
    const history = JSON.stringify(await project.engine.getImage(image).history());
    expect(history).not.toContain(token);
    expect(history).not.toContain(apiKey);
    // The RUN step prints the token: the output shows it masked.
    const printed = result.stdout + result.stderr;
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(apiKey);
    expect(printed).toMatch(/^.*#\d+ \*+$/m);
  });

  it('a build secret whose variable is not set is refused before anything is built', async () => {
    project = await useProject('buildkit-secret');
    const result = await project.cli(['build']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /service "app": build\.secrets: secret "api_key" reads the variable BERTH_TEST_API_KEY, which is not set/,
    );
    expect(await project.engine.listImages({ filters: { reference: [`${project.name}-app`] } })).toEqual([]);
  });

  it('an ssh mount reaches the agent of SSH_AUTH_SOCK, and the agent lists its key to the build', async () => {
    project = await useProject('buildkit-ssh');
    const dir = mkdtempSync(join(tmpdir(), 'berth-ssh-agent-'));
    const socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      await expect.poll(() => existsSync(socket), { timeout: 10_000 }).toBe(true);
      const comment = `berth-e2e-${randomBytes(4).toString('hex')}`;
      const run = promisify(execFile);
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(dir, 'key')]);
      await run('ssh-add', [join(dir, 'key')], { env: { ...process.env, SSH_AUTH_SOCK: socket } });

      project.write('run-id', comment);
      const result = await project.cli(['build'], { SSH_AUTH_SOCK: socket });
      expect(result.code, result.stderr).toBe(0);
      expect(await output(project.engine, `${project.name}-app`, ['cat', '/agent-reply'])).toContain(comment);
    } finally {
      agent.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('target, args, labels, extra hosts, network, cache_from and tags reach BuildKit', async () => {
    project = await useProject('buildkit-options');
    const result = await project.cli(['build']);
    expect(result.code, result.stderr).toBe(0);
    const image = `${project.name}-app`;
    const seen = await output(project.engine, image, ['sh', '-c', 'cat /mark /hosts; ls /final-stage']);
    expect(seen).toMatch(/^marked$/m);
    expect(seen).toMatch(/^10\.1\.2\.3\s+berth\.test$/m);
    // network: none leaves the RUN step only its loopback interface.
    const interfaces = await output(project.engine, image, ['cat', '/netdev']);
    expect(interfaces.match(/^\s*\w+:/gm)?.map((i) => i.trim())).toEqual(['lo:']);
    // target: base stops before the final stage.
    expect(seen).toMatch(/\/final-stage: No such file or directory/);
    const extra = await project.engine.getImage(`${image}:extra`).inspect();
    expect(extra.Id).toBe((await project.engine.getImage(image).inspect()).Id);
    expect(extra.Config.Labels).toMatchObject({ 'org.example.kind': 'test', 'com.docker.compose.service': 'app' });
  });

  it('a setting this engine does not pass to BuildKit is refused before anything is built', async () => {
    project = await useProject('buildkit-options');
    const result = await project.cli(['-f', 'compose.yaml', '-f', 'shm.yaml', 'build']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/service "app": build\.shm_size is not passed to BuildKit by this engine/);
    expect(await project.engine.listImages({ filters: { reference: [`${project.name}-app`] } })).toEqual([]);
  });

  it('BuildKit reads the context through the session: ignored files and an inline Dockerfile never reach the image', async () => {
    project = await useProject('buildkit-context');
    const result = await project.cli(['build']);
    expect(result.code, result.stderr).toBe(0);
    const files = await output(project.engine, `${project.name}-app`, ['find', '/ctx', '-type', 'f']);
    expect(files.trim().split('\n').sort()).toEqual([
      '/ctx/.dockerignore',
      '/ctx/compose.yaml',
      '/ctx/keep.txt',
      '/ctx/sub/nested.txt',
    ]);
  });

  it('a failing step is named, with its last lines of output', async () => {
    project = await useProject('buildkit-failing');
    const result = await project.cli(['build']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /service "app": build failed at \[2\/2\] RUN echo first line of output && echo last words before failing && exit 3: .*exit code: 3\n\s+first line of output\n\s+last words before failing/,
    );
    expect(await project.engine.listImages({ filters: { reference: [`${project.name}-app`] } })).toEqual([]);
  });

  it('DOCKER_BUILDKIT=0 builds with the classic builder, and BuildKit builds otherwise', async () => {
    project = await useProject('buildkit-classic');
    const image = `${project.name}-app`;
    const classic = await project.cli(['build'], { DOCKER_BUILDKIT: '0' });
    expect(classic.code, classic.stderr).toBe(0);
    expect(classic.stdout + classic.stderr).toMatch(/Building with the classic builder \(DOCKER_BUILDKIT=0\)/);
    expect(await historyComments(project.engine, image)).not.toContain('buildkit.dockerfile.v0');

    const buildKit = await project.cli(['build', '--no-cache']);
    expect(buildKit.code, buildKit.stderr).toBe(0);
    expect(buildKit.stdout + buildKit.stderr).toMatch(/Building with BuildKit/);
    expect(await historyComments(project.engine, image)).toContain('buildkit.dockerfile.v0');
  });

  it('services sharing one build are built once, and a service runs the image another builds without a pull', async () => {
    project = await useProject('buildkit-shared');
    const result = await project.cli(['up', '-d']);
    expect(result.code, result.stderr).toBe(0);

    const [web] = await project.containers('web');
    const [worker] = await project.containers('worker');
    expect(web.ImageID).toBe(worker.ImageID);
    // The RUN step stamps the time and a random ID: two builds could never write the same.
    const stamp = await project.exec(web.Id, ['cat', '/stamp']);
    expect(stamp.trim().split('\n')).toHaveLength(2);
    expect(await project.exec(worker.Id, ['cat', '/stamp'])).toBe(stamp);
    expect((await project.engine.getImage(`${project.name}-web`).inspect()).Id).toBe(web.ImageID);
    expect((await project.engine.getImage(`${project.name}-worker`).inspect()).Id).toBe(web.ImageID);

    const [tool] = await project.containers('tool');
    const [tooling] = await project.containers('tooling');
    expect(tool.ImageID).toBe(tooling.ImageID);
    expect(await project.exec(tool.Id, ['cat', '/role'])).toBe('tooling\n');
  });
});
