// Input that would make berth read, build or walk without end. Every file it reads must be a
// regular file under a size limit; every number a file can multiply is bounded; nothing walks
// the dependency graph by recursion. Each refusal names the file and line, and the limit.
// A refusal that took as long as the thing it refuses would fail by the test's timeout.
import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextTar } from '../../src/engine/build-context.js';
import { LoadError } from '../../src/errors.js';
import { ServiceGraph } from '../../src/graph/graph.js';
import { loadProject, type LoadOptions } from '../../src/loader/index.js';
import { MAX_FILE_BYTES, readRegularFile } from '../../src/loader/read-file.js';
import { formatPlan, planUp } from '../../src/reconcile/plan.js';
import { desiredStack } from '../../src/swarm/desired.js';
import { lines, rejection, tempTree } from './loader-helpers.js';

const load = (cwd: string, options: LoadOptions = {}) =>
  loadProject({ cwd, environment: {}, projectName: 'p', ...options });
const WEB = ['services:', '  web:', '    image: busybox'];

function fifo(dir: string, name: string): string {
  execFileSync('mkfifo', [join(dir, name)]);
  return join(dir, name);
}

/** A file of `bytes` zero bytes that takes no disk space. */
function sparse(dir: string, name: string, bytes: number): string {
  writeFileSync(join(dir, name), '');
  truncateSync(join(dir, name), bytes);
  return join(dir, name);
}

interface Refusal {
  code: string;
  message: RegExp;
  file: string;
  at?: [number, number];
}

async function expectRefusal(promise: Promise<unknown>, expected: Refusal): Promise<void> {
  const err = await rejection(promise);
  expect(err.code).toBe(expected.code);
  expect(err.message).toMatch(expected.message);
  expect(err.position).toEqual({
    file: expected.file,
    ...(expected.at && { line: expected.at[0], column: expected.at[1] }),
  });
}

const NOT_REGULAR = (path: string, kind: string) =>
  new RegExp(`cannot read .* ${path}: it is not a regular file \\(it is ${kind}\\)`);

describe('every file berth reads is a regular file of at most 16 MiB', () => {
  it('refuses env_file: /dev/zero at the env_file entry, at once', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    env_file: /dev/zero') });
    await expectRefusal(load(dir), {
      code: 'env-file',
      message: NOT_REGULAR('/dev/zero', 'a character device'),
      file: join(dir, 'compose.yaml'),
      at: [4, 15],
    });
  }, 5_000);

  it('refuses a FIFO given with -f instead of waiting for a writer', async () => {
    const dir = tempTree({});
    const pipe = fifo(dir, 'compose.yaml');
    await expectRefusal(load(dir, { files: ['compose.yaml'] }), {
      code: 'file-not-found',
      message: NOT_REGULAR(pipe, 'a FIFO'),
      file: pipe,
    });
  }, 5_000);

  it('refuses a FIFO found by discovery', async () => {
    const dir = tempTree({});
    const pipe = fifo(dir, 'compose.yaml');
    await expectRefusal(load(dir), { code: 'file-not-found', message: NOT_REGULAR(pipe, 'a FIFO'), file: pipe });
  }, 5_000);

  it('refuses -f /dev/urandom', async () => {
    const dir = tempTree({});
    await expectRefusal(load(dir, { files: ['/dev/urandom'] }), {
      code: 'file-not-found',
      message: NOT_REGULAR('/dev/urandom', 'a character device'),
      file: '/dev/urandom',
    });
  }, 5_000);

  it('refuses a FIFO given with --env-file', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB) });
    const pipe = fifo(dir, 'app.env');
    await expectRefusal(load(dir, { envFiles: ['app.env'] }), {
      code: 'env-file',
      message: NOT_REGULAR(pipe, 'a FIFO'),
      file: pipe,
    });
  }, 5_000);

  it('passes over a project .env that is a FIFO, as over a missing one', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB) });
    fifo(dir, '.env');
    expect((await load(dir)).envFiles).toEqual([]);
  }, 5_000);

  it('refuses an included FIFO at the include entry', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, 'include:', '  - sub.yaml') });
    const pipe = fifo(dir, 'sub.yaml');
    await expectRefusal(load(dir), {
      code: 'include',
      message: NOT_REGULAR(pipe, 'a FIFO'),
      file: join(dir, 'compose.yaml'),
      at: [5, 5],
    });
  }, 5_000);

  it('refuses an extends file that is a FIFO at the extends entry', async () => {
    const dir = tempTree({
      'compose.yaml': lines('services:', '  web:', '    extends: {file: base.yaml, service: app}'),
    });
    const pipe = fifo(dir, 'base.yaml');
    await expectRefusal(load(dir), {
      code: 'extends',
      message: NOT_REGULAR(pipe, 'a FIFO'),
      file: join(dir, 'compose.yaml'),
      at: [3, 14],
    });
  }, 5_000);

  it('refuses label_file: /dev/urandom at its entry', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    label_file: [/dev/urandom]') });
    await expectRefusal(load(dir), {
      code: 'env-file',
      message: NOT_REGULAR('/dev/urandom', 'a character device'),
      file: join(dir, 'compose.yaml'),
      at: [4, 18],
    });
  }, 5_000);

  it('refuses a compose file over 16 MiB, naming it and the limit', async () => {
    const dir = tempTree({});
    const big = sparse(dir, 'compose.yaml', MAX_FILE_BYTES + 1);
    await expectRefusal(load(dir), {
      code: 'file-not-found',
      message: /compose\.yaml: it is larger than 16 MiB, the most berth reads from one file/,
      file: big,
    });
  }, 5_000);

  it('refuses an env_file over 16 MiB at its entry', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    env_file: big.env') });
    sparse(dir, 'big.env', MAX_FILE_BYTES + 1);
    await expectRefusal(load(dir), {
      code: 'env-file',
      message: /big\.env: it is larger than 16 MiB/,
      file: join(dir, 'compose.yaml'),
      at: [4, 15],
    });
  }, 5_000);

  it('reads a file of exactly 16 MiB', () => {
    const dir = tempTree({});
    expect(readRegularFile(sparse(dir, 'max', MAX_FILE_BYTES), { what: 'file', code: 'file-not-found' }).length).toBe(
      MAX_FILE_BYTES,
    );
  }, 10_000);

  it('refuses a .dockerignore that is a FIFO when packing a build context', async () => {
    const dir = tempTree({ Dockerfile: 'FROM busybox\n' });
    const pipe = fifo(dir, '.dockerignore');
    const err = await contextTar(dir, 'Dockerfile').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).message).toMatch(NOT_REGULAR(pipe, 'a FIFO'));
  }, 5_000);

  it('refuses a Swarm secret whose file is a FIFO, naming the secret', async () => {
    const dir = tempTree({
      'compose.yaml': lines(...WEB, '    secrets: [token]', 'secrets:', '  token: {file: ./token}'),
    });
    const pipe = fifo(dir, 'token');
    const loaded = await load(dir);
    expect(() => desiredStack(loaded)).toThrow(NOT_REGULAR(pipe, 'a FIFO'));
    expect(() => desiredStack(loaded)).toThrow(/secret "token" from/);
  }, 5_000);
});

