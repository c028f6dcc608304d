// The integration-test harness: a fixture folder copied to a temp dir, a unique project
// name, the real engine, and checks on engine state. Every project is torn down afterwards.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { expect } from 'vitest';
import {
  connectEngine,
  down,
  loadProject,
  up,
  type DownOptions,
  type Engine,
  type LoadOptions,
  type UpOptions,
} from '../../src/index.js';
import { Label } from '../../src/model/labels.js';
import { demultiplex } from '../../src/engine/logs.js';
import { probeSettings } from '../../src/engine/health-fallback.js';
import { nanos } from './engine-time.js';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
/** The built berth command, as npm puts it on PATH. */
export const cliPath = join(repoRoot, 'dist/bin/berth');

/** The environment the command runs with: `env`, with this test run's Node first on PATH. */
export function cliEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` };
}

let engine: Engine | undefined;

/** The test bed's engine. Fails loudly (never skips) when it is not running. */
export async function testEngine(): Promise<Engine> {
  engine ??= await connectEngine().catch((err: Error) => {
    throw new Error(`integration tests need the Docker Engine started by test/bed/engine.sh: ${err.message}`);
  });
  return engine;
}

export interface TestProject {
  name: string;
  dir: string;
  engine: Engine;
  /** The environment its commands run with (the project name; DOCKER_HOST for another engine). */
  env: Record<string, string | undefined>;
  load(options?: LoadOptions): ReturnType<typeof loadProject>;
  up(options?: UpOptions & { load?: LoadOptions }): ReturnType<typeof up>;
  down(options?: DownOptions): ReturnType<typeof down>;
  /** Runs the built CLI with an argument array (never a shell string). */
  cli(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The project's containers (all states), optionally of one service. */
  containers(service?: string): Promise<Docker.ContainerInfo[]>;
  /** Runs a command in a container and returns its stdout (throws on a non-zero exit). */
  exec(containerId: string, cmd: string[]): Promise<string>;
  /** Writes a file in the project's folder (to change the compose file between steps). */
  write(relative: string, text: string): void;
  cleanup(): Promise<void>;
}

let counter = 0;

/**
 * Copies `test/e2e/fixtures/<fixture>` (or an absolute folder, such as an example) to a temp dir
 * under a unique project name. `dockerHost` points the project at another engine than the test bed's.
 */
export async function useProject(fixture: string, options: { dockerHost?: string } = {}): Promise<TestProject> {
  const engine = options.dockerHost ? await connectEngine({ DOCKER_HOST: options.dockerHost }) : await testEngine();
  const label = basename(fixture);
  const dir = mkdtempSync(join(tmpdir(), `berth-${label}-`));
  cpSync(isAbsolute(fixture) ? fixture : join(here, 'fixtures', fixture), dir, { recursive: true });
  const name = `e2e-${label.replace(/[^a-z0-9]/g, '')}-${process.pid}-${++counter}`;
  const baseEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: name,
    ...(options.dockerHost ? { DOCKER_HOST: options.dockerHost } : {}),
  };
  const load = (options: LoadOptions = {}) => loadProject({ cwd: dir, environment: baseEnv, ...options });
  const containers = async (service?: string) =>
    engine.listContainers({
      all: true,
      filters: { label: [`${Label.project}=${name}`, ...(service ? [`${Label.service}=${service}`] : [])] },
    });
  const project: TestProject = {
    name,
    dir,
    engine,
    env: baseEnv,
    load,
    up: async ({ load: loadOptions, ...options } = {}) => up(await load(loadOptions), { engine, ...options }),
    down: async (options = {}) => down(await load(), { engine, ...options }),
    cli: (args, env = {}) =>
      new Promise((resolvePromise) => {
        execFile(
          cliPath,
          args,
          { cwd: dir, env: cliEnv({ ...baseEnv, ...env }), timeout: 120_000 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolvePromise({ code, stdout, stderr });
          },
        );
      }),
    containers,
    exec: (id, cmd) => execIn(engine, id, cmd),
    write: (relative, text) => writeFileSync(join(dir, relative), text),
    cleanup: async () => {
      for (const c of await containers())
        await engine
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      const filters = { label: [`${Label.project}=${name}`] };
      for (const n of await engine.listNetworks({ filters }))
        await engine
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined);
      for (const v of (await engine.listVolumes({ filters })).Volumes ?? [])
        await engine
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined);
      // Images the project built carry its label: without this every run leaves a few behind.
      for (const i of await engine.listImages({ filters }))
        await engine
          .getImage(i.Id)
          .remove({ force: true })
          .catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

export async function execIn(engine: Engine, id: string, cmd: string[]): Promise<string> {
  const exec = await engine.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolvePromise, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolvePromise);
    stream.on('error', reject);
  });
  const frames = demultiplex(Buffer.concat(chunks));
  const out = frames
    .filter((f) => f.stream === 'stdout')
    .map((f) => f.data.toString())
    .join('');
  const info = await exec.inspect();
  if (info.ExitCode !== 0) {
    const err = frames
      .filter((f) => f.stream === 'stderr')
      .map((f) => f.data.toString())
      .join('');
    throw new Error(`${cmd.join(' ')} exited with ${info.ExitCode}: ${err || out}`);
  }
  return out;
}

/** The environment of a running container, as its processes see it. */
export async function envOf(engine: Engine, id: string): Promise<Record<string, string>> {
  const out = await execIn(engine, id, ['env']);
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** Container IDs by container name, for "not recreated" checks. */
export async function idsByName(project: TestProject): Promise<Record<string, string>> {
  return Object.fromEntries((await project.containers()).map((c) => [c.Names[0].replace(/^\//, ''), c.Id]));
}

/** Every container carrying the project's name prefix, labelled or not. */
export async function namedLike(project: TestProject): Promise<Docker.ContainerInfo[]> {
  return project.engine.listContainers({ all: true, filters: { name: [`${project.name}-`] } });
}

/** Converged: one running, labelled container `<project>-<service>-1` per service, and nothing else with the project's name. */
export async function expectConverged(project: TestProject, services: number): Promise<void> {
  const all = await namedLike(project);
  expect(all).toHaveLength(services);
  for (const c of all) {
    expect(c.Labels[Label.project]).toBe(project.name);
    expect(c.Labels[Label.configHash]).toMatch(/^[0-9a-f]{64}$/);
    expect(c.Names[0]).toBe(`/${project.name}-${c.Labels[Label.service]}-1`);
    expect(c.State).toBe('running');
  }
}

/** Runs a test-bed script (`test/bed/<script>`) with an argument array; rejects with its error output. */
export function bed(script: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile('bash', [join(repoRoot, 'test/bed', script), ...args], { timeout: 120_000 }, (error, _stdout, stderr) =>
      error
        ? reject(new Error(`test/bed/${script} ${args.join(' ')} failed: ${stderr || error.message}`))
        : resolvePromise(),
    );
  });
}

/** A TCP port free on 127.0.0.1 right now, for publishing. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolvePromise) => server.close(resolvePromise));
  return port;
}

/**
 * A container's health as berth's waits see it: the engine's record, or, where the engine runs
 * no healthchecks (Podman without systemd) and has recorded no probe, one run of the service's
 * own check through exec, as berth's fallback runs it (engine/health-fallback.ts).
 */
export async function healthOf(
  project: TestProject,
  container: Docker.ContainerInspectInfo,
): Promise<string | undefined> {
  const health = container.State.Health;
  if (health?.Log?.length) return health.Status;
  const service = (await project.load()).project.services[container.Config.Labels[Label.service]];
  const settings = probeSettings(container.Config, service?.healthcheck?.test);
  if (!settings) return health?.Status;
  return project.exec(container.Id, settings.command).then(
    () => 'healthy',
    () => 'unhealthy',
  );
}

/**
 * When a file in a running container last changed, in nanoseconds since the epoch (comparable
 * with `nanos` of engine timestamps: one kernel clock). A fixture's healthcheck can leave such a
 * file to say when it first passed, whoever ran it: the engine, or berth where the engine runs none.
 */
export async function changedAt(project: TestProject, containerId: string, path: string): Promise<bigint> {
  // busybox stat: "2026-12-06 19:31:56.273298873 +0000"
  const out = (await project.exec(containerId, ['stat', '-c', '%y', path])).trim();
  const m = /^(\S+) (\S+) ([+-]\d\d)(\d\d)$/.exec(out);
  if (!m) throw new Error(`stat -c %y ${path} printed "${out}"`);
  return nanos(`${m[1]}T${m[2]}${m[3]}:${m[4]}`);
}
