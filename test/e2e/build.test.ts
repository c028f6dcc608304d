// Building service images against the real engine: what reaches the image, which options the
// engine honours, and how a failing step is reported.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, type BuildRequest } from '../../src/engine/build.js';
import { contextTar } from '../../src/engine/build-context.js';
import { connectEngine, type Engine } from '../../src/engine/connect.js';
import type { BuildConfig } from '../../src/model/types.js';
import { imageOutput } from './image-output.js';

const fixtures = fileURLToPath(new URL('./fixtures/build/', import.meta.url));
const run = randomBytes(4).toString('hex');
const project = `berth-test-build-${run}`;
const tag = (name: string) => `${project}-${name}`;

let engine: Engine;
/** Every tag and image ID a test produced, removed at the end. */
const made = new Set<string>();

function request(name: string, build: Partial<BuildConfig>, extra: Partial<BuildRequest> = {}): BuildRequest {
  return {
    service: { name, build: { context: `${fixtures}app`, dockerfile: 'Dockerfile', ...build } },
    image: tag(name),
    projectName: project,
    ...extra,
    // These tests pin the classic builder; test/e2e/buildkit.test.ts covers BuildKit.
    hostEnv: { DOCKER_BUILDKIT: '0', ...extra.hostEnv },
  };
}

async function build(req: BuildRequest): Promise<{ id: string; lines: string[] }> {
  const lines: string[] = [];
  made.add(req.image);
  for (const t of req.service.build?.tags ?? []) made.add(t);
  const id = await buildImage(engine, { ...req, onOutput: (line) => lines.push(line) });
  made.add(id);
  return { id, lines };
}

/** What `cmd` prints in a fresh container of `image`. */
const output = (image: string, cmd: string[]) => imageOutput(engine, image, cmd);

beforeAll(async () => {
  engine = await connectEngine();
});

afterAll(async () => {
  for (const image of made) {
    await engine
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  }
});

describe('build', () => {
  let app: { id: string; lines: string[] };
  const greeting = `hello-${run}`;

  beforeAll(async () => {
    app = await build(request('app', { args: { GREETING: null } }, { hostEnv: { GREETING: greeting } }));
  });

  it('an ignored file never reaches the image, an included one and the exceptions do', async () => {
    const files = (await output(app.id, ['find', '/app', '-type', 'f'])).trim().split('\n').sort();
    expect(files).toEqual([
      '/app/.dockerignore',
      '/app/Dockerfile',
      '/app/drafts/keep.txt',
      '/app/included.txt',
      '/app/src/main.txt',
    ]);
  });

  it('a build arg given without a value takes the host environment value into the image', async () => {
    expect((await output(app.id, ['cat', '/greeting'])).trim()).toBe(greeting);
  });

  it('the image is tagged, labelled for the project and service, and its ID returned', async () => {
    const info = await engine.getImage(tag('app')).inspect();
    expect(info.Id).toBe(app.id);
    expect(info.Config.Labels).toMatchObject({
      'com.docker.compose.project': project,
      'com.docker.compose.service': 'app',
    });
  });

  it('the build output arrives line by line, steps included', () => {
    // The engine counts the build's labels as extra LABEL steps at the end.
    expect(app.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Step 1\/\d+ : FROM busybox$/),
        expect.stringMatching(/^Step 4\/\d+ : COPY \. \/app\/$/),
      ]),
    );
    expect(app.lines.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('no_cache rebuilds every step instead of reusing the cache', async () => {
    const again = await build(request('app', { args: { GREETING: greeting } }));
    expect(again.lines).toContain(' ---> Using cache');
    const fresh = await build(request('app', { args: { GREETING: greeting } }, { noCache: true }));
    expect(fresh.lines).not.toContain(' ---> Using cache');
  });

  it('a failing RUN step fails the build with the service and the step named', async () => {
    const lines: string[] = [];
    const failing = request('broken', { context: `${fixtures}failing` }, { onOutput: (line) => lines.push(line) });
    made.add(failing.image);
    const error = await buildImage(engine, failing).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'ServiceError', code: 'build', service: 'broken' });
    expect((error as Error).message).toMatch(
      /^service "broken": build failed at Step 2\/\d+ : RUN echo about to fail && exit 3: The command '\/bin\/sh -c echo about to fail && exit 3' returned a non-zero code: 3$/,
    );
    expect(lines).toContain('about to fail');
  });

  it('a Dockerfile outside the context builds with target, args, extra hosts, labels and extra tags honoured', async () => {
    const { id } = await build(
      request('stages', {
        dockerfile: `${fixtures}elsewhere/stages.Dockerfile`,
        target: 'base',
        args: { MARK: 'marked' },
        extra_hosts: { 'berth.test': ['10.1.2.3'] },
        labels: { 'org.example.kind': 'test' },
        tags: [`${tag('stages')}:extra`],
      }),
    );
    const seen = await output(id, ['sh', '-c', 'cat /hosts /mark; ls /stage 2>&1; ls -a /']);
    expect(seen).toMatch(/^10\.1\.2\.3\s+berth\.test$/m);
    expect(seen).toMatch(/^marked$/m);
    // `target: base` stops before the final stage.
    expect(seen).toMatch(/No such file or directory/);
    const extra = await engine.getImage(`${tag('stages')}:extra`).inspect();
    expect(extra.Id).toBe(id);
    expect(extra.Config.Labels).toMatchObject({ 'org.example.kind': 'test', 'com.docker.compose.service': 'stages' });
  });

  it('an inline Dockerfile builds and never lands in the image', async () => {
    const { id } = await build(
      request('inline', { dockerfile: undefined, dockerfile_inline: 'FROM busybox\nCOPY . /ctx/\n' }),
    );
    const files = (await output(id, ['ls', '-a', '/ctx'])).split(/\s+/).filter(Boolean);
    expect(files).toContain('included.txt');
    expect(files.filter((f) => f.startsWith('.dockerfile'))).toEqual([]);
  });

  it('a remote context is fetched by the engine itself', async () => {
    const { tar } = await contextTar(`${fixtures}app`, 'Dockerfile');
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const server: Server = createServer((_, res) =>
      res.writeHead(200, { 'Content-Type': 'application/x-tar' }).end(body),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/context.tar`;
      const { id } = await build(request('remote', { context: url, args: { GREETING: 'remote' } }));
      expect((await output(id, ['cat', '/app/included.txt', '/greeting'])).split('\n')).toEqual([
        'included',
        'remote',
        '',
      ]);
    } finally {
      server.close();
    }
  });

  it('settings only BuildKit supports are refused, naming the service and the setting', async () => {
    await expect(buildImage(engine, request('keys', { ssh: ['default'] }))).rejects.toThrow(
      /^service "keys": build\.ssh needs BuildKit/,
    );
    await expect(buildImage(engine, request('multi', { platforms: ['linux/amd64', 'linux/arm64'] }))).rejects.toThrow(
      /^service "multi": build\.platforms lists 2 platforms/,
    );
  });
});