describe('replicas are bounded', () => {
  const TOO_MANY = /expected a number of replicas from 0 to 1000 \(berth's limit for one service\)/;

  it.each([
    ['scale: 99999999999999999999', '    scale: 99999999999999999999', [4, 12], /got 100000000000000000000/],
    ['deploy.replicas: 1e9', '    deploy: {replicas: 1e9}', [4, 24], /got 1000000000/],
    ['a negative scale', '    scale: -1', [4, 12], /got -1/],
    [
      'a quoted scale too long for a safe integer',
      '    scale: "99999999999999999999"',
      [4, 12],
      /got "99999999999999999999"/,
    ],
  ] as const)('refuses %s at its line, naming the limit', async (_name, line, at, found) => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, line) });
    const err = await rejection(load(dir));
    expect(err.code).toBe('schema');
    expect(err.message).toMatch(TOO_MANY);
    expect(err.message).toMatch(found);
    expect(err.position).toEqual({ file: join(dir, 'compose.yaml'), line: at[0], column: at[1] });
  });

  it('refuses an interpolated scale over the limit', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    scale: ${N}'), '.env': 'N=1001\n' });
    await expectRefusal(load(dir), { code: 'schema', message: TOO_MANY, file: join(dir, 'compose.yaml'), at: [4, 12] });
  });

  it('accepts 1000 replicas and 0', async () => {
    const dir = tempTree({
      'compose.yaml': lines(...WEB, '    scale: 1000', '  idle:', '    image: busybox', '    deploy: {replicas: 0}'),
    });
    const { project } = await load(dir);
    expect(project.services.web.scale).toBe(1000);
    expect(project.services.idle.deploy?.replicas).toBe(0);
  });
});

describe('interpolation output is bounded', () => {
  /** Each variable repeats the one before eight times: 1.2 KB of .env, 256 MiB on line 7 (G), 2 GiB on line 8. */
  const AMPLIFIER = lines(
    `A=${'x'.repeat(1000)}`,
    ...['B', 'C', 'D', 'E', 'F', 'G', 'H'].map((v, i) => `${v}=${`\${${'ABCDEFG'[i]}}`.repeat(8)}`),
  );

  it('refuses a chain of variables in .env that multiplies 1.2 KB into gigabytes, at the line that passes the limit', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB), '.env': AMPLIFIER });
    await expectRefusal(load(dir), {
      code: 'env-file',
      message: /G: variables expand to more than 64 MiB of text, the most berth substitutes in one project/,
      file: join(dir, '.env'),
      at: [7, 3],
    });
  }, 10_000);

  it('counts the compose files against the same limit as the .env', async () => {
    // E is 4 MiB: harmless alone, 16 uses of it in a file are not.
    const env = AMPLIFIER.split('\n').slice(0, 5).join('\n');
    const dir = tempTree({
      'compose.yaml': lines(...WEB, '    labels:', ...Array.from({ length: 16 }, (_, i) => `      l${i}: \${E}`)),
      '.env': `${env}\n`,
    });
    const err = await rejection(load(dir));
    expect(err.code).toBe('interpolation');
    expect(err.message).toMatch(/more than 64 MiB/);
    expect(err.position?.file).toBe(join(dir, 'compose.yaml'));
    expect(err.position?.line).toBeGreaterThan(5);
  }, 10_000);

  it('refuses ${...} nested beyond 100 levels, where it is written, instead of overflowing the stack', async () => {
    const deep = `${'${A:-'.repeat(5000)}x${'}'.repeat(5000)}`;
    const dir = tempTree({ 'compose.yaml': lines(...WEB, `    hostname: "${deep}"`) });
    await expectRefusal(load(dir), {
      code: 'interpolation',
      message: /nested more than 100 levels deep/,
      file: join(dir, 'compose.yaml'),
      at: [4, 15],
    });
  });

  it('interpolates a line of 100 000 expressions in linear time', async () => {
    const dir = tempTree({
      'compose.yaml': lines(
        ...WEB,
        '    environment:',
        `      LONG: "${'${A:-y}'.repeat(100_000)}${'z'.repeat(100_000)}"`,
      ),
    });
    const { project } = await load(dir);
    expect(project.services.web.environment?.LONG).toBe(`${'y'.repeat(100_000)}${'z'.repeat(100_000)}`);
  }, 10_000);
});

describe('a dependency chain of 10 000 services', () => {
  // Each service depends on the next: walks from the last service go 10 000 levels deep.
  const N = 10_000;
  const chain = lines(
    'services:',
    ...Array.from({ length: N }, (_, i) => `  s${i}: {image: busybox${i + 1 < N ? `, depends_on: [s${i + 1}]` : ''}}`),
  );

  it('loads, orders, plans and prints the plan without overflowing the stack', async () => {
    const { project } = await load(tempTree({ 'compose.yaml': chain }));
    const order = new ServiceGraph(project).order();
    expect(order[0]).toBe(`s${N - 1}`);
    expect(order[N - 1]).toBe('s0');
    const plan = planUp(project, { containers: [], networks: {}, volumes: {}, images: { busybox: 'sha256:img' } });
    expect(plan.nodes.filter((n) => n.step.kind === 'create-container')).toHaveLength(N);
    // Each line names the steps it waits on directly, not every step of the chain before it.
    const text = formatPlan(plan).split('\n');
    expect(text[2]).toBe(
      `container:s${N - 2}:1 create-container (not found) after network:default, container:s${N - 1}:1`,
    );
    expect(Math.max(...text.map((l) => l.length))).toBeLessThan(200);
  }, 60_000);
});

describe('restart and cpus are validated', () => {
  it('refuses an unknown restart policy at its line, listing the valid ones', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    restart: sometimes') });
    await expectRefusal(load(dir), {
      code: 'schema',
      message:
        /services\.web\.restart: expected no, always, on-failure, on-failure:<max retries> or unless-stopped, got "sometimes"/,
      file: join(dir, 'compose.yaml'),
      at: [4, 14],
    });
  });

  it('refuses a retry count on a policy other than on-failure', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    restart: always:3') });
    await expectRefusal(load(dir), {
      code: 'schema',
      message: /got "always:3"/,
      file: join(dir, 'compose.yaml'),
      at: [4, 14],
    });
  });

  it('accepts every policy the engine knows', async () => {
    const policies = ['no', '"no"', 'always', 'on-failure', 'on-failure:5', 'unless-stopped'];
    const dir = tempTree({
      'compose.yaml': lines(
        'services:',
        ...policies.flatMap((p, i) => [`  s${i}:`, '    image: busybox', `    restart: ${p}`]),
      ),
    });
    const { project } = await load(dir);
    expect(Object.values(project.services).map((s) => s.restart)).toEqual([
      'no',
      'no',
      'always',
      'on-failure',
      'on-failure:5',
      'unless-stopped',
    ]);
  });

  it('refuses cpus: 1e400, which reads as infinity, saying so', async () => {
    const dir = tempTree({ 'compose.yaml': lines(...WEB, '    cpus: 1e400') });
    await expectRefusal(load(dir), {
      code: 'schema',
      message: /services\.web\.cpus: expected a number of CPUs from 0 to 8192, got a number too large to hold/,
      file: join(dir, 'compose.yaml'),
      at: [4, 11],
    });
  });

  it('refuses deploy limits cpus whose nanosecond count would overflow', async () => {
    const dir = tempTree({
      'compose.yaml': lines(...WEB, '    deploy:', '      resources:', '        limits: {cpus: 1e300}'),
    });
    await expectRefusal(load(dir), {
      code: 'schema',
      message: /deploy\.resources\.limits\.cpus: expected a number of CPUs from 0 to 8192, got 1e\+300/,
      file: join(dir, 'compose.yaml'),
      at: [6, 24],
    });
  });
});
